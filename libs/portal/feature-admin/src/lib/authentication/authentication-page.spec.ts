import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { FakeApi, SessionStore, provideFakeApi, userFactory } from '@capstan/portal-data-access';
import { describe, expect, it } from 'vitest';
import { AuthenticationPage, LDAP_PRESETS, nextTab, validateLdap } from './authentication-page';

const search = { BaseDN: 'ou=people,dc=example,dc=org', Filter: '', UserNameAttribute: 'uid' };

describe('validateLdap', () => {
  it('accepts a server, a reader and one complete user search', () => {
    expect(validateLdap(['ldap.example.org:389'], false, 'cn=reader,dc=example,dc=org', [search])).toEqual(
      [],
    );
    expect(validateLdap(['ldaps://a:636', 'ldap://b:389'], true, '', [search])).toEqual([]);
  });

  it('lists every problem at once', () => {
    expect(validateLdap([], false, ' ', [{ ...search, BaseDN: '' }])).toEqual([
      'Give at least one server URL.',
      'Give the reader DN, or choose anonymous mode.',
      'Give at least one user search with a base DN and a user-name attribute.',
    ]);
    expect(validateLdap(['ldap://a b'], true, '', [search])).toEqual(['A server URL cannot contain spaces.']);
  });
});

describe('LDAP_PRESETS', () => {
  it('searches Active Directory by sAMAccountName and OpenLDAP by uid, groups by member', () => {
    expect(LDAP_PRESETS[2].user.UserNameAttribute).toBe('sAMAccountName');
    expect(LDAP_PRESETS[1].user.UserNameAttribute).toBe('uid');
    expect(LDAP_PRESETS[1].group.GroupAttribute).toBe('member');
  });
});

describe('nextTab', () => {
  it('moves between Internal, LDAP and OAuth with the arrows (wrapping), Home and End', () => {
    expect(nextTab(1, 'ArrowRight')).toBe(2);
    expect(nextTab(3, 'ArrowRight')).toBe(1);
    expect(nextTab(1, 'ArrowLeft')).toBe(3);
    expect(nextTab(2, 'Home')).toBe(1);
    expect(nextTab(2, 'End')).toBe(3);
    expect(nextTab(2, 'Enter')).toBeUndefined();
  });
});

describe('AuthenticationPage', () => {
  const settings = {
    AuthenticationMethod: 3,
    LDAPSettings: {
      AnonymousMode: true,
      URLs: [],
      URL: '',
      SearchSettings: [],
      GroupSearchSettings: [],
      TLSConfig: { TLS: false, TLSSkipVerify: false, TLSCACert: '', TLSCert: '', TLSKey: '' },
    },
    OAuthSettings: {
      Provider: 'custom',
      ClientID: 'capstan',
      ClientSecret: '',
      Issuer: 'https://idp.example.org',
      GroupClaim: 'groups',
      DefaultTeamID: 0,
      OAuthAutoCreateUsers: true,
      SSO: true,
    },
  };

  async function setup(api: FakeApi) {
    TestBed.configureTestingModule({ providers: [provideFakeApi(api), provideRouter([])] });
    await TestBed.inject(SessionStore).refresh();
    const fixture = TestBed.createComponent(AuthenticationPage);
    const settle = async () => {
      fixture.detectChanges();
      await new Promise((r) => setTimeout(r));
      fixture.detectChanges();
    };
    await settle();
    await settle();
    const el = fixture.nativeElement as HTMLElement;
    const byId = <T extends HTMLElement>(id: string) => el.querySelector<T>(`[data-testid="${id}"]`);
    return { el, byId, settle };
  }

  it('shows the OAuth tab in force, saves the provider with the method, sends the secret only when typed', async () => {
    const api = new FakeApi()
      .on('GET /api/users/me', { body: userFactory({ Id: 1, Role: 1 }) })
      .on('GET /api/settings', { body: settings })
      .on('GET /api/teams', {
        body: [
          { Id: 4, Name: 'platform', LinkedGroup: { Source: 'oauth', Group: 'platform-engineers' } },
          { Id: 5, Name: 'dir', LinkedGroup: { Source: 'ldap', Group: 'cn=dir' } },
        ],
      })
      .on('PUT /api/settings', { body: settings });
    const { byId, settle } = await setup(api);
    expect(byId('auth-method-oauth')?.getAttribute('aria-selected')).toBe('true');
    expect(byId('oauth-settings')).not.toBeNull();
    expect(byId('oauth-linked-teams')?.textContent).toContain('platform-engineers → platform');
    expect(byId('oauth-linked-teams')?.textContent).not.toContain('cn=dir');
    const team = byId<HTMLSelectElement>('oauth-default-team')!;
    team.value = '4';
    team.dispatchEvent(new Event('change'));
    byId<HTMLButtonElement>('auth-save')!.click();
    await settle();
    const first = api.last('PUT /api/settings')?.body as {
      AuthenticationMethod: number;
      OAuthSettings: object;
    };
    expect(first.AuthenticationMethod).toBe(3);
    expect(first.OAuthSettings).toMatchObject({
      ClientID: 'capstan',
      DefaultTeamID: 4,
      GroupClaim: 'groups',
    });
    expect(first.OAuthSettings).not.toHaveProperty('ClientSecret');
    const secret = byId<HTMLInputElement>('oauth-ClientSecret')!;
    secret.value = 'new-secret';
    secret.dispatchEvent(new Event('input'));
    byId<HTMLButtonElement>('auth-save')!.click();
    await settle();
    expect((api.last('PUT /api/settings')?.body as { OAuthSettings: object }).OAuthSettings).toMatchObject({
      ClientSecret: 'new-secret',
    });
  });

  it('switches tabs with the keyboard; saving the Internal tab makes it the method', async () => {
    const api = new FakeApi()
      .on('GET /api/users/me', { body: userFactory({ Id: 1, Role: 1 }) })
      .on('GET /api/settings', { body: settings })
      .on('GET /api/teams', { body: [] })
      .on('PUT /api/settings', { body: { ...settings, AuthenticationMethod: 1 } });
    const { byId, settle } = await setup(api);
    byId('auth-method-oauth')!.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }),
    );
    await settle();
    expect(byId('auth-method-internal')?.getAttribute('aria-selected')).toBe('true');
    expect(byId('auth-internal')).not.toBeNull();
    expect(byId('auth-method-pending')?.textContent).toContain('now: OAuth');
    byId<HTMLButtonElement>('auth-save')!.click();
    await settle();
    expect(api.last('PUT /api/settings')?.body).toEqual({ AuthenticationMethod: 1 });
  });
});
