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
import { SecondFactorRequired } from './totp/second-factor.errors';
import type { TotpService } from './totp/totp.service';

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

/** Internal sign-in for the second-factor cases: "erin" / "a-long-password", TOTP on. */
class LocalStrategy extends Strategy implements SignInStrategy {
  readonly method = AuthenticationMethod.Internal;
  readonly name = 'auth-service-spec-local';
  readonly context = 'internal';
  constructor() {
    super();
    passport.use(this.name, this);
  }
  override authenticate(req: { body: { username: string; password: string } }): void {
    if (req.body.username === 'erin' && req.body.password === 'a-long-password')
      this.success({ id: 5, username: 'erin', role: 2, tokenVersion: 0 });
    else this.fail(401);
  }
}

/** TOTP as far as sign-in needs it: erin has it on; "246810" is her only good code. */
const totp = {
  isEnabled: (id: number) => Promise.resolve(id === 5),
  verify: (id: number, _u: string, code: string) =>
    Promise.resolve(id === 5 && code === '246810' ? 'code' : undefined),
} as unknown as TotpService;

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
    issueChallenge: (user: { id: number }, purpose: string) => `challenge:${purpose}:${user.id}`,
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
    new SignInStrategies([new DirectoryStrategy(), new LocalStrategy()]),
    totp,
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

describe('AuthService.login with a second factor', () => {
  it('answers a right password 401 with a second-step token, and opens no session', async () => {
    const { service, authLog, issued } = setup(AuthenticationMethod.Internal);
    const refusal = await service
      .login({ username: 'erin', password: 'a-long-password' }, '10.0.0.9')
      .catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(SecondFactorRequired);
    expect(refusal).toMatchObject({
      status: 401,
      message: 'Two-factor code required',
      headers: { 'X-Capstan-Second-Factor': 'challenge:second-factor:5' },
    });
    expect(issued).toEqual([]);
    expect(authLog).toEqual([]);
  });

  it('signs in in one step with the code, logged as totp', async () => {
    const { service, authLog, issued } = setup(AuthenticationMethod.Internal);
    await service.login({ username: 'erin', password: 'a-long-password', totpCode: '246810' }, '10.0.0.9');
    expect(issued).toHaveLength(1);
    expect(authLog.map((e) => [e.context, e.type])).toEqual([['totp', AuthLogResult.Success]]);
  });

  it('throttles wrong codes like wrong passwords; the right password does not reset the count', async () => {
    const { service, authLog } = setup(AuthenticationMethod.Internal);
    for (let i = 0; i < USERNAME_POLICY.maxFailures; i++)
      await expect(
        service.login({ username: 'erin', password: 'a-long-password', totpCode: '000000' }, '10.0.0.9'),
      ).rejects.toMatchObject({ status: 422, message: 'Invalid two-factor code' });
    await expect(
      service.login({ username: 'erin', password: 'a-long-password', totpCode: '246810' }, '10.0.0.9'),
    ).rejects.toBeInstanceOf(TooManyRequestsError);
    expect(authLog.map((e) => [e.context, e.type])).toEqual([
      ...Array.from({ length: USERNAME_POLICY.maxFailures }, () => ['totp', AuthLogResult.Failure]),
      ['internal', AuthLogResult.Throttled],
    ]);
  });
});

describe('AuthService reasons in the authentication log', () => {
  it('says why a two-factor code was refused and why an attempt was throttled', async () => {
    const { service, authLog } = setup(AuthenticationMethod.Internal);
    for (let i = 0; i < USERNAME_POLICY.maxFailures; i++)
      await service
        .login({ username: 'erin', password: 'a-long-password', totpCode: '000000' }, '10.0.0.9')
        .catch(() => undefined);
    await service
      .login({ username: 'erin', password: 'a-long-password', totpCode: '246810' }, '10.0.0.9')
      .catch(() => undefined);
    expect(authLog.map((e) => [e.context, e.reason])).toEqual([
      ...Array.from({ length: USERNAME_POLICY.maxFailures }, () => [
        'totp',
        'wrong two-factor or recovery code',
      ]),
      ['internal', 'too many failed attempts'],
    ]);
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
