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
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}
