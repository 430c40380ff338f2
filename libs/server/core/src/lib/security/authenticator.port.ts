import type { FastifyRequest } from 'fastify';
import type { AuthenticatedUser } from '../http/request-context';

/**
 * How the guard learns who is calling. The auth module provides the implementation
 * (JWT bearer, cookie, `?token=`, `X-API-Key`); core only knows this port.
 */
export abstract class AuthenticatorPort {
  /** Returns the caller, `undefined` when the request carries no credentials; throws on bad ones. */
  abstract authenticate(req: FastifyRequest): Promise<AuthenticatedUser | undefined>;
  /** The CSRF token for a cookie session. */
  abstract csrfTokenFor(user: AuthenticatedUser): string;
}
