import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import { Permission, UserRole } from '@capstan/contracts-api';
import { ForbiddenError, UnauthorizedError } from '../errors';
import type { AuthenticatedUser } from '../http/request-context';
import { AccessGuard } from './access.guard';
import { Authenticated, Public } from './authenticated.decorator';
import { AuthenticatorPort } from './authenticator.port';

class FakeAuthenticator extends AuthenticatorPort {
  constructor(private readonly user: AuthenticatedUser | undefined) {
    super();
  }
  authenticate(): Promise<AuthenticatedUser | undefined> {
    return Promise.resolve(this.user);
  }
  csrfTokenFor(user: AuthenticatedUser): string {
    return `csrf-${user.tokenId ?? ''}`;
  }
}

class Routes {
  @Public() open(): string {
    return 'open';
  }
  @Authenticated() any(): string {
    return 'any';
  }
  @Authenticated({ permission: Permission.UsersManage }) adminOnly(): string {
    return 'adminOnly';
  }
  @Authenticated({ permission: Permission.TeamMembersManage }) leaders(): string {
    return 'leaders';
  }
  @Authenticated({ tokenOnly: true }) noApiKeys(): string {
    return 'noApiKeys';
  }
  unguarded(): string {
    return 'unguarded';
  }
}

const user = (over: Partial<AuthenticatedUser> = {}): AuthenticatedUser => ({
  id: 2,
  username: 'bob',
  role: UserRole.StandardUser,
  isTeamLeader: false,
  via: 'bearer',
  tokenId: 'jti-1',
  ...over,
});

function context(handler: keyof Routes, method = 'GET', headers: Record<string, string> = {}) {
  const resHeaders: Record<string, string> = {};
  const ctx = {
    getType: () => 'http',
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({
      getRequest: () => ({ method, headers }),
      getResponse: () => ({ header: (k: string, v: string) => (resHeaders[k] = v) }),
    }),
  } as unknown as ExecutionContext;
  return { ctx, resHeaders };
}

const guard = (u: AuthenticatedUser | undefined) =>
  new AccessGuard(new Reflector(), new FakeAuthenticator(u));

describe('AccessGuard', () => {
  it('lets anyone call public routes', async () => {
    await expect(guard(undefined).canActivate(context('open').ctx)).resolves.toBe(true);
  });

  it('refuses anonymous callers with 401', async () => {
    await expect(guard(undefined).canActivate(context('any').ctx)).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('fails closed on routes without an access rule', async () => {
    await expect(
      guard(user({ role: UserRole.Administrator })).canActivate(context('unguarded').ctx),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('checks the permission catalog', async () => {
    await expect(guard(user()).canActivate(context('adminOnly').ctx)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      guard(user({ role: UserRole.Administrator })).canActivate(context('adminOnly').ctx),
    ).resolves.toBe(true);
    await expect(guard(user()).canActivate(context('leaders').ctx)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(guard(user({ isTeamLeader: true })).canActivate(context('leaders').ctx)).resolves.toBe(true);
  });

  it('refuses API keys where a session is required', async () => {
    await expect(
      guard(user({ via: 'api-key' })).canActivate(context('noApiKeys').ctx),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('requires the CSRF token on mutations by cookie sessions only', async () => {
    const cookie = user({ via: 'cookie' });
    await expect(guard(cookie).canActivate(context('any', 'POST').ctx)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(
      guard(cookie).canActivate(context('any', 'POST', { 'x-csrf-token': 'wrong' }).ctx),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const ok = context('any', 'POST', { 'x-csrf-token': 'csrf-jti-1' });
    await expect(guard(cookie).canActivate(ok.ctx)).resolves.toBe(true);
    expect(ok.resHeaders['X-CSRF-Token']).toBe('csrf-jti-1');
    await expect(guard(cookie).canActivate(context('any', 'GET').ctx)).resolves.toBe(true);
    await expect(guard(user({ via: 'bearer' })).canActivate(context('any', 'POST').ctx)).resolves.toBe(true);
  });
});
