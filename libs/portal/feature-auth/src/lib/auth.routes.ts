import type { Routes } from '@angular/router';
import { adminInitializedGuard, guestGuard, noAdminYetGuard } from '@capstan/portal-data-access';

export const AUTH_ROUTES: Routes = [
  {
    path: 'init',
    title: 'Create the administrator · Capstan',
    canActivate: [noAdminYetGuard],
    loadComponent: () => import('./init-page').then((m) => m.InitPage),
  },
  {
    path: 'login',
    title: 'Log in · Capstan',
    canActivate: [adminInitializedGuard, guestGuard],
    loadComponent: () => import('./login-page').then((m) => m.LoginPage),
  },
  {
    path: 'instance-timeout',
    title: 'Instance timed out · Capstan',
    loadComponent: () => import('./timeout-page').then((m) => m.TimeoutPage),
  },
];
