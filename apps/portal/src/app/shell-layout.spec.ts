import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { FakeApi, SessionStore, provideFakeApi, userFactory } from '@capstan/portal-data-access';
import { beforeEach, describe, expect, it } from 'vitest';

import { ShellLayout } from './shell-layout';

@Component({ template: '' })
class Blank {}

describe('ShellLayout', () => {
  let api: FakeApi;

  beforeEach(() => {
    api = new FakeApi();
    TestBed.configureTestingModule({
      providers: [provideFakeApi(api), provideRouter([{ path: '**', component: Blank }])],
    });
  });

  async function navFor(role: number, leader: boolean): Promise<string[]> {
    api.on('GET /api/users/me', { body: userFactory({ Id: 3, Role: role }) });
    api.on('GET /api/users/3/memberships', {
      body: leader ? [{ Id: 1, UserID: 3, TeamID: 1, Role: 1 }] : [],
    });
    await TestBed.inject(SessionStore).refresh();
    const fixture = TestBed.createComponent(ShellLayout);
    fixture.detectChanges();
    return Array.from((fixture.nativeElement as HTMLElement).querySelectorAll('#cap-sidebar a')).map(
      (a) => a.getAttribute('data-testid') ?? '',
    );
  }

  it('an administrator sees every section', async () => {
    expect(await navFor(1, false)).toEqual([
      'nav-home',
      'nav-environments',
      'nav-edge-jobs',
      'nav-users',
      'nav-teams',
      'nav-registries',
      'nav-auth-logs',
      'nav-activity-logs',
      'nav-settings',
      'nav-authentication',
      'nav-account',
      'nav-about',
    ]);
  });

  it('a standard user sees no administration link', async () => {
    expect(await navFor(2, false)).toEqual(['nav-home', 'nav-account', 'nav-about']);
  });

  it('a team leader also sees Teams', async () => {
    expect(await navFor(2, true)).toEqual(['nav-home', 'nav-teams', 'nav-account', 'nav-about']);
  });

  describe('highlights the section the page belongs to', () => {
    async function activeAt(url: string): Promise<{ active: string[]; current: string[] }> {
      api.on('GET /api/users/me', { body: userFactory({ Id: 3, Role: 1 }) });
      api.on('GET /api/users/3/memberships', { body: [] });
      await TestBed.inject(SessionStore).refresh();
      const fixture = TestBed.createComponent(ShellLayout);
      await TestBed.inject(Router).navigateByUrl(url);
      fixture.detectChanges();
      const ids = (selector: string) =>
        Array.from((fixture.nativeElement as HTMLElement).querySelectorAll(`#cap-sidebar ${selector}`)).map(
          (a) => a.getAttribute('data-testid') ?? '',
        );
      return { active: ids('a.active'), current: ids('a[aria-current="page"]') };
    }

    it.each([
      ['/home', 'nav-home'],
      ['/environments/4/docker', 'nav-home'],
      ['/environments/4/docker/containers/abc?tab=logs', 'nav-home'],
      ['/environments/4/docker/swarm/services', 'nav-home'],
      ['/environments', 'nav-environments'],
      ['/environments/new', 'nav-environments'],
      ['/environments/4/edit', 'nav-environments'],
      ['/environments/groups/2', 'nav-environments'],
      ['/environments/tags', 'nav-environments'],
      ['/admin/users/5', 'nav-users'],
      ['/account', 'nav-account'],
    ])('%s → %s, the only aria-current="page"', async (url, testId) => {
      expect(await activeAt(url)).toEqual({ active: [testId], current: [testId] });
    });

    it('nothing on a page outside the nav', async () => {
      expect(await activeAt('/somewhere/else')).toEqual({ active: [], current: [] });
    });
  });
});
