import type { Routes } from '@angular/router';

/** Stacks of one environment, children of the environment shell (`/environments/:envId/docker/stacks…`). */
export const STACK_CHILDREN: Routes = [
  {
    path: 'stacks',
    title: 'Stacks',
    loadComponent: () => import('./stacks-page').then((m) => m.StacksPage),
  },
  {
    path: 'stacks/new',
    title: 'Add a stack',
    loadComponent: () => import('./stack-create-page').then((m) => m.StackCreatePage),
  },
  {
    path: 'stacks/:id',
    title: 'Stack',
    loadComponent: () => import('./stack-details-page').then((m) => m.StackDetailsPage),
  },
];
