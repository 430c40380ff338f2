import type { Routes } from '@angular/router';

/**
 * Images, volumes, networks, events, engine info and (agent environments) the host of one environment. The environment shell nests these
 * as its children (`/environments/:envId/docker/<path>`) and provides the `EnvironmentContext` they inject.
 */
export const RESOURCE_CHILDREN: Routes = [
  {
    path: 'images',
    title: 'Images',
    loadComponent: () => import('./images/images-page').then((m) => m.ImagesPage),
  },
  {
    path: 'images/:id',
    title: 'Image',
    loadComponent: () => import('./images/image-detail-page').then((m) => m.ImageDetailPage),
  },
  {
    path: 'volumes',
    title: 'Volumes',
    loadComponent: () => import('./volumes/volumes-page').then((m) => m.VolumesPage),
  },
  {
    path: 'volumes/:name',
    title: 'Volume',
    loadComponent: () => import('./volumes/volume-detail-page').then((m) => m.VolumeDetailPage),
  },
  {
    path: 'volumes/:name/browse',
    title: 'Volume files',
    loadComponent: () => import('./volumes/volume-browser-page').then((m) => m.VolumeBrowserPage),
  },
  {
    path: 'networks',
    title: 'Networks',
    loadComponent: () => import('./networks/networks-page').then((m) => m.NetworksPage),
  },
  {
    path: 'networks/:id',
    title: 'Network',
    loadComponent: () => import('./networks/network-detail-page').then((m) => m.NetworkDetailPage),
  },
  {
    path: 'events',
    title: 'Events',
    loadComponent: () => import('./events/events-page').then((m) => m.EventsPage),
  },
  {
    path: 'engine',
    title: 'Engine',
    loadComponent: () => import('./engine/engine-page').then((m) => m.EnginePage),
  },
  {
    path: 'host',
    title: 'Host',
    loadComponent: () => import('./host/host-page').then((m) => m.HostPage),
  },
];
