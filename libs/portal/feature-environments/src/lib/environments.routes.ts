import type { Routes } from '@angular/router';

/** `/environments/...` administration: list, add wizard, edit, access, groups, tags. */
export const ENVIRONMENT_ADMIN_ROUTES: Routes = [];
