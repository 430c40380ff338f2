import type { Routes } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import { permissionGuard } from '@capstan/portal-data-access';

/** Every route carries the catalog permission the server's guard checks for the API it uses. */
export const ADMIN_ROUTES: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'users' },
  {
    path: 'users',
    title: 'Users · Capstan',
    canActivate: [permissionGuard(Permission.UsersManage)],
    loadComponent: () => import('./users/users-page').then((m) => m.UsersPage),
  },
  {
    path: 'teams',
    title: 'Teams · Capstan',
    canActivate: [permissionGuard(Permission.TeamsManage, Permission.TeamMembersManage)],
    loadComponent: () => import('./teams/teams-page').then((m) => m.TeamsPage),
  },
  {
    path: 'teams/:id',
    title: 'Team · Capstan',
    canActivate: [permissionGuard(Permission.TeamsManage, Permission.TeamMembersManage)],
    loadComponent: () => import('./teams/team-detail-page').then((m) => m.TeamDetailPage),
  },
  {
    path: 'auth-logs',
    title: 'Authentication logs · Capstan',
    canActivate: [permissionGuard(Permission.AuditRead)],
    data: { kind: 'auth' },
    loadComponent: () => import('./logs/logs-page').then((m) => m.LogsPage),
  },
  {
    path: 'activity-logs',
    title: 'Activity logs · Capstan',
    canActivate: [permissionGuard(Permission.AuditRead)],
    data: { kind: 'activity' },
    loadComponent: () => import('./logs/logs-page').then((m) => m.LogsPage),
  },
  {
    path: 'settings',
    title: 'Settings · Capstan',
    canActivate: [permissionGuard(Permission.SettingsRead)],
    loadComponent: () => import('./settings/settings-page').then((m) => m.SettingsPage),
  },
  {
    path: 'authentication',
    title: 'Authentication · Capstan',
    canActivate: [permissionGuard(Permission.SettingsRead)],
    loadComponent: () => import('./authentication/authentication-page').then((m) => m.AuthenticationPage),
  },
  {
    path: 'registries',
    title: 'Registries · Capstan',
    canActivate: [permissionGuard(Permission.RegistriesManage)],
    loadComponent: () => import('./registries/registries-page').then((m) => m.RegistriesPage),
  },
  {
    path: 'registries/new',
    title: 'Add a registry · Capstan',
    canActivate: [permissionGuard(Permission.RegistriesManage)],
    loadComponent: () => import('./registries/registry-form-page').then((m) => m.RegistryFormPage),
  },
  {
    path: 'registries/:id',
    title: 'Registry · Capstan',
    canActivate: [permissionGuard(Permission.RegistriesManage)],
    loadComponent: () => import('./registries/registry-form-page').then((m) => m.RegistryFormPage),
  },
  {
    path: 'registries/:id/browse',
    title: 'Registry browser · Capstan',
    canActivate: [permissionGuard(Permission.RegistriesManage)],
    loadComponent: () => import('./registries/registry-browser-page').then((m) => m.RegistryBrowserPage),
  },
  {
    path: 'registries/:id/access',
    title: 'Registry access · Capstan',
    canActivate: [permissionGuard(Permission.RegistriesManage)],
    loadComponent: () => import('./registries/registry-access-page').then((m) => m.RegistryAccessPage),
  },
  {
    path: 'about',
    title: 'About · Capstan',
    canActivate: [permissionGuard(Permission.SystemRead)],
    loadComponent: () => import('./about/about-page').then((m) => m.AboutPage),
  },
];
