import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// A spec may use the shared test fixtures (a real OpenID provider); production code in this lib may not.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startOidcProvider, type OidcTestProvider } from '@capstan/testing';
import { OAuthClient, type OAuthProviderConfig, type PendingSignIn } from './oauth-client';

// A real OpenID provider (npm oidc-provider) on 127.0.0.1; the browser is a fetch that follows redirects by hand.

const REDIRECT = 'http://127.0.0.1:9/portal/';

/** Follows the provider's redirects (keeping its cookies) until the redirect URI: the returned query. */
async function authorize(url: string): Promise<URLSearchParams> {
  const cookies = new Map<string, string>();
  let next = url;
  for (let i = 0; i < 10; i++) {
    if (next.startsWith(REDIRECT)) return new URL(next).searchParams;
    const r = await fetch(next, {
      redirect: 'manual',
      headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const c of r.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [k, v] = (pair ?? '').split('=');
      if (k) cookies.set(k, v ?? '');
    }
    const location = r.headers.get('location');
    if (!location) throw new Error(`no redirect from ${next}: ${r.status} ${await r.text()}`);
    next = new URL(location, next).href;
  }
  throw new Error('too many redirects');
}

describe('OAuthClient against a real OpenID provider', () => {
  let idp: OidcTestProvider;
  let cfg: OAuthProviderConfig;
  const client = new OAuthClient();

  beforeAll(async () => {
    idp = await startOidcProvider({
      redirectUris: [REDIRECT],
      accounts: [
        { sub: 'u-alice', preferred_username: 'alice', email: 'alice@example.test', groups: ['devs', 'ops'] },
        { sub: 'u-bob', preferred_username: 'bob', groups: [] },
      ],
      accessTokenTtlSeconds: 900,
    });
    cfg = {
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      redirectUri: REDIRECT,
      scopes: ['openid', 'profile', 'email', 'groups'],
      allowHttp: true,
    };
  });
  afterAll(async () => idp.close());

  async function started(): Promise<{ pending: PendingSignIn; returned: URLSearchParams; url: URL }> {
    const { url, pending } = await client.begin(cfg);
    return { pending, returned: await authorize(url), url: new URL(url) };
  }

  it('signs in with PKCE, state and nonce; claims from the ID token and userinfo; token lifetime', async () => {
    idp.signInAs('u-alice');
    const { pending, returned, url } = await started();
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('state')).toBe(pending.state);
    expect(url.searchParams.get('nonce')).toBe(pending.nonce);
    expect(returned.get('state')).toBe(pending.state);
    const identity = await client.complete(cfg, pending, {
      code: returned.get('code') ?? '',
      state: returned.get('state') ?? undefined,
    });
    expect(identity.claims).toMatchObject({
      sub: 'u-alice',
      preferred_username: 'alice',
      groups: ['devs', 'ops'],
    });
    expect(identity.expiresIn).toBeGreaterThan(800);
    expect(identity.expiresIn).toBeLessThanOrEqual(900);
  });

  it('refuses a tampered state', async () => {
    const { pending, returned } = await started();
    await expect(
      client.complete(cfg, pending, { code: returned.get('code') ?? '', state: `${pending.state}x` }),
    ).rejects.toMatchObject({ reason: 'state mismatch' });
  });

  it('refuses a replayed code', async () => {
    const { pending, returned } = await started();
    const code = returned.get('code') ?? '';
    await client.complete(cfg, pending, { code });
    await expect(client.complete(cfg, pending, { code })).rejects.toMatchObject({
      reason: 'provider answered invalid_grant',
    });
  });

  it('refuses an ID token with another nonce, and a code from another sign-in (PKCE)', async () => {
    const { pending, returned } = await started();
    await expect(
      client.complete(cfg, { ...pending, nonce: 'not-the-nonce' }, { code: returned.get('code') ?? '' }),
    ).rejects.toMatchObject({ reason: 'ID token nonce mismatch' });
    const other = await started();
    await expect(
      client.complete(cfg, pending, { code: other.returned.get('code') ?? '', state: pending.state }),
    ).rejects.toMatchObject({ reason: 'provider answered invalid_grant' });
  });
});
