import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
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
  /**
   * The request's fields as the activity log should see them when Fastify did not parse the body: a multipart
   * form's text fields, a proxied Docker call's JSON. Recorded (redacted) as the entry's payload and read by its
   * description.
   */
  activityPayload?: unknown;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The caller's `X-Request-Id` when it is a sane one, else a new id. */
export function requestIdFrom(headers: IncomingHttpHeaders): string {
  const incoming = headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}

/** The current request's body as the activity log should see it (no-op outside a request). */
export function setActivityPayload(payload: unknown): void {
  const store = requestContext.getStore();
  if (store) store.activityPayload = payload;
}

/** Names what the current request acts on, for its activity-log entry (no-op outside a request). */
export function setActivityTarget(target: string): void {
  const store = requestContext.getStore();
  if (store) store.activityTarget = target;
}
