import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { FakeApi, provideFakeApi, userFactory } from '../testing/fake-api';
import { SessionStore } from './session.store';
import { THEME_STORAGE_KEY, ThemeService, toThemeChoice } from './theme.service';

describe('ThemeService', () => {
  let api: FakeApi;

  beforeEach(() => {
    localStorage.clear();
    api = new FakeApi();
    TestBed.configureTestingModule({ providers: [provideRouter([]), provideFakeApi(api)] });
  });

  afterEach(() => document.documentElement.removeAttribute('data-theme'));

  it('maps Portainer colours to the portal choices', () => {
    expect(toThemeChoice('dark')).toBe('dark');
    expect(toThemeChoice('highcontrast')).toBe('dark');
    expect(toThemeChoice('light')).toBe('light');
    expect(toThemeChoice('')).toBe('auto');
    expect(toThemeChoice(undefined)).toBe('auto');
  });

  it('before login, a choice is applied to <html data-theme> and kept in localStorage only', async () => {
    const theme = TestBed.inject(ThemeService);
    await theme.set('dark');
    TestBed.tick();
    expect(document.documentElement.getAttribute('data-theme')).toBe('dark');
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('dark');
    expect(api.requests.some((r) => r.method === 'PUT')).toBe(false);
  });

  it('restores the stored choice on start', () => {
    localStorage.setItem(THEME_STORAGE_KEY, 'light');
    expect(TestBed.inject(ThemeService).choice()).toBe('light');
  });

  it('logged in, a choice is saved on the user with PUT /api/users/{id}', async () => {
    api.on('GET /api/users/me', { body: userFactory({ Id: 5 }) });
    api.on('GET /api/users/5/memberships', { body: [] });
    api.on('PUT /api/users/5', { body: userFactory({ Id: 5, color: 'dark' }) });
    await TestBed.inject(SessionStore).refresh();
    const theme = TestBed.inject(ThemeService);
    await theme.set('dark');
    expect(api.last('PUT /api/users/5')?.body).toEqual({ theme: { color: 'dark' } });
    expect(TestBed.inject(SessionStore).user()?.ThemeSettings.color).toBe('dark');
  });

  it("the user's saved theme wins when they log in", async () => {
    localStorage.setItem(THEME_STORAGE_KEY, 'light');
    const theme = TestBed.inject(ThemeService);
    api.on('GET /api/users/me', { body: userFactory({ Id: 5, color: 'dark' }) });
    api.on('GET /api/users/5/memberships', { body: [] });
    await TestBed.inject(SessionStore).refresh();
    TestBed.tick();
    expect(theme.choice()).toBe('dark');
    expect(document.documentElement.getAttribute('data-theme')).toBe('dark');
  });
});
