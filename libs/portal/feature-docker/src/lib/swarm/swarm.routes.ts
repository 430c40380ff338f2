import type { Routes } from '@angular/router';

/**
 * Swarm pages of one environment (a Swarm manager, directly or through an agent), nested by the environment
 * shell next to the container and resource pages: `/environments/:envId/docker/swarm/...`.
 */
export const SWARM_CHILDREN: Routes = [
  {
    path: 'swarm',
    title: 'Swarm',
    loadComponent: () => import('./swarm-page').then((m) => m.SwarmPage),
  },
  {
    path: 'swarm/services',
    title: 'Services',
    loadComponent: () => import('./services-page').then((m) => m.ServicesPage),
  },
  {
    path: 'swarm/services/:serviceId',
    title: 'Service',
    loadComponent: () => import('./service-detail-page').then((m) => m.ServiceDetailPage),
  },
  {
    path: 'swarm/configs',
    title: 'Configs',
    data: { kind: 'configs' },
    loadComponent: () => import('./configs-page').then((m) => m.SwarmConfigsPage),
  },
  {
    path: 'swarm/secrets',
    title: 'Secrets',
    data: { kind: 'secrets' },
    loadComponent: () => import('./configs-page').then((m) => m.SwarmConfigsPage),
  },
];
