import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { FakeApi, SessionStore, provideFakeApi, userFactory } from '@capstan/portal-data-access';
import { beforeEach, describe, expect, it } from 'vitest';

import { ApiKeysCard } from './api-keys-card';

const flush = () => new Promise((r) => setTimeout(r));

describe('ApiKeysCard', () => {
  let api: FakeApi;

  beforeEach(async () => {
    const key = {
      id: 9,
      userId: 4,
      description: 'ci',
      prefix: 'ptr_abc',
      dateCreated: 1700000000,
      lastUsed: 0,
    };
    let keys: (typeof key)[] = [];
    api = new FakeApi()
      .on('GET /api/users/me', { body: userFactory({ Id: 4, Username: 'dev', Role: 2 }) })
      .on('GET /api/users/4/memberships', { body: [] })
      .on('GET /api/users/4/tokens', () => ({ body: keys }))
      .on('POST /api/users/4/tokens', () => {
        keys = [key];
        return { body: { rawAPIKey: 'ptr_RAWSECRET', apiKey: key } };
      });
    TestBed.configureTestingModule({ providers: [provideFakeApi(api), provideRouter([])] });
    await TestBed.inject(SessionStore).refresh();
  });

  it('creates a key with the current password and shows the raw key once', async () => {
    const fixture = TestBed.createComponent(ApiKeysCard);
    document.body.appendChild(fixture.nativeElement as HTMLElement);
    await flush();
    fixture.detectChanges();
    const el = fixture.nativeElement as HTMLElement;
    const byId = <T extends HTMLElement>(id: string) => el.querySelector<T>(`[data-testid="${id}"]`);
    const settle = async () => {
      fixture.detectChanges();
      await flush();
      fixture.detectChanges();
    };

    byId<HTMLButtonElement>('apikey-create')!.click();
    await settle();
    for (const [id, value] of [
      ['apikey-description', 'ci'],
      ['apikey-password', 'my-password'],
    ]) {
      const input = byId<HTMLInputElement>(id)!;
      input.value = value;
      input.dispatchEvent(new Event('input'));
    }
    byId<HTMLButtonElement>('apikey-save')!.click();
    await settle();
    await settle();

    expect(api.last('POST /api/users/4/tokens')?.body).toEqual({
      description: 'ci',
      password: 'my-password',
    });
    expect(byId('apikey-raw')?.textContent).toBe('ptr_RAWSECRET');
    expect(byId('apikey-row-ci')?.textContent).toContain('ptr_abc');
    expect(byId('apikey-row-ci')?.textContent).not.toContain('RAWSECRET');

    byId<HTMLButtonElement>('apikey-done')!.click();
    await settle();
    expect(el.textContent).not.toContain('ptr_RAWSECRET');
  });
});
