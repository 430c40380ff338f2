import type { Routes } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import { permissionGuard } from '@capstan/portal-data-access';

const manage = [permissionGuard(Permission.EnvironmentsManage)];

/** `/environments/...` administration: list, add wizard, edit, access, groups, tags, edge agents (administrators). */
export const ENVIRONMENT_ADMIN_ROUTES: Routes = [
  {
    path: '',
    pathMatch: 'full',
    title: 'Environments · Capstan',
    canActivate: manage,
    loadComponent: () => import('./list/environments-page').then((m) => m.EnvironmentsPage),
  },
  {
    path: 'new',
    title: 'Add an environment · Capstan',
    canActivate: manage,
    loadComponent: () => import('./wizard/environment-wizard-page').then((m) => m.EnvironmentWizardPage),
  },
  {
    path: 'groups',
    title: 'Environment groups · Capstan',
    canActivate: manage,
    loadComponent: () => import('./groups/groups-page').then((m) => m.GroupsPage),
  },
  {
    path: 'groups/:id',
    title: 'Environment group · Capstan',
    canActivate: manage,
    loadComponent: () => import('./groups/group-detail-page').then((m) => m.GroupDetailPage),
  },
  {
    path: 'tags',
    title: 'Tags · Capstan',
    canActivate: manage,
    loadComponent: () => import('./tags/tags-page').then((m) => m.TagsPage),
  },
  {
    path: 'edge/new',
    title: 'Add an edge agent · Capstan',
    canActivate: manage,
    loadComponent: () => import('./edge/edge-agent-page').then((m) => m.EdgeAgentPage),
  },
  {
    path: 'edge/waiting-room',
    title: 'Waiting room · Capstan',
    canActivate: manage,
    loadComponent: () => import('./edge/waiting-room-page').then((m) => m.WaitingRoomPage),
  },
  {
    path: 'edge/settings',
    title: 'Edge settings · Capstan',
    canActivate: manage,
    loadComponent: () => import('./edge/edge-settings-page').then((m) => m.EdgeSettingsPage),
  },
  {
    path: ':id/edge',
    title: 'Edge status · Capstan',
    canActivate: manage,
    loadComponent: () => import('./edge/edge-status-page').then((m) => m.EdgeStatusPage),
  },
  {
    path: 'edge-groups',
    title: 'Edge groups · Capstan',
    canActivate: manage,
    loadComponent: () => import('./edge/edge-groups-page').then((m) => m.EdgeGroupsPage),
  },
  {
    path: 'edge-stacks',
    title: 'Edge stacks · Capstan',
    canActivate: manage,
    loadComponent: () => import('./edge/edge-stacks-page').then((m) => m.EdgeStacksPage),
  },
  {
    path: ':id/edit',
    title: 'Edit environment · Capstan',
    canActivate: manage,
    loadComponent: () => import('./edit/environment-edit-page').then((m) => m.EnvironmentEditPage),
  },
];
