import type { Routes } from '@angular/router';

export const CONTAINER_ROUTES: Routes = [];
