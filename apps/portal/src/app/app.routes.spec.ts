import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { FakeApi, provideFakeApi, userFactory } from '@capstan/portal-data-access';
import { beforeEach, describe, expect, it } from 'vitest';

import { appRoutes } from './app.routes';

/** The real route table: where a visitor lands. */
describe('appRoutes', () => {
  let api: FakeApi;

  beforeEach(() => {
    api = new FakeApi().on('GET /api/settings/public', {
      body: { AuthenticationMethod: 1, RequiredPasswordLength: 12 },
    });
    TestBed.configureTestingModule({ providers: [provideFakeApi(api), provideRouter(appRoutes)] });
  });

  async function land(url: string): Promise<string> {
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl(url);
    return TestBed.inject(Router).url;
  }

  it('"/" on a new instance leads to the first-run page', async () => {
    api.on('GET /api/users/admin/check', { status: 404, body: { message: 'none', details: '' } });
    expect(await land('/')).toBe('/init');
  });

  it('"/" logged out leads to the login page', async () => {
    api.on('GET /api/users/admin/check', { status: 204 });
    api.on('GET /api/users/me', { status: 401, body: { message: 'Unauthorized', details: '' } });
    expect(await land('/')).toBe('/login');
  });

  it('"/" logged in leads home', async () => {
    api.on('GET /api/users/admin/check', { status: 204 });
    api.on('GET /api/users/me', { body: userFactory() });
    api.on('GET /api/users/1/memberships', { body: [] });
    api.on('GET /api/system/status', { body: { Version: '0.1.0', InstanceID: 'x' } });
    expect(await land('/')).toBe('/home');
  });
});
