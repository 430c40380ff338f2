import type { Routes } from '@angular/router';

export const RESOURCE_ROUTES: Routes = [];
