import type { Routes } from '@angular/router';

export const HOME_ROUTES: Routes = [
  { path: '', title: 'Home · Capstan', loadComponent: () => import('./home-page').then((m) => m.HomePage) },
];
