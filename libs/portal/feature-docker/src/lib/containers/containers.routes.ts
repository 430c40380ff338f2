import type { Routes } from '@angular/router';

import { RESOURCE_CHILDREN } from '../resources/resources.routes';
import { EnvironmentShell } from '../shell/environment-shell';
import { STACK_CHILDREN } from '../stacks/stacks.routes';
import { TEMPLATE_CHILDREN } from '../templates/templates.routes';
import { SWARM_CHILDREN } from '../swarm/swarm.routes';

/** The pages of `containers/` under the environment shell: dashboard, container list, create, details. */
export const CONTAINER_CHILDREN: Routes = [
  {
    path: '',
    pathMatch: 'full',
    title: 'Dashboard',
    loadComponent: () => import('./dashboard-page').then((m) => m.DockerDashboardPage),
  },
  // Home cards and the admin list link here.
  {
    path: 'dashboard',
    title: 'Dashboard',
    loadComponent: () => import('./dashboard-page').then((m) => m.DockerDashboardPage),
  },
  {
    path: 'containers',
    title: 'Containers',
    loadComponent: () => import('./containers-page').then((m) => m.ContainersPage),
  },
  {
    path: 'containers/new',
    title: 'Add a container',
    loadComponent: () => import('./create/container-create-page').then((m) => m.ContainerCreatePage),
  },
  {
    path: 'containers/:id',
    title: 'Container',
    loadComponent: () => import('./details/container-details-page').then((m) => m.ContainerDetailsPage),
  },
];

/**
 * `/environments/:envId/docker/...`: one `EnvironmentShell` with every page of the environment as its child
 * (these and `RESOURCE_CHILDREN`: images, volumes, networks, events, engine), so they share its header, nav
 * and `EnvironmentContext`.
 */
export const CONTAINER_ROUTES: Routes = [
  {
    path: '',
    component: EnvironmentShell,
    children: [
      ...CONTAINER_CHILDREN,
      ...STACK_CHILDREN,
      ...TEMPLATE_CHILDREN,
      ...RESOURCE_CHILDREN,
      ...SWARM_CHILDREN,
    ],
  },
];
