import { Location } from '@angular/common';
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

  it('an unknown address logged in shows the "page not found" page at that address, not Home', async () => {
    api.on('GET /api/users/admin/check', { status: 204 });
    api.on('GET /api/users/me', { body: userFactory() });
    api.on('GET /api/users/1/memberships', { body: [] });
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl('/no/such/page');
    expect(TestBed.inject(Router).url).toBe('/no/such/page');
    // The shell renders the page inside its layout.
    const page = (harness.routeNativeElement as HTMLElement).querySelector('[data-testid="page-not-found"]');
    expect(page).not.toBeNull();
    expect(page?.textContent).toContain('Page not found');
    expect(page?.querySelector('[data-testid="status-path"]')?.textContent).toContain('/no/such/page');
  });

  it('a page the user may not open shows "not allowed", the typed address kept', async () => {
    api.on('GET /api/users/admin/check', { status: 204 });
    api.on('GET /api/users/me', { body: userFactory({ Id: 2, Role: 2 }) });
    api.on('GET /api/users/2/memberships', { body: [] });
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl('/admin/settings');
    expect(TestBed.inject(Router).url).toBe('/not-allowed');
    expect(TestBed.inject(Location).path()).toBe('/admin/settings');
    // The shell renders the page inside its layout.
    const page = (harness.routeNativeElement as HTMLElement).querySelector(
      '[data-testid="page-not-allowed"]',
    );
    expect(page).not.toBeNull();
    expect(page?.textContent).toContain('Not allowed');
    expect(page?.querySelector('[data-testid="status-path"]')?.textContent).toContain('/admin/settings');
  });
});
