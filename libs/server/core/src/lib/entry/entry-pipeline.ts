import { Injectable } from '@nestjs/common';
import fastifyCookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { ForbiddenError } from '../errors';
import type { AuthenticatedUser } from '../http/request-context';
import { enforceCsrf } from '../security/access.guard';
import { authenticateCaller } from '../security/authenticate-caller';
import { AuthenticatorPort } from '../security/authenticator.port';

/**
 * Authentication for entry points that are not controllers, with the same rules as the guard (same
 * `AuthenticatorPort`: `X-API-Key`, cookie, `Authorization: Bearer`, `?token=`). Provided by the auth module,
 * as the guard is, since it provides the authenticator.
 */
@Injectable()
export class EntryPipeline {
  constructor(private readonly authenticator: AuthenticatorPort) {}

  /** A raw HTTP route (the Docker proxy): the caller, and the CSRF rule of cookie sessions on mutations. */
  async authenticateHttp(request: FastifyRequest, reply: FastifyReply): Promise<AuthenticatedUser> {
    const user = await authenticateCaller(this.authenticator, request);
    enforceCsrf(request, reply, user, this.authenticator);
    return user;
  }

  /**
   * A WebSocket upgrade: the caller, from its headers, cookies or `?token=`. A cookie session must come from this
   * server's own origin (cross-site WebSocket hijacking: browsers send cookies with any site's upgrade).
   */
  async authenticateUpgrade(req: IncomingMessage, query: URLSearchParams): Promise<AuthenticatedUser> {
    const user = await authenticateCaller(this.authenticator, {
      headers: req.headers,
      query: Object.fromEntries(query),
      cookies: fastifyCookie.parse(req.headers.cookie ?? ''),
    });
    if (user.via === 'cookie' && !sameOrigin(req))
      throw new ForbiddenError('Cross-origin WebSocket refused', 'Origin does not match Host');
    return user;
  }
}

function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return false;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
