import type { Routes } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import { permissionGuard } from '@capstan/portal-data-access';

export const ACCOUNT_ROUTES: Routes = [
  {
    path: '',
    title: 'My account · Capstan',
    canActivate: [permissionGuard(Permission.AccountRead)],
    loadComponent: () => import('./account-page').then((m) => m.AccountPage),
  },
];
