import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import {
  AUTH_COOKIE,
  API_HEADERS,
  AuthenticationMethod,
  AuthLogResult,
  UserRole,
} from '@capstan/contracts-api';
import {
  AuthenticatedUser,
  AuthenticatorPort,
  ForbiddenError,
  type CallerCredentials,
  DomainError,
  TooManyRequestsError,
  UnauthorizedError,
  UnprocessableError,
} from '@capstan/server-core';
import { AuditService } from '@capstan/server-audit';
import { SettingsService } from '@capstan/server-settings';
import { INITIAL_ADMIN_ID, UsersService } from '@capstan/server-users';
import { ApiKeysService } from './api-keys.service';
import { LoginThrottle, throttleKeys } from './login-throttle';
import { SignInStrategies } from './sign-in/sign-in-strategies';
import type { SignedInUser, SignInCredentials } from './sign-in/sign-in-strategy';
import {
  expiredChallenge,
  invalidCode,
  SecondFactorRequired,
  TOTP_CONTEXT,
} from './totp/second-factor.errors';
import { TotpService, type TotpEnrolment } from './totp/totp.service';
import { TokenService } from './token.service';
import type { OAuthSignInBody } from './oauth/oauth.strategy';

/** Throttle key of OAuth sign-ins: there is no username before the provider answers, the address key counts. */
const OAUTH_THROTTLE_NAME = '\u0000oauth';

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
    private readonly totp: TotpService,
  ) {
    super();
  }

  /**
   * Signs in with the strategy the settings select (internal today; LDAP and OAuth add strategies), under the
   * login throttle, recording the outcome in the authentication log with the strategy's context.
   */
  async login(credentials: SignInCredentials & { totpCode?: string }, origin: string): Promise<LoginResult> {
    const { username, password } = credentials;
    const strategy = this.strategies.select((await this.settings.get()).AuthenticationMethod);
    const keys = throttleKeys(origin, username);
    await this.refuseThrottled(keys, username, strategy.context, origin);
    const outcome = await this.strategies.signIn(strategy, credentials).catch(async (e: unknown) => {
      // A directory that is down lets nobody in; the attempt is logged, the caller sees why (503).
      await this.audit.recordAuth({
        username,
        context: strategy.context,
        origin,
        type: AuthLogResult.Failure,
        reason: failureReason(e),
      });
      throw e;
    });
    if (!outcome.ok) {
      this.throttle.recordFailure(keys);
      await this.audit.recordAuth({
        username,
        context: outcome.context,
        origin,
        type: AuthLogResult.Failure,
        reason: outcome.reason ?? 'invalid credentials',
      });
      throw new UnprocessableError('Invalid credentials', 'Unauthorized');
    }
    const user = outcome.user;
    const forceChange = password.length < (await this.settings.requiredPasswordLength());
    // The second factor guards internal passwords: every one under the internal method, and the initial
    // administrator's break-glass sign-in under LDAP or OAuth; directory and provider sign-ins have their own.
    if (strategy.method === AuthenticationMethod.Internal || user.id === INITIAL_ADMIN_ID) {
      if (await this.totp.isEnabled(user.id)) {
        if (credentials.totpCode === undefined)
          throw new SecondFactorRequired(
            'Two-factor code required',
            'Send the code from your authenticator app with this token to POST /api/auth/totp (or add "totpCode" to this request)',
            this.tokens.issueChallenge(user, 'second-factor', forceChange),
          );
        return this.completeSecondFactor(user, credentials.totpCode, forceChange, origin);
      }
      if (await this.policyRequiresTotp(user.role))
        throw new SecondFactorRequired(
          'Two-factor enrolment required',
          'An administrator requires a second factor for this account: enrol with this token at POST /api/auth/totp/enrol',
          this.tokens.issueChallenge(user, 'enrol', forceChange),
        );
    }
    return this.openSession(user, forceChange, outcome.context, origin);
  }

  /**
   * OAuth sign-in (`POST /api/auth/oauth/validate`): the provider's code with the pending sign-in this browser
   * started (sealed cookie), through the OAuth strategy; throttled per client address; 403 when OAuth is not the
   * method in force.
   */
  async loginOAuth(body: OAuthSignInBody, origin: string): Promise<LoginResult> {
    const method = (await this.settings.get()).AuthenticationMethod;
    if (method !== AuthenticationMethod.OAuth)
      throw new ForbiddenError(
        'OAuth authentication is not enabled',
        'The authentication method is not OAuth',
      );
    const strategy = this.strategies.select(method);
    const keys = throttleKeys(origin, OAUTH_THROTTLE_NAME);
    await this.refuseThrottled(keys, '', strategy.context, origin);
    const outcome = await this.strategies.signIn(strategy, body).catch(async (e: unknown) => {
      await this.audit.recordAuth({
        username: '',
        context: strategy.context,
        origin,
        type: AuthLogResult.Failure,
        reason: failureReason(e),
      });
      throw e;
    });
    if (!outcome.ok) {
      this.throttle.recordFailure(keys);
      await this.audit.recordAuth({
        username: '',
        context: strategy.context,
        origin,
        type: AuthLogResult.Failure,
        reason: outcome.reason ?? 'refused by the provider',
      });
      throw new UnprocessableError(
        'OAuth authentication failed',
        'The provider did not vouch for a known user',
      );
    }
    return this.openSession(outcome.user, false, outcome.context, origin);
  }

  /** The login's second step: a second-step token and a TOTP or recovery code, throttled and logged as `totp`. */
  async loginSecondFactor(challenge: string, code: string, origin: string): Promise<LoginResult> {
    const claims = this.tokens.verifyChallenge(challenge, 'second-factor');
    if (!claims) throw expiredChallenge();
    const user = await this.users.authInfo(claims.uid);
    if (!user) throw expiredChallenge();
    return this.completeSecondFactor(user, code, claims.fc, origin);
  }

  /** Starts the enrolment a policy requires, with the second-step token of the refused sign-in. */
  async beginRequiredEnrolment(challenge: string): Promise<TotpEnrolment> {
    const claims = this.tokens.verifyChallenge(challenge, 'enrol');
    if (!claims) throw expiredChallenge();
    return this.totp.begin(claims.uid, claims.username);
  }

  /** Confirms the required enrolment: recovery codes (shown once) and the session the sign-in was waiting for. */
  async confirmRequiredEnrolment(
    challenge: string,
    code: string,
    origin: string,
  ): Promise<LoginResult & { recoveryCodes: string[] }> {
    const claims = this.tokens.verifyChallenge(challenge, 'enrol');
    const user = claims ? await this.users.authInfo(claims.uid) : undefined;
    if (!claims || !user) throw expiredChallenge();
    const keys = throttleKeys(origin, user.username);
    await this.refuseThrottled(keys, user.username, TOTP_CONTEXT, origin);
    const recoveryCodes = await this.totp.confirm(user.id, user.username, code);
    if (!recoveryCodes) {
      await this.codeRefused(keys, user.username, origin, 'wrong two-factor code (enrolment)');
      throw invalidCode();
    }
    return { ...(await this.openSession(user, claims.fc, TOTP_CONTEXT, origin)), recoveryCodes };
  }

  private async completeSecondFactor(
    user: SignedInUser,
    code: string,
    forceChange: boolean,
    origin: string,
  ): Promise<LoginResult> {
    const keys = throttleKeys(origin, user.username);
    await this.refuseThrottled(keys, user.username, TOTP_CONTEXT, origin);
    if (!(await this.totp.verify(user.id, user.username, code))) {
      await this.codeRefused(keys, user.username, origin, 'wrong two-factor or recovery code');
      throw invalidCode();
    }
    return this.openSession(user, forceChange, TOTP_CONTEXT, origin);
  }

  private async codeRefused(
    keys: ReturnType<typeof throttleKeys>,
    username: string,
    origin: string,
    reason: string,
  ): Promise<void> {
    this.throttle.recordFailure(keys);
    await this.audit.recordAuth({
      username,
      context: TOTP_CONTEXT,
      origin,
      type: AuthLogResult.Failure,
      reason,
    });
  }

  private async refuseThrottled(
    keys: ReturnType<typeof throttleKeys>,
    username: string,
    context: string,
    origin: string,
  ): Promise<void> {
    const wait = this.throttle.retryAfter(keys);
    if (wait <= 0) return;
    await this.audit.recordAuth({
      username,
      context,
      origin,
      type: AuthLogResult.Throttled,
      reason: 'too many failed attempts',
    });
    throw new TooManyRequestsError('Too many failed login attempts', wait);
  }

  private async policyRequiresTotp(role: UserRole): Promise<boolean> {
    const policy = (await this.settings.get()).TwoFactorPolicy;
    return policy === 'everyone' || (policy === 'administrators' && role === UserRole.Administrator);
  }

  /** Every factor passed: the throttle forgets the user's failures, the session is issued and logged. */
  private async openSession(
    user: SignedInUser,
    forceChange: boolean,
    context: string,
    origin: string,
  ): Promise<LoginResult> {
    this.throttle.recordSuccess(`user:${user.username.toLowerCase()}`);
    const lifetime = Math.min(
      await this.settings.sessionLifetimeMs(),
      user.sessionLifetimeMs ?? Number.POSITIVE_INFINITY,
    );
    const { token, claims } = this.tokens.issue(user, lifetime, forceChange);
    await this.audit.recordAuth({
      username: user.username,
      userId: user.id,
      context,
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

/** Why a sign-in failed with an error (a directory or provider down, a bad request), for the authentication log. */
function failureReason(e: unknown): string {
  return e instanceof DomainError ? `${e.message}: ${e.details}` : 'sign-in error';
}

function header(req: CallerCredentials, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
