import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { FakeApi, SessionStore, provideFakeApi, userFactory } from '@capstan/portal-data-access';
import { beforeEach, describe, expect, it } from 'vitest';

import { ShellLayout } from './shell-layout';

describe('ShellLayout', () => {
  let api: FakeApi;

  beforeEach(() => {
    api = new FakeApi();
    TestBed.configureTestingModule({ providers: [provideFakeApi(api), provideRouter([])] });
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
      'nav-users',
      'nav-teams',
      'nav-auth-logs',
      'nav-activity-logs',
      'nav-settings',
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
});
