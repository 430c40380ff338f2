import type { Routes } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import { permissionGuard } from '@capstan/portal-data-access';

const manage = [permissionGuard(Permission.EnvironmentsManage)];

/** `/edge/jobs/...`: edge jobs (administrators). */
export const EDGE_JOB_ROUTES: Routes = [
  {
    path: '',
    pathMatch: 'full',
    title: 'Edge jobs · Capstan',
    canActivate: manage,
    loadComponent: () => import('./edge-jobs-page').then((m) => m.EdgeJobsPage),
  },
  {
    path: 'new',
    title: 'New edge job · Capstan',
    canActivate: manage,
    loadComponent: () => import('./edge-job-form-page').then((m) => m.EdgeJobFormPage),
  },
  {
    path: ':id/edit',
    title: 'Edit edge job · Capstan',
    canActivate: manage,
    loadComponent: () => import('./edge-job-form-page').then((m) => m.EdgeJobFormPage),
  },
  {
    path: ':id',
    title: 'Edge job · Capstan',
    canActivate: manage,
    loadComponent: () => import('./edge-job-details-page').then((m) => m.EdgeJobDetailsPage),
  },
];
