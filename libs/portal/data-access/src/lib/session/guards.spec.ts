import { Location } from '@angular/common';
import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { Permission } from '@capstan/contracts-api';
import { beforeEach, describe, expect, it } from 'vitest';

import { FakeApi, provideFakeApi, userFactory } from '../testing/fake-api';
import { adminInitializedGuard, authGuard, guestGuard, noAdminYetGuard, permissionGuard } from './guards';

@Component({ template: 'page' })
class Page {}

describe('route guards', () => {
  let api: FakeApi;

  beforeEach(() => {
    api = new FakeApi();
    TestBed.configureTestingModule({
      providers: [
        provideFakeApi(api),
        provideRouter([
          { path: 'init', component: Page, canActivate: [noAdminYetGuard] },
          { path: 'instance-timeout', component: Page },
          { path: 'not-allowed', component: Page },
          { path: 'login', component: Page, canActivate: [adminInitializedGuard, guestGuard] },
          {
            path: '',
            canActivate: [adminInitializedGuard, authGuard],
            children: [
              { path: 'home', component: Page },
              {
                path: 'admin/users',
                component: Page,
                canActivate: [permissionGuard(Permission.UsersManage)],
              },
              {
                path: 'admin/teams',
                component: Page,
                canActivate: [permissionGuard(Permission.TeamsManage, Permission.TeamMembersManage)],
              },
            ],
          },
        ]),
      ],
    });
  });

  let harness: RouterTestingHarness | undefined;
  beforeEach(() => (harness = undefined));

  async function visit(url: string): Promise<string> {
    harness ??= await RouterTestingHarness.create();
    await harness.navigateByUrl(url);
    return TestBed.inject(Router).url;
  }

  const adminExists = () => api.on('GET /api/users/admin/check', { status: 204 });
  const loggedInAs = (role: number, leader = false) => {
    api.on('GET /api/users/me', { body: userFactory({ Id: 2, Role: role }) });
    api.on('GET /api/users/2/memberships', {
      body: leader ? [{ Id: 1, UserID: 2, TeamID: 1, Role: 1 }] : [],
    });
  };
  const loggedOut = () =>
    api.on('GET /api/users/me', { status: 401, body: { message: 'Unauthorized', details: '' } });

  it('without an administrator every page leads to /init', async () => {
    api.on('GET /api/users/admin/check', { status: 404, body: { message: 'none', details: '' } });
    expect(await visit('/home')).toBe('/init');
    expect(await visit('/login')).toBe('/init');
  });

  it('after the admin-init timeout every page leads to /instance-timeout', async () => {
    api.on('GET /api/users/admin/check', {
      status: 303,
      headers: { 'Redirect-Reason': 'AdminInitTimeout' },
      body: { message: 'Administrator initialization timeout', details: '' },
    });
    expect(await visit('/home')).toBe('/instance-timeout');
    expect(await visit('/init')).toBe('/instance-timeout');
  });

  it('once an administrator exists, /init leads to /login', async () => {
    adminExists();
    loggedOut();
    expect(await visit('/init')).toBe('/login');
  });

  it('logged out, a protected page leads to /login and remembers where the user was going', async () => {
    adminExists();
    loggedOut();
    expect(await visit('/admin/users')).toBe('/login?next=%2Fadmin%2Fusers');
  });

  it('logged in, /login leads home', async () => {
    adminExists();
    loggedInAs(2);
    expect(await visit('/login')).toBe('/home');
  });

  it('admin-only routes show a standard user the "not allowed" page, even by typed URL, keeping the address', async () => {
    adminExists();
    loggedInAs(2);
    expect(await visit('/admin/users')).toBe('/not-allowed');
    expect(TestBed.inject(Location).path()).toBe('/admin/users');
    expect(await visit('/admin/teams')).toBe('/not-allowed');
    expect(TestBed.inject(Location).path()).toBe('/admin/teams');
  });

  it('a team leader may open the teams page but not the users page', async () => {
    adminExists();
    loggedInAs(2, true);
    expect(await visit('/admin/teams')).toBe('/admin/teams');
    expect(await visit('/admin/users')).toBe('/not-allowed');
  });

  it('an administrator may open admin routes', async () => {
    adminExists();
    loggedInAs(1);
    expect(await visit('/admin/users')).toBe('/admin/users');
  });
});
