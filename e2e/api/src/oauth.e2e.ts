import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcProvider, type OidcTestProvider } from '@capstan/testing';
import { ADMIN_PASSWORD, createUser, expectApiError, withAdminServer } from './support/fixtures';

// OAuth / OpenID Connect sign-in against a real OpenID provider (npm oidc-provider) on 127.0.0.1; the "browser" is
// fetch following redirects by hand with a cookie jar per host.

/** A minimal browser: one cookie jar per origin, redirects followed until `stopAt`. */
class Browser {
  private readonly jars = new Map<string, Map<string, string>>();

  cookie(origin: string, name: string): string | undefined {
    return this.jars.get(origin)?.get(name);
  }

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const origin = new URL(url).origin;
    const jar = this.jars.get(origin) ?? new Map<string, string>();
    this.jars.set(origin, jar);
    const headers = new Headers(init.headers);
    if (jar.size) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const r = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const c of r.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const eq = (pair ?? '').indexOf('=');
      const name = (pair ?? '').slice(0, eq).trim();
      const value = (pair ?? '').slice(eq + 1);
      if (value === '' || attrs.some((a) => /max-age=0|expires=thu, 01 jan 1970/i.test(a))) jar.delete(name);
      else jar.set(name, value);
    }
    return r;
  }

  /** Follows redirects from `url` until one leads to `stopAt`: that URL's query. */
  async follow(url: string, stopAt: string): Promise<URLSearchParams> {
    let next = url;
    for (let i = 0; i < 12; i++) {
      const at = new URL(next);
      if (`${at.origin}${at.pathname}` === stopAt) return at.searchParams;
      const r = await this.fetch(next);
      const location = r.headers.get('location');
      if (!location) throw new Error(`no redirect from ${next}: ${r.status} ${await r.text()}`);
      next = new URL(location, next).href;
    }
    throw new Error('too many redirects');
  }
}

