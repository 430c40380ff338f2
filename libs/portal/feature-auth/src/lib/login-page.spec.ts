import { TestBed } from '@angular/core/testing';
import { Router, provideRouter, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { ApiError, FakeApi, provideFakeApi, userFactory } from '@capstan/portal-data-access';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import { LoginPage, loginErrorMessage } from './login-page';

describe('loginErrorMessage', () => {
  it('says what went wrong in the words of the UI', () => {
    expect(loginErrorMessage(new ApiError(422, 'Invalid credentials'))).toBe('Invalid username or password');
    expect(loginErrorMessage(new ApiError(429, 'Too many', '', 30))).toBe(
      'Too many failed attempts. Try again in 30 seconds.',
    );
    expect(loginErrorMessage(new ApiError(500, 'Database locked'))).toBe('Database locked');
  });
});

describe('LoginPage', () => {
  let api: FakeApi;

  beforeEach(() => {
    api = new FakeApi().on('GET /api/settings/public', {
      body: { AuthenticationMethod: 1, RequiredPasswordLength: 12, OAuthLoginURI: '' },
    });
    TestBed.configureTestingModule({
      providers: [
        provideFakeApi(api),
        provideRouter([{ path: 'login', component: LoginPage }], withComponentInputBinding()),
      ],
    });
  });

  async function open(url = '/login') {
    const harness = await RouterTestingHarness.create(url);
    const el = harness.routeNativeElement as HTMLElement;
    const type = (testId: string, value: string) => {
      const input = el.querySelector<HTMLInputElement>(`[data-testid="${testId}"]`)!;
      input.value = value;
      input.dispatchEvent(new Event('input'));
    };
    const submit = async () => {
      harness.detectChanges();
      el.querySelector<HTMLButtonElement>('[data-testid="login-submit"]')!.click();
      await harness.fixture.whenStable();
      await new Promise((r) => setTimeout(r));
      harness.detectChanges();
    };
    return { harness, el, type, submit };
  }

  it('shows "Invalid username or password" on 422', async () => {
    api.on('POST /api/auth', { status: 422, body: { message: 'Invalid credentials', details: '' } });
    const { el, type, submit } = await open();
    type('login-username', 'admin');
    type('login-password', 'wrong');
    await submit();
    expect(el.querySelector('[data-testid="alert-error"]')?.textContent).toContain(
      'Invalid username or password',
    );
    expect(el.querySelector<HTMLInputElement>('[data-testid="login-password"]')!.value).toBe('');
  });

  it('on 429 shows the Retry-After wait and disables the button', async () => {
    api.on('POST /api/auth', {
      status: 429,
      body: { message: 'Too many attempts', details: '' },
      headers: { 'Retry-After': '17' },
    });
    const { el, type, submit } = await open();
    type('login-username', 'admin');
    type('login-password', 'wrong');
    await submit();
    expect(el.querySelector('[data-testid="alert-error"]')?.textContent).toContain(
      'Too many failed attempts. Try again in 17 seconds.',
    );
    expect(el.querySelector<HTMLButtonElement>('[data-testid="login-submit"]')!.disabled).toBe(true);
  });

  it('shows the expired-session banner from ?expired=1', async () => {
    const { el } = await open('/login?expired=1');
    expect(el.querySelector('[data-testid="alert-session-expired"]')?.textContent).toContain(
      'Your session has expired, please log in again',
    );
  });

  it('logs in and goes to the page asked for, never off-site', async () => {
    api.on('POST /api/auth', { body: { jwt: 'x' } });
    api.on('GET /api/users/me', { body: userFactory() });
    api.on('GET /api/users/1/memberships', { body: [] });
    const navigate = vi.spyOn(TestBed.inject(Router), 'navigateByUrl');
    const { type, submit } = await open('/login?next=%2F%2Fevil.example');
    type('login-username', 'admin');
    type('login-password', 'a-long-password');
    await submit();
    expect(api.last('POST /api/auth')?.body).toEqual({ username: 'admin', password: 'a-long-password' });
    expect(navigate).toHaveBeenCalledWith('/home');
  });

  it('asks for the code after the password of a two-factor account, then logs in', async () => {
    api.on('POST /api/auth', {
      status: 401,
      body: { message: 'Two-factor code required', details: '' },
      headers: { 'X-Capstan-Second-Factor': 'step.token' },
    });
    api.on('POST /api/auth/totp', { status: 422, body: { message: 'Invalid two-factor code', details: '' } });
    const navigate = vi.spyOn(TestBed.inject(Router), 'navigateByUrl');
    const { el, type, submit, harness } = await open();
    type('login-username', 'admin');
    type('login-password', 'a-long-password');
    await submit();
    expect(el.querySelector('[data-testid="login-second-step"]')).not.toBeNull();
    expect(el.querySelector('[data-testid="alert-error"]')).toBeNull();
    const sendCode = async (code: string) => {
      type('login-code', code);
      harness.detectChanges();
      el.querySelector<HTMLButtonElement>('[data-testid="login-code-submit"]')!.click();
      await harness.fixture.whenStable();
      await new Promise((r) => setTimeout(r));
      harness.detectChanges();
    };
    await sendCode('000000');
    expect(el.querySelector('[data-testid="alert-error"]')?.textContent).toContain('Invalid code');
    expect(navigate).not.toHaveBeenCalledWith('/home');

    api.on('POST /api/auth/totp', { body: { jwt: 'x' } });
    api.on('GET /api/users/me', { body: userFactory() });
    api.on('GET /api/users/1/memberships', { body: [] });
    await sendCode('123456');
    expect(api.last('POST /api/auth/totp')?.body).toEqual({ token: 'step.token', code: '123456' });
    expect(navigate).toHaveBeenCalledWith('/home');
  });
});
