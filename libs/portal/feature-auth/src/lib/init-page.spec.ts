import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { FakeApi, provideFakeApi, userFactory } from '@capstan/portal-data-access';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import { InitPage } from './init-page';

describe('InitPage (first run)', () => {
  let api: FakeApi;

  beforeEach(() => {
    api = new FakeApi().on('GET /api/settings/public', {
      body: { AuthenticationMethod: 1, RequiredPasswordLength: 14 },
    });
    TestBed.configureTestingModule({
      providers: [provideFakeApi(api), provideRouter([{ path: 'init', component: InitPage }])],
    });
  });

  async function open() {
    const harness = await RouterTestingHarness.create('/init');
    await new Promise((r) => setTimeout(r));
    harness.detectChanges();
    const el = harness.routeNativeElement as HTMLElement;
    const field = (id: string) => el.querySelector<HTMLInputElement>(`[data-testid="${id}"]`)!;
    const type = (id: string, value: string) => {
      field(id).value = value;
      field(id).dispatchEvent(new Event('input'));
    };
    const submit = async () => {
      harness.detectChanges();
      field('init-submit').click();
      await harness.fixture.whenStable();
      await new Promise((r) => setTimeout(r));
      harness.detectChanges();
    };
    return { harness, el, field, type, submit };
  }

  it('offers "admin" as the username and the server\'s minimum password length', async () => {
    const { el, field } = await open();
    expect(el.textContent).toContain('Create the administrator account');
    expect(field('init-username').value).toBe('admin');
    expect(el.textContent).toContain('At least 14 characters.');
  });

  it('refuses a short or mismatched password, with accessible errors, without calling the server', async () => {
    const { field, type, submit } = await open();
    type('init-password', 'short');
    type('init-confirm', 'different');
    await submit();
    expect(field('init-password').getAttribute('aria-invalid')).toBe('true');
    expect(field('init-confirm').getAttribute('aria-invalid')).toBe('true');
    expect(
      document.getElementById(field('init-password').getAttribute('aria-describedby')!.split(' ')[1])
        ?.textContent,
    ).toContain('at least 14 characters');
    expect(api.requests.some((r) => r.method === 'POST')).toBe(false);
  });

  it('creates the administrator, logs in, and goes home', async () => {
    api.on('POST /api/users/admin/init', { body: userFactory() });
    api.on('POST /api/auth', { body: { jwt: 'x' } });
    api.on('GET /api/users/me', { body: userFactory() });
    api.on('GET /api/users/1/memberships', { body: [] });
    const navigate = vi.spyOn(TestBed.inject(Router), 'navigateByUrl');
    const { type, submit } = await open();
    type('init-password', 'a-very-long-password');
    type('init-confirm', 'a-very-long-password');
    await submit();
    expect(api.last('POST /api/users/admin/init')?.body).toEqual({
      username: 'admin',
      password: 'a-very-long-password',
    });
    expect(api.last('POST /api/auth')?.body).toEqual({ username: 'admin', password: 'a-very-long-password' });
    expect(navigate).toHaveBeenCalledWith('/home');
  });
});
