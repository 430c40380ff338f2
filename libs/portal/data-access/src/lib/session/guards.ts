import { inject } from '@angular/core';
import {
  type CanActivateFn,
  type CanMatchFn,
  RedirectCommand,
  Router,
  RouterStateSnapshot,
  type UrlTree,
} from '@angular/router';
import type { Permission } from '@capstan/contracts-api';

import { SessionStore } from './session.store';

/**
 * Runs a guard's check; if the server answered "admin-init timeout" meanwhile (every API route then fails),
 * the answer is the timeout page rather than a navigation error.
 */
async function orTimeoutPage(check: () => Promise<boolean | UrlTree>): Promise<boolean | UrlTree> {
  const session = inject(SessionStore);
  const router = inject(Router);
  if (session.adminInitTimedOut()) return router.parseUrl('/instance-timeout');
  try {
    return await check();
  } catch (error) {
    if (session.adminInitTimedOut()) return router.parseUrl('/instance-timeout');
    throw error;
  }
}

/** Until an administrator exists every page leads to the first-run page. */
export const adminInitializedGuard: CanActivateFn = (): Promise<boolean | UrlTree> => {
  const session = inject(SessionStore);
  const router = inject(Router);
  return orTimeoutPage(async () => ((await session.ensureAdminChecked()) ? true : router.parseUrl('/init')));
};

/** The first-run page only makes sense while no administrator exists. */
export const noAdminYetGuard: CanActivateFn = (): Promise<boolean | UrlTree> => {
  const session = inject(SessionStore);
  const router = inject(Router);
  return orTimeoutPage(async () => ((await session.ensureAdminChecked()) ? router.parseUrl('/login') : true));
};

/** Logged-out visitors go to the login page, with the page they wanted remembered. */
export const authGuard: CanActivateFn = async (_route, state): Promise<boolean | UrlTree> => {
  const session = inject(SessionStore);
  const router = inject(Router);
  if (await session.ensureLoaded()) return true;
  const wanted = state.url && state.url !== '/' && state.url !== '/home' ? state.url : null;
  return router.createUrlTree(['/login'], wanted ? { queryParams: { next: wanted } } : {});
};

/** A logged-in user has nothing to do on the login page. */
export const guestGuard: CanActivateFn = async (): Promise<boolean | UrlTree> => {
  const session = inject(SessionStore);
  const router = inject(Router);
  return (await session.ensureLoaded()) ? router.parseUrl('/home') : true;
};

/** Where a page the user may not open leads (the shell's "not allowed" page). */
export const NOT_ALLOWED_PATH = '/not-allowed';

/**
 * Lets the route through when the user holds any of the permissions (the catalog is the same one the
 * server's guard reads); otherwise the "not allowed" page, the address bar still showing the address asked
 * for (`browserUrl`) — rather than a silent fall-back to Home. Hiding the nav link is not enough, a URL can be typed.
 */
export function permissionGuard(...anyOf: Permission[]): CanActivateFn & CanMatchFn {
  return async (_route: unknown, state: unknown): Promise<boolean | RedirectCommand> => {
    const session = inject(SessionStore);
    const router = inject(Router);
    await session.ensureLoaded();
    if (anyOf.some((p) => session.can(p))) return true;
    // As canActivate the address asked for is the state's; as canMatch (segments only) none is kept.
    const asked = state instanceof RouterStateSnapshot ? state.url : null;
    return new RedirectCommand(router.parseUrl(NOT_ALLOWED_PATH), asked ? { browserUrl: asked } : {});
  };
}
