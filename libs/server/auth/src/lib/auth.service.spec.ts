import type { FastifyRequest } from 'fastify';
import passport from 'passport';
import { Strategy } from 'passport-strategy';
import { describe, expect, it } from 'vitest';
import { AuthenticationMethod, AuthLogResult } from '@capstan/contracts-api';
import { ClockPort, TooManyRequestsError, UnprocessableError } from '@capstan/server-core';
import type { AuditService, AuthEvent } from '@capstan/server-audit';
import type { SettingsService } from '@capstan/server-settings';
import type { UsersService } from '@capstan/server-users';
import type { ApiKeysService } from './api-keys.service';
import { AuthService } from './auth.service';
import { LoginThrottle, USERNAME_POLICY } from './login-throttle';
import { SignInStrategies } from './sign-in/sign-in-strategies';
import type { SignInStrategy } from './sign-in/sign-in-strategy';
import type { TokenService } from './token.service';

class FixedClock extends ClockPort {
  now(): number {
    return 1_700_000_000_000;
  }
}

/** A directory sign-in (what LDAP will be): "dave" / "open sesame". */
class DirectoryStrategy extends Strategy implements SignInStrategy {
  readonly method = AuthenticationMethod.Ldap;
  readonly name = 'auth-service-spec-directory';
  readonly context = 'ldap';
  constructor() {
    super();
    passport.use(this.name, this);
  }
  override authenticate(req: { body: { username: string; password: string } }): void {
    if (req.body.username === 'dave' && req.body.password === 'open sesame')
      this.success({ id: 4, username: 'dave', role: 2, tokenVersion: 0 });
    else this.fail(401);
  }
}

function setup(method: AuthenticationMethod) {
  const authLog: AuthEvent[] = [];
  const issued: unknown[] = [];
  const settings = {
    get: () => Promise.resolve({ AuthenticationMethod: method }),
    requiredPasswordLength: () => Promise.resolve(12),
    sessionLifetimeMs: () => Promise.resolve(3_600_000),
  } as unknown as SettingsService;
  const revoked: unknown[] = [];
  const tokens = {
    issue: (user: unknown) => {
      issued.push(user);
      return { token: 'jwt', claims: { exp: 1_700_003_600 } };
    },
    verify: (token: string) => (token === 'valid-jwt' ? { id: 4, username: 'dave', jti: 'j1' } : undefined),
    revoke: (claims: unknown) => Promise.resolve(void revoked.push(claims)),
  } as unknown as TokenService;
  const audit = {
    recordAuth: (e: AuthEvent) => Promise.resolve(void authLog.push(e)),
  } as unknown as AuditService;
  const service = new AuthService(
    {} as UsersService,
    tokens,
    {} as ApiKeysService,
    settings,
    new LoginThrottle(new FixedClock()),
    audit,
    new SignInStrategies([new DirectoryStrategy()]),
  );
  return { service, authLog, issued, revoked };
}

describe('AuthService.login', () => {
  it("signs in with the strategy the settings select and logs the strategy's context", async () => {
    const { service, authLog, issued } = setup(AuthenticationMethod.Ldap);
    await expect(service.login({ username: 'dave', password: 'open sesame' }, '10.0.0.9')).resolves.toEqual({
      token: 'jwt',
      expiresAt: 1_700_003_600_000,
    });
    expect(issued).toEqual([{ id: 4, username: 'dave', role: 2, tokenVersion: 0 }]);
    expect(authLog).toEqual([
      { username: 'dave', userId: 4, context: 'ldap', origin: '10.0.0.9', type: AuthLogResult.Success },
    ]);
  });

  it('answers wrong credentials 422 and throttles the username, logging each attempt', async () => {
    const { service, authLog } = setup(AuthenticationMethod.Ldap);
    for (let i = 0; i < USERNAME_POLICY.maxFailures; i++)
      await expect(service.login({ username: 'dave', password: 'guess' }, '10.0.0.9')).rejects.toBeInstanceOf(
        UnprocessableError,
      );
    await expect(
      service.login({ username: 'dave', password: 'open sesame' }, '10.0.0.9'),
    ).rejects.toBeInstanceOf(TooManyRequestsError);
    expect(authLog.map((e) => [e.context, e.type])).toEqual([
      ...Array.from({ length: USERNAME_POLICY.maxFailures }, () => ['ldap', AuthLogResult.Failure]),
      ['ldap', AuthLogResult.Throttled],
    ]);
  });

  it('refuses to sign in with a method the server has no strategy for', async () => {
    const { service, authLog } = setup(AuthenticationMethod.OAuth);
    await expect(
      service.login({ username: 'dave', password: 'open sesame' }, '10.0.0.9'),
    ).rejects.toMatchObject({
      status: 503,
    });
    expect(authLog).toEqual([]);
  });
});

describe('AuthService.logout', () => {
  const bearer = (token: string) =>
    ({ headers: { authorization: `Bearer ${token}` } }) as unknown as FastifyRequest;

  it("revokes the session's token and logs the end with the sign-in method in force", async () => {
    const { service, authLog, revoked } = setup(AuthenticationMethod.Ldap);
    await service.logout(bearer('valid-jwt'), '10.0.0.9');
    expect(revoked).toEqual([{ id: 4, username: 'dave', jti: 'j1' }]);
    expect(authLog).toEqual([
      { username: 'dave', userId: 4, context: 'ldap', origin: '10.0.0.9', type: AuthLogResult.Logout },
    ]);
  });

  it('still logs out when the method in force has no strategy (named, not refused)', async () => {
    const { service, authLog, revoked } = setup(AuthenticationMethod.OAuth);
    await service.logout(bearer('valid-jwt'), '10.0.0.9');
    expect(revoked).toHaveLength(1);
    expect(authLog.map((e) => [e.context, e.type])).toEqual([['OAuth', AuthLogResult.Logout]]);
  });

  it('does nothing for a request without a valid session token', async () => {
    const { service, authLog, revoked } = setup(AuthenticationMethod.Ldap);
    await service.logout(bearer('forged'), '10.0.0.9');
    await service.logout({ headers: {} } as unknown as FastifyRequest, '10.0.0.9');
    expect(revoked).toEqual([]);
    expect(authLog).toEqual([]);
  });
});
