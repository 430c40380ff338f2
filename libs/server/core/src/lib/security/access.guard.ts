import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { hasGlobalPermission, API_HEADERS } from '@capstan/contracts-api';
import { ForbiddenError } from '../errors';
import type { AuthenticatedUser } from '../http/request-context';
import { authenticateCaller } from './authenticate-caller';
import { ACCESS_METADATA, type AccessRule } from './authenticated.decorator';
import { AuthenticatorPort } from './authenticator.port';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Global guard: authenticates, checks the route's permission and, for cookie sessions, the CSRF token. */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: AuthenticatorPort,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (rule?.public) return true;
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();

    const user = await authenticateCaller(this.authenticator, req);
    enforceCsrf(req, reply, user, this.authenticator);
    if (!rule) throw new ForbiddenError('Access denied', 'This route has no access rule');
    if (rule.tokenOnly && user.via === 'api-key') {
      throw new ForbiddenError('Access denied', 'This operation needs a user session, not an API key');
    }
    if (
      rule.permission &&
      !hasGlobalPermission({ role: user.role, isTeamLeader: user.isTeamLeader }, rule.permission)
    ) {
      throw new ForbiddenError('Access denied to resource', `Requires the "${rule.permission}" permission`);
    }
    return true;
  }
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/**
 * Cookie sessions: returns the session's CSRF token on the response and requires it on state-changing
 * requests. Bearer and API-key callers are not exposed to CSRF and pass. Also used by raw Fastify routes.
 */
export function enforceCsrf(
  req: FastifyRequest,
  reply: FastifyReply,
  user: AuthenticatedUser,
  authenticator: AuthenticatorPort,
): void {
  if (user.via !== 'cookie') return;
  const expected = authenticator.csrfTokenFor(user);
  void reply.header(API_HEADERS.csrfToken, expected);
  if (SAFE_METHODS.has(req.method)) return;
  if (!safeEqual(headerValue(req, API_HEADERS.csrfToken), expected)) {
    throw new ForbiddenError('CSRF token missing or invalid', `Send the ${API_HEADERS.csrfToken} header`);
  }
}

function headerValue(req: FastifyRequest, name: string): string {
  const v = req.headers[name.toLowerCase()];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}
