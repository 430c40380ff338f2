import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { Router } from '@angular/router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { FakeApi, provideFakeApi, userFactory } from '../testing/fake-api';
import { SessionStore } from '../session/session.store';
import { UsersApi } from '../services/users-api.service';
import { AuthApi } from '../services/auth-api.service';
import { ApiClient } from './api-client';
import { ApiError } from './api-error';

describe('ApiClient middleware', () => {
  let api: FakeApi;

  beforeEach(() => {
    api = new FakeApi();
    TestBed.configureTestingModule({
      providers: [provideRouter([]), provideFakeApi(api)],
    });
  });

  afterEach(() => vi.restoreAllMocks());

  it('remembers the X-CSRF-Token reply header and sends it on state-changing requests only', async () => {
    api
      .on('GET /api/users/me', { body: userFactory(), headers: { 'X-CSRF-Token': 'tok-1' } })
      .on('PUT /api/users/1', { body: userFactory() })
      .on('GET /api/users', { body: [] });
    const users = TestBed.inject(UsersApi);

    await users.me();
    await users.list();
    await users.update(1, { theme: { color: 'dark' } });

    expect(api.last('GET /api/users')?.headers.get('X-CSRF-Token')).toBeNull();
    expect(api.last('PUT /api/users/1')?.headers.get('X-CSRF-Token')).toBe('tok-1');
    expect(TestBed.inject(ApiClient).currentCsrfToken).toBe('tok-1');
  });

  it('sends the request body as JSON with the same-origin path', async () => {
    api.on('POST /api/auth', { body: { jwt: 'x' } });
    await TestBed.inject(AuthApi).login('alice', 's3cret');
    expect(api.last('POST /api/auth')?.body).toEqual({ username: 'alice', password: 's3cret' });
  });

  it('turns error replies into ApiError with message, details and Retry-After', async () => {
    api.on('POST /api/auth', {
      status: 429,
      body: { message: 'Too many attempts', details: 'throttled' },
      headers: { 'Retry-After': '42' },
    });
    const error = await TestBed.inject(AuthApi)
      .login('a', 'b')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 429,
      message: 'Too many attempts',
      details: 'throttled',
      retryAfter: 42,
    });
  });

  it('on 401 after login clears the session and sends the user to /login?expired=1', async () => {
    api.on('GET /api/users/me', { body: userFactory({ Username: 'alice', Role: 2 }) });
    api.on('GET /api/users/1/memberships', { body: [] });
    api.on('GET /api/teams', { status: 401, body: { message: 'Unauthorized', details: '' } });
    const session = TestBed.inject(SessionStore);
    const router = TestBed.inject(Router);
    const navigate = vi.spyOn(router, 'navigate').mockResolvedValue(true);
    await session.refresh();
    expect(session.isAuthenticated()).toBe(true);

    await TestBed.inject(ApiClient).raw.GET('/api/teams');

    expect(session.user()).toBeNull();
    expect(navigate).toHaveBeenCalledWith(['/login'], { queryParams: { expired: 1 } });
  });

  it('does not treat a 401 from /api/auth (wrong password) as an expired session', async () => {
    api.on('GET /api/users/me', { body: userFactory() });
    api.on('GET /api/users/1/memberships', { body: [] });
    api.on('POST /api/auth', { status: 401, body: { message: 'Unauthorized', details: '' } });
    const session = TestBed.inject(SessionStore);
    const navigate = vi.spyOn(TestBed.inject(Router), 'navigate').mockResolvedValue(true);
    await session.refresh();

    await TestBed.inject(AuthApi)
      .login('a', 'b')
      .catch(() => undefined);

    expect(session.isAuthenticated()).toBe(true);
    expect(navigate).not.toHaveBeenCalled();
  });

  it('a 401 while logged out (first visit) does not show the expired banner', async () => {
    api.on('GET /api/users/me', { status: 401, body: { message: 'Unauthorized', details: '' } });
    const navigate = vi.spyOn(TestBed.inject(Router), 'navigate').mockResolvedValue(true);
    const user = await TestBed.inject(SessionStore).refresh();
    expect(user).toBeNull();
    expect(navigate).not.toHaveBeenCalled();
  });

  it('on 303 Redirect-Reason AdminInitTimeout shows the instance-timeout page', async () => {
    api.on('GET /api/users/admin/check', { status: 303, headers: { 'Redirect-Reason': 'AdminInitTimeout' } });
    const session = TestBed.inject(SessionStore);
    const navigateByUrl = vi.spyOn(TestBed.inject(Router), 'navigateByUrl').mockResolvedValue(true);

    await TestBed.inject(ApiClient).raw.GET('/api/users/admin/check');

    expect(session.adminInitTimedOut()).toBe(true);
    expect(navigateByUrl).toHaveBeenCalledWith('/instance-timeout');
  });
});
