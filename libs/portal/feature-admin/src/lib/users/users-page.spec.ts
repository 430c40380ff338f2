import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { FakeApi, SessionStore, provideFakeApi, userFactory } from '@capstan/portal-data-access';
import { ConfirmHost } from '@capstan/portal-ui';
import { beforeEach, describe, expect, it } from 'vitest';

import { UsersPage } from './users-page';

const flush = () => new Promise((r) => setTimeout(r));

describe('UsersPage', () => {
  let api: FakeApi;
  let users: ReturnType<typeof userFactory>[];
  let totp: number[];

  beforeEach(() => {
    totp = [];
    users = [
      userFactory({ Id: 1, Username: 'admin', Role: 1 }),
      userFactory({ Id: 2, Username: 'bob', Role: 2 }),
    ];
    api = new FakeApi()
      .on('GET /api/users', () => ({ body: users }))
      .on('GET /api/users/me', { body: users[0] })
      .on('GET /api/users/1/memberships', { body: [] })
      .on('GET /api/users/totp', () => ({ body: { Enabled: totp } }));
    TestBed.configureTestingModule({ providers: [provideFakeApi(api), provideRouter([])] });
  });

  async function setup() {
    // In the app the route guards have loaded the session before the page opens.
    await TestBed.inject(SessionStore).refresh();
    const fixture = TestBed.createComponent(UsersPage);
    const host = TestBed.createComponent(ConfirmHost);
    document.body.append(fixture.nativeElement as HTMLElement, host.nativeElement as HTMLElement);
    await flush();
    fixture.detectChanges();
    const el = fixture.nativeElement as HTMLElement;
    const byId = <T extends HTMLElement>(id: string) => el.querySelector<T>(`[data-testid="${id}"]`);
    const settle = async () => {
      fixture.detectChanges();
      host.detectChanges();
      await flush();
      fixture.detectChanges();
      host.detectChanges();
    };
    return { fixture, host, el, byId, settle };
  }

  it('lists users with a row per user and their role', async () => {
    const { byId } = await setup();
    expect(byId('user-row-admin')?.textContent).toContain('Administrator');
    expect(byId('user-row-bob')?.textContent).toContain('Standard user');
    // No one deletes themselves by accident.
    expect(byId('user-delete-admin')).toBeNull();
    expect(byId('user-delete-bob')).not.toBeNull();
  });

  it('shows who has two-factor sign-in on, and offers the reset only for them', async () => {
    totp = [2];
    api.on('DELETE /api/users/2/totp', () => {
      totp = [];
      return { status: 204 };
    });
    const { byId, settle } = await setup();
    expect(byId('user-totp-bob')?.textContent?.trim()).toBe('On');
    expect(byId('user-totp-admin')?.textContent?.trim()).toBe('Off');
    expect(byId('user-reset-totp-admin')).toBeNull();
    byId<HTMLButtonElement>('user-reset-totp-bob')!.click();
    await settle();
    (document.querySelector('[data-testid="confirm-ok"]') as HTMLButtonElement).click();
    await settle();
    await settle();
    expect(api.last('DELETE /api/users/2/totp')).toBeDefined();
    expect(byId('user-totp-bob')?.textContent?.trim()).toBe('Off');
    expect(byId('user-reset-totp-bob')).toBeNull();
  });

  it('creates a user with the chosen role', async () => {
    api.on('POST /api/users', (req) => {
      const body = req.body as { username: string; role: number };
      users = [...users, userFactory({ Id: 3, Username: body.username, Role: body.role })];
      return { body: users[2] };
    });
    const { byId, settle } = await setup();
    byId<HTMLButtonElement>('user-create')!.click();
    await settle();
    const name = byId<HTMLInputElement>('user-username')!;
    name.value = 'carol';
    name.dispatchEvent(new Event('input'));
    const password = byId<HTMLInputElement>('user-password')!;
    password.value = 'a-long-password';
    password.dispatchEvent(new Event('input'));
    const role = byId<HTMLSelectElement>('user-role')!;
    role.value = '1';
    role.dispatchEvent(new Event('change'));
    await settle();
    byId<HTMLButtonElement>('user-save')!.click();
    await settle();
    await settle();
    expect(api.last('POST /api/users')?.body).toEqual({
      username: 'carol',
      password: 'a-long-password',
      role: 1,
    });
    expect(byId('user-row-carol')?.textContent).toContain('Administrator');
    expect(byId('user-dialog')).toBeNull();
  });

  it('shows the server error inside the dialog and keeps it open', async () => {
    api.on('POST /api/users', {
      status: 409,
      body: { message: 'A user with this name already exists', details: '' },
    });
    const { el, byId, settle } = await setup();
    byId<HTMLButtonElement>('user-create')!.click();
    await settle();
    for (const [id, value] of [
      ['user-username', 'bob'],
      ['user-password', 'a-long-password'],
    ]) {
      const input = byId<HTMLInputElement>(id)!;
      input.value = value;
      input.dispatchEvent(new Event('input'));
    }
    byId<HTMLButtonElement>('user-save')!.click();
    await settle();
    expect(el.querySelector('[data-testid="alert-error"]')?.textContent).toContain('already exists');
    expect(byId('user-dialog')).not.toBeNull();
  });

  it('deletes a user only after confirmation', async () => {
    api.on('DELETE /api/users/2', () => {
      users = users.filter((u) => u.Id !== 2);
      return { status: 204 };
    });
    const { byId, settle } = await setup();
    byId<HTMLButtonElement>('user-delete-bob')!.click();
    await settle();
    expect(api.last('DELETE /api/users/2')).toBeUndefined();
    document.querySelector<HTMLButtonElement>('[data-testid="confirm-ok"]')!.click();
    await settle();
    await settle();
    expect(api.last('DELETE /api/users/2')).toBeDefined();
    expect(byId('user-row-bob')).toBeNull();
  });

  it('states the password rule before Save, refuses a short one, and adds the new user to the ticked teams', async () => {
    api
      .on('GET /api/settings/public', { body: { AuthenticationMethod: 1, RequiredPasswordLength: 16 } })
      .on('GET /api/teams', {
        body: [
          { Id: 7, Name: 'ops' },
          { Id: 8, Name: 'dev' },
        ],
      })
      .on('POST /api/users', (req) => {
        const body = req.body as { username: string; role: number };
        users = [...users, userFactory({ Id: 3, Username: body.username, Role: body.role })];
        return { body: users[2] };
      });
    const { el, byId, settle } = await setup();
    byId<HTMLButtonElement>('user-create')!.click();
    await settle();
    const dialog = byId('user-dialog')!;
    // The rule is there before anything is typed or saved.
    expect(dialog.textContent).toContain('At least 16 characters.');
    const type = (id: string, value: string) => {
      const input = byId<HTMLInputElement>(id)!;
      input.value = value;
      input.dispatchEvent(new Event('input'));
    };
    type('user-username', 'carol');
    type('user-password', 'fifteen-chars!!');
    byId<HTMLButtonElement>('user-save')!.click();
    await settle();
    expect(api.last('POST /api/users')).toBeUndefined();
    expect(dialog.textContent).toContain('The password must be at least 16 characters long.');

    type('user-password', 'sixteen-chars!!!');
    byId<HTMLInputElement>('user-team-ops')!.click();
    await settle();
    byId<HTMLButtonElement>('user-save')!.click();
    await settle();
    await settle();
    // One write: the user and the ticked team (the server stores both or neither).
    expect(api.last('POST /api/users')?.body).toEqual({
      username: 'carol',
      password: 'sixteen-chars!!!',
      role: 2,
      teamIds: [7],
    });
    expect(api.requests.filter((r) => r.path === '/api/team_memberships')).toEqual([]);
    expect(byId('user-dialog')).toBeNull();
    expect(el.querySelector('[data-testid="user-row-carol"]')).not.toBeNull();
  });
});
