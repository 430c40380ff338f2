import { AsyncLocalStorage } from 'node:async_hooks';
import type { UserRole } from '@capstan/contracts-api';

/** Who is calling, once the guard has authenticated the request. */
export interface AuthenticatedUser {
  readonly id: number;
  readonly username: string;
  readonly role: UserRole;
  readonly isTeamLeader: boolean;
  /** How the request authenticated; cookie sessions need a CSRF token on mutations. */
  readonly via: 'bearer' | 'cookie' | 'api-key' | 'query';
  /** JWT id for token sessions (used by logout), absent for API keys. */
  readonly tokenId?: string;
  readonly tokenExpiresAt?: number;
}

/** Per-request state available anywhere down the call chain (logs, audit). */
export interface RequestContext {
  readonly requestId: string;
  readonly startedAt: number;
  user?: AuthenticatedUser;
  /**
   * What a mutation acted on, in words ("container 3f2a1b9c0d12"), set by the service that knows it when the
   * route alone does not say (a resource control's id names no resource); the activity log's description uses it.
   */
  activityTarget?: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}

/** Names what the current request acts on, for its activity-log entry (no-op outside a request). */
export function setActivityTarget(target: string): void {
  const store = requestContext.getStore();
  if (store) store.activityTarget = target;
}
