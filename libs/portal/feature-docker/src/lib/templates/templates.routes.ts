import type { Routes } from '@angular/router';

/** App and custom templates of one environment, children of the environment shell (`…/docker/templates…`). */
export const TEMPLATE_CHILDREN: Routes = [
  {
    path: 'templates',
    title: 'App templates',
    loadComponent: () => import('./app-templates-page').then((m) => m.AppTemplatesPage),
  },
  {
    path: 'templates/custom',
    title: 'Custom templates',
    loadComponent: () => import('./custom-templates-page').then((m) => m.CustomTemplatesPage),
  },
  {
    path: 'templates/custom/new',
    title: 'Add a custom template',
    loadComponent: () => import('./custom-template-edit-page').then((m) => m.CustomTemplateEditPage),
  },
  {
    path: 'templates/custom/:id',
    title: 'Custom template',
    loadComponent: () => import('./custom-template-edit-page').then((m) => m.CustomTemplateEditPage),
  },
];
