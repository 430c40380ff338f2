import type { Routes } from '@angular/router';
import { adminInitializedGuard, authGuard } from '@capstan/portal-data-access';

import { ShellLayout } from './shell-layout';

export const appRoutes: Routes = [
  // Public pages: first run, login, instance timeout (feature-auth decides which apply).
  {
    path: '',
    loadChildren: () => import('@capstan/portal-feature-auth').then((m) => m.AUTH_ROUTES),
  },
  {
    path: '',
    component: ShellLayout,
    canActivate: [adminInitializedGuard, authGuard],
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'home' },
      { path: 'home', loadChildren: () => import('@capstan/portal-feature-home').then((m) => m.HOME_ROUTES) },
      { path: 'admin', loadChildren: () => import('@capstan/portal-feature-admin').then((m) => m.ADMIN_ROUTES) },
      {
        path: 'account',
        loadChildren: () => import('@capstan/portal-feature-account').then((m) => m.ACCOUNT_ROUTES),
      },
      { path: '**', redirectTo: 'home' },
    ],
  },
];
