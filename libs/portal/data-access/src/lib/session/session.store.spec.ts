import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import { FakeApi, provideFakeApi, userFactory } from '../testing/fake-api';
import { SessionStore } from './session.store';

describe('SessionStore', () => {
  let api: FakeApi;

  beforeEach(() => {
    api = new FakeApi();
    TestBed.configureTestingModule({ providers: [provideRouter([]), provideFakeApi(api)] });
  });

  function loginAs(role: number, memberships: { TeamID: number; Role: number }[] = []) {
    api.on('GET /api/users/me', { body: userFactory({ Id: 7, Username: 'bob', Role: role }) });
    api.on('GET /api/users/7/memberships', {
      body: memberships.map((m, i) => ({ Id: i + 1, UserID: 7, ...m })),
    });
  }

  it('an administrator holds admin permissions', async () => {
    loginAs(1);
    const session = TestBed.inject(SessionStore);
    await session.ensureLoaded();
    expect(session.isAdmin()).toBe(true);
    expect(session.can(Permission.UsersManage)).toBe(true);
    expect(session.can(Permission.AuditRead)).toBe(true);
  });

  it('a standard user who leads a team may manage members but not users or settings', async () => {
    loginAs(2, [
      { TeamID: 3, Role: 1 },
      { TeamID: 4, Role: 2 },
    ]);
    const session = TestBed.inject(SessionStore);
    await session.ensureLoaded();
    expect(session.isAdmin()).toBe(false);
    expect(session.isTeamLeader()).toBe(true);
    expect([...session.ledTeamIds()]).toEqual([3]);
    expect(session.can(Permission.TeamMembersManage)).toBe(true);
    expect(session.can(Permission.UsersList)).toBe(true);
    expect(session.can(Permission.UsersManage)).toBe(false);
    expect(session.can(Permission.SettingsRead)).toBe(false);
  });

  it('a plain member holds only the authenticated permissions', async () => {
    loginAs(2, [{ TeamID: 4, Role: 2 }]);
    const session = TestBed.inject(SessionStore);
    await session.ensureLoaded();
    expect(session.isTeamLeader()).toBe(false);
    expect(session.can(Permission.AccountUpdate)).toBe(true);
    expect(session.can(Permission.TeamMembersManage)).toBe(false);
  });

  it('logged out, can() is false for everything', () => {
    const session = TestBed.inject(SessionStore);
    expect(session.can(Permission.AccountRead)).toBe(false);
  });

  it('loads the session once for concurrent callers', async () => {
    loginAs(1);
    const session = TestBed.inject(SessionStore);
    await Promise.all([session.ensureLoaded(), session.ensureLoaded(), session.ensureLoaded()]);
    await session.ensureLoaded();
    expect(api.requests.filter((r) => r.path === '/api/users/me')).toHaveLength(1);
  });

  it('login posts the credentials and then reads the user; no token is stored in the browser', async () => {
    api.on('POST /api/auth', { body: { jwt: 'secret.jwt' } });
    loginAs(1);
    const session = TestBed.inject(SessionStore);
    expect(await session.login('bob', 'pw')).toEqual({ step: 'done' });
    expect(session.user()?.Username).toBe('bob');
    expect(api.last('POST /api/auth')?.body).toEqual({ username: 'bob', password: 'pw' });
    expect(JSON.stringify(localStorage)).not.toContain('secret.jwt');
  });

  it('a two-factor account: the 401 with a second-step token is a next step; the code opens the session', async () => {
    api.on('POST /api/auth', {
      status: 401,
      body: { message: 'Two-factor code required', details: '' },
      headers: { 'X-Capstan-Second-Factor': 'step.token' },
    });
    api.on('POST /api/auth/totp', { body: { jwt: 'secret.jwt' } });
    loginAs(1);
    const session = TestBed.inject(SessionStore);
    expect(await session.login('bob', 'pw')).toEqual({ step: 'code', token: 'step.token' });
    expect(session.user()).toBeNull();
    await session.secondFactor('step.token', '123456');
    expect(api.last('POST /api/auth/totp')?.body).toEqual({ token: 'step.token', code: '123456' });
    expect(session.user()?.Username).toBe('bob');
  });

  it('a 401 without a second-step token stays an error', async () => {
    api.on('POST /api/auth', { status: 401, body: { message: 'Unauthorized', details: '' } });
    await expect(TestBed.inject(SessionStore).login('bob', 'pw')).rejects.toMatchObject({ status: 401 });
  });

  it('logout revokes on the server, clears the user and goes to /login even if the server fails', async () => {
    loginAs(1);
    api.on('POST /api/auth/logout', { status: 500, body: { message: 'boom', details: '' } });
    const session = TestBed.inject(SessionStore);
    const navigate = vi.spyOn(TestBed.inject(Router), 'navigateByUrl').mockResolvedValue(true);
    await session.ensureLoaded();
    await session.logout().catch(() => undefined);
    expect(api.last('POST /api/auth/logout')).toBeDefined();
    expect(session.user()).toBeNull();
    expect(navigate).toHaveBeenCalledWith('/login');
  });

  it('the admin check maps 204 to true and 404 to false, and is remembered', async () => {
    api.on('GET /api/users/admin/check', { status: 404, body: { message: 'No administrator', details: '' } });
    const session = TestBed.inject(SessionStore);
    expect(await session.ensureAdminChecked()).toBe(false);
    api.on('POST /api/users/admin/init', { body: userFactory() });
    api.on('POST /api/auth', { body: { jwt: 'x' } });
    loginAs(1);
    await session.initAdmin('admin', 'a-long-password');
    expect(api.last('POST /api/users/admin/init')?.body).toEqual({
      username: 'admin',
      password: 'a-long-password',
    });
    expect(await session.ensureAdminChecked()).toBe(true);
    expect(api.requests.filter((r) => r.path === '/api/users/admin/check')).toHaveLength(1);
  });
});
