import type { IncomingHttpHeaders } from 'node:http';
import type { AuthenticatedUser } from '../http/request-context';

/**
 * What credentials are read from: a Fastify request is one; a WebSocket upgrade (no Fastify there) gives its
 * headers, its query and its parsed cookies.
 */
export interface CallerCredentials {
  readonly headers: IncomingHttpHeaders;
  readonly query?: unknown;
  readonly cookies?: Readonly<Record<string, string | undefined>>;
}

/**
 * How the guard learns who is calling. The auth module provides the implementation
 * (JWT bearer, cookie, `?token=`, `X-API-Key`); core only knows this port.
 */
export abstract class AuthenticatorPort {
  /** Returns the caller, `undefined` when the request carries no credentials; throws on bad ones. */
  abstract authenticate(req: CallerCredentials): Promise<AuthenticatedUser | undefined>;
  /** The CSRF token for a cookie session. */
  abstract csrfTokenFor(user: AuthenticatedUser): string;
}
