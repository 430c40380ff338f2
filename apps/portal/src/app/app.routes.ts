import type { Routes } from '@angular/router';
import { adminInitializedGuard, authGuard } from '@capstan/portal-data-access';
import { AUTH_ROUTES } from '@capstan/portal-feature-auth';
import { StatusPage } from '@capstan/portal-ui';

import { ShellLayout } from './shell-layout';

export const appRoutes: Routes = [
  // Public pages (first run, login, instance timeout): the three route entries are eager, their pages lazy.
  // They cannot sit under a lazy `path: ''` parent: an empty-path parent matches "/" even when none of
  // its children does, and the shell below would never be reached.
  ...AUTH_ROUTES,
  {
    path: '',
    component: ShellLayout,
    canActivate: [adminInitializedGuard, authGuard],
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'home' },
      { path: 'home', loadChildren: () => import('@capstan/portal-feature-home').then((m) => m.HOME_ROUTES) },
      {
        path: 'environments/:envId/docker',
        loadChildren: () => import('@capstan/portal-feature-docker').then((m) => m.DOCKER_ROUTES),
      },
      {
        path: 'environments',
        loadChildren: () =>
          import('@capstan/portal-feature-environments').then((m) => m.ENVIRONMENT_ADMIN_ROUTES),
      },
      {
        path: 'edge/jobs',
        loadChildren: () => import('@capstan/portal-feature-edge-jobs').then((m) => m.EDGE_JOB_ROUTES),
      },
      {
        path: 'admin',
        loadChildren: () => import('@capstan/portal-feature-admin').then((m) => m.ADMIN_ROUTES),
      },
      {
        path: 'account',
        loadChildren: () => import('@capstan/portal-feature-account').then((m) => m.ACCOUNT_ROUTES),
      },
      // permissionGuard's target (the typed address stays in the address bar), and any unknown address.
      { path: 'not-allowed', title: 'Not allowed', component: StatusPage, data: { kind: 'not-allowed' } },
      { path: '**', title: 'Page not found', component: StatusPage, data: { kind: 'not-found' } },
    ],
  },
];