describe('OAuth / OIDC sign-in', () => {
  const env = withAdminServer();
  let idp: OidcTestProvider;
  let portal: string;
  let teamId: number;

  beforeAll(async () => {
    portal = `${env.server.baseUrl}/`;
    idp = await startOidcProvider({
      redirectUris: [portal],
      accounts: [
        { sub: 'u-carol', preferred_username: 'carol', groups: ['platform'] },
        { sub: 'u-dave', preferred_username: 'dave', groups: [] },
      ],
      accessTokenTtlSeconds: 1800,
    });
    const team = await env.server.request<{ Id: number }>('POST', '/api/teams', {
      token: env.admin,
      body: { name: 'platform-team' },
    });
    teamId = team.body.Id;
    const link = await env.server.request('PUT', `/api/teams/${teamId}/link`, {
      token: env.admin,
      body: { source: 'oauth', group: 'platform' },
    });
    expect(link.status, link.text).toBe(200);
    const set = await env.server.request('PUT', '/api/settings', {
      token: env.admin,
      body: {
        AuthenticationMethod: 3,
        OAuthSettings: {
          Provider: 'custom',
          Issuer: idp.issuer,
          ClientID: idp.clientId,
          ClientSecret: idp.clientSecret,
          RedirectURI: portal,
          Scopes: 'openid profile groups',
          UserIdentifier: 'preferred_username',
          OAuthAutoCreateUsers: true,
          GroupClaim: 'groups',
        },
      },
    });
    expect(set.status, set.text).toBe(200);
    expect(set.text).not.toContain(idp.clientSecret);
  });
  afterAll(async () => idp.close());

  /** The portal's part: OAuthLoginURI, the provider, back to the portal with ?code&state. */
  async function signIn(browser: Browser, as: string): Promise<URLSearchParams> {
    idp.signInAs(as);
    const pub = await env.server.request<{ OAuthLoginURI: string }>('GET', '/api/settings/public');
    expect(pub.body.OAuthLoginURI).toMatch(/\/api\/auth\/oauth\/login$/);
    return browser.follow(`${env.server.baseUrl}${pub.body.OAuthLoginURI}`, portal);
  }

  async function validate(browser: Browser, body: Record<string, unknown>): Promise<Response> {
    return browser.fetch(`${env.server.baseUrl}/api/auth/oauth/validate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  it('signs in, auto-creates the user, syncs the group claim to the linked team, follows the token lifetime', async () => {
    const browser = new Browser();
    const back = await signIn(browser, 'u-carol');
    expect(back.get('error_description') ?? '', back.toString()).toBe('');
    const r = await validate(browser, { code: back.get('code'), state: back.get('state') });
    const text = await r.text();
    expect(r.status, text).toBe(200);
    const { jwt } = JSON.parse(text) as { jwt: string };
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as {
      exp: number;
      iat: number;
      username: string;
    };
    expect(claims.username).toBe('carol');
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(1800);
    const me = await env.server.request<{ Id: number }>('GET', '/api/users/me', { token: jwt });
    const memberships = await env.server.request<{ TeamID: number }[]>(
      'GET',
      `/api/users/${me.body.Id}/memberships`,
      { token: env.admin },
    );
    expect(memberships.body.map((m) => m.TeamID)).toContain(teamId);
    const log = await env.server.request<{ logs: { username: string; context: string; type: string }[] }>(
      'GET',
      '/api/audit/auth-logs?keyword=carol',
      { token: env.admin },
    );
    expect(log.body.logs.some((l) => l.context === 'oauth' && l.type === 'success')).toBe(true);
  });

  it("Portainer's {code} alone works in the browser that started the sign-in", async () => {
    const browser = new Browser();
    const back = await signIn(browser, 'u-dave');
    const r = await validate(browser, { Code: back.get('code') });
    expect(r.status, await r.text()).toBe(200);
  });

  it('refuses a tampered state, a replayed code, a code without the starting browser', async () => {
    const browser = new Browser();
    let back = await signIn(browser, 'u-dave');
    let r = await validate(browser, { code: back.get('code'), state: `${back.get('state')}x` });
    expect(r.status).toBe(422);
    expect(await r.text()).not.toContain(idp.clientSecret);
    const failures = await env.server.request<{ logs: { context: string; reason: string }[] }>(
      'GET',
      '/api/audit/auth-logs?type=failure&limit=50',
      { token: env.admin },
    );
    // The provider's refusal says why in the authentication log, as LDAP's do.
    expect(failures.body.logs.filter((l) => l.context === 'oauth').map((l) => l.reason)).toEqual([
      expect.stringMatching(/state/i),
    ]);

    back = await signIn(browser, 'u-dave');
    r = await validate(browser, { code: back.get('code'), state: back.get('state') });
    expect(r.status).toBe(200);
    // The same code again: the pending sign-in is gone (401) and the provider refuses the code anyway.
    r = await validate(browser, { code: back.get('code'), state: back.get('state') });
    expect(r.status).toBe(401);

    back = await signIn(browser, 'u-dave');
    const stranger = new Browser();
    r = await validate(stranger, { code: back.get('code'), state: back.get('state') });
    expect(r.status).toBe(401);
  });

  it('answers bad input with a clear 4xx and never returns the client secret', async () => {
    for (const body of [{}, { code: 42 }, { code: '' }, { code: 'x'.repeat(5000) }])
      expectApiError(await env.server.request('POST', '/api/auth/oauth/validate', { body }), 400);
    expectApiError(
      await env.server.request('POST', '/api/auth/oauth/validate', { body: { code: 'abc' } }),
      401,
    );
    const settings = await env.server.request('GET', '/api/settings', { token: env.admin });
    expect(settings.text).not.toContain(idp.clientSecret);
    expect((settings.body as { OAuthSettings: { ClientSecret: string } }).OAuthSettings.ClientSecret).toBe(
      '',
    );
    expectApiError(
      await env.server.request('PUT', '/api/settings', {
        token: env.admin,
        body: { OAuthSettings: { Issuer: 'javascript:alert(1)' } },
      }),
      400,
    );
    const user = await createUser(env.server, env.admin).catch(() => undefined);
    expect(user).toBeUndefined(); // password sign-in is not the method in force: createUser's login fails
  });

  it('keeps the internal password for the initial administrator only (break-glass)', async () => {
    const admin = await env.server.request<{ jwt: string }>('POST', '/api/auth', {
      body: { username: 'admin', password: ADMIN_PASSWORD },
    });
    expect(admin.status, admin.text).toBe(200);
    expectApiError(
      await env.server.request('POST', '/api/auth', { body: { username: 'admin', password: 'wrong' } }),
      422,
    );
    // carol exists (auto-created by the provider sign-in) but has no password sign-in under OAuth.
    expectApiError(
      await env.server.request('POST', '/api/auth', { body: { username: 'carol', password: 'anything' } }),
      422,
    );
    const logs = await env.server.request<{ logs: { context: string; reason: string }[] }>(
      'GET',
      '/api/audit/auth-logs?username=carol&limit=1',
      { token: env.admin },
    );
    expect(logs.body.logs[0]).toMatchObject({
      context: 'oauth',
      reason: 'password sign-in is off under OAuth',
    });
  });

  it("asks the initial administrator's break-glass sign-in for their second factor too", async () => {
    const begun = await env.server.request<{ secret: string }>('POST', '/api/users/1/totp', {
      token: env.admin,
    });
    expect(begun.status, begun.text).toBe(200);
    const code = new TOTP({ secret: Secret.fromBase32(begun.body.secret) }).generate();
    const confirmed = await env.server.request('POST', '/api/users/1/totp/confirm', {
      token: env.admin,
      body: { code },
    });
    expect(confirmed.status, confirmed.text).toBe(200);
    try {
      expectApiError(
        await env.server.request('POST', '/api/auth', {
          body: { username: 'admin', password: ADMIN_PASSWORD },
        }),
        401,
        /Two-factor code required/,
      );
    } finally {
      expect((await env.server.request('DELETE', '/api/users/1/totp', { token: env.admin })).status).toBe(
        204,
      );
    }
  });
});
