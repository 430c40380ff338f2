import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AUTH_COOKIE, API_HEADERS, AuthLogResult } from '@capstan/contracts-api';
import {
  AuthenticatedUser,
  AuthenticatorPort,
  type CallerCredentials,
  TooManyRequestsError,
  UnauthorizedError,
  UnprocessableError,
} from '@capstan/server-core';
import { AuditService } from '@capstan/server-audit';
import { SettingsService } from '@capstan/server-settings';
import { UsersService } from '@capstan/server-users';
import { ApiKeysService } from './api-keys.service';
import { LoginThrottle, throttleKeys } from './login-throttle';
import { SignInStrategies } from './sign-in/sign-in-strategies';
import type { SignInCredentials } from './sign-in/sign-in-strategy';
import { TokenService } from './token.service';

export interface LoginResult {
  token: string;
  expiresAt: number;
}

/** Sign-in (through the selected strategy), logout and request authentication (JWT from bearer, cookie or `?token=`; API keys). */
@Injectable()
export class AuthService extends AuthenticatorPort {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokenService,
    private readonly apiKeys: ApiKeysService,
    private readonly settings: SettingsService,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditService,
    private readonly strategies: SignInStrategies,
  ) {
    super();
  }

  /**
   * Signs in with the strategy the settings select (internal today; LDAP and OAuth add strategies), under the
   * login throttle, recording the outcome in the authentication log with the strategy's context.
   */
  async login(credentials: SignInCredentials, origin: string): Promise<LoginResult> {
    const { username, password } = credentials;
    const strategy = this.strategies.select((await this.settings.get()).AuthenticationMethod);
    const keys = throttleKeys(origin, username);
    const wait = this.throttle.retryAfter(keys);
    if (wait > 0) {
      await this.audit.recordAuth({
        username,
        context: strategy.context,
        origin,
        type: AuthLogResult.Throttled,
      });
      throw new TooManyRequestsError('Too many failed login attempts', wait);
    }
    const outcome = await this.strategies.signIn(strategy, credentials).catch(async (e: unknown) => {
      // A directory that is down lets nobody in; the attempt is logged, the caller sees why (503).
      await this.audit.recordAuth({ username, context: strategy.context, origin, type: AuthLogResult.Failure });
      throw e;
    });
    if (!outcome.ok) {
      this.throttle.recordFailure(keys);
      await this.audit.recordAuth({
        username,
        context: outcome.context,
        origin,
        type: AuthLogResult.Failure,
      });
      throw new UnprocessableError('Invalid credentials', 'Unauthorized');
    }
    const user = outcome.user;
    this.throttle.recordSuccess(`user:${username.toLowerCase()}`);
    const forceChange = password.length < (await this.settings.requiredPasswordLength());
    const { token, claims } = this.tokens.issue(user, await this.settings.sessionLifetimeMs(), forceChange);
    await this.audit.recordAuth({
      username: user.username,
      userId: user.id,
      context: outcome.context,
      origin,
      type: AuthLogResult.Success,
    });
    return { token, expiresAt: claims.exp * 1000 };
  }

  /** Revokes the request's session token, if it carries a valid one. */
  async logout(req: FastifyRequest, origin: string): Promise<void> {
    const found = this.sessionToken(req);
    const claims = found ? this.tokens.verify(found.token) : undefined;
    if (!claims) return;
    await this.tokens.revoke(claims);
    await this.audit.recordAuth({
      username: claims.username,
      userId: claims.id,
      // The sign-in method in force names the session's end, as its start.
      context: this.strategies.contextOf((await this.settings.get()).AuthenticationMethod),
      origin,
      type: AuthLogResult.Logout,
    });
  }

  async authenticate(req: CallerCredentials): Promise<AuthenticatedUser | undefined> {
    const apiKey = header(req, API_HEADERS.apiKey);
    if (apiKey !== undefined) {
      if (header(req, 'authorization') !== undefined) {
        throw new UnauthorizedError(
          'Unauthorized',
          'Send either an API key or an Authorization header, not both',
        );
      }
      const userId = await this.apiKeys.resolve(apiKey);
      const info = userId === undefined ? undefined : await this.users.authInfo(userId);
      if (!info) throw new UnauthorizedError('Unauthorized', 'Invalid API key');
      return {
        id: info.id,
        username: info.username,
        role: info.role,
        isTeamLeader: info.isTeamLeader,
        via: 'api-key',
      };
    }
    const found = this.sessionToken(req);
    if (!found) return undefined;
    const claims = this.tokens.verify(found.token);
    const info = claims ? await this.users.authInfo(claims.id) : undefined;
    if (!claims || !info || info.tokenVersion !== claims.gen) {
      throw new UnauthorizedError('Unauthorized', 'Invalid, expired or revoked token');
    }
    return {
      id: info.id,
      username: info.username,
      role: info.role,
      isTeamLeader: info.isTeamLeader,
      via: found.via,
      tokenId: claims.jti,
      tokenExpiresAt: claims.exp * 1000,
    };
  }

  csrfTokenFor(user: AuthenticatedUser): string {
    return this.tokens.csrfToken(user.tokenId ?? '');
  }

  /** Portainer's lookup order after the API key: cookie, then bearer header, then `?token=`. */
  private sessionToken(
    req: CallerCredentials,
  ): { token: string; via: 'cookie' | 'bearer' | 'query' } | undefined {
    const cookie = req.cookies?.[AUTH_COOKIE];
    if (cookie) return { token: cookie, via: 'cookie' };
    const authorization = header(req, 'authorization');
    if (authorization?.toLowerCase().startsWith('bearer '))
      return { token: authorization.slice(7).trim(), via: 'bearer' };
    const query = (req.query as Record<string, unknown> | undefined)?.['token'];
    if (typeof query === 'string' && query !== '') return { token: query, via: 'query' };
    return undefined;
  }
}

function header(req: CallerCredentials, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
