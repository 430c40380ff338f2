import { describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  createUser,
  expectApiError,
  login,
  strongPassword,
  uniqueName,
  withAdminServer,
} from './support/fixtures';

describe('authentication', () => {
  const env = withAdminServer();

  it('logs in with PascalCase or camelCase keys and refuses bad credentials with 422', async () => {
    const r = await env.server.request<{ jwt: string }>('POST', '/api/auth', {
      body: { Username: 'admin', Password: ADMIN_PASSWORD },
    });
    expect(r.status).toBe(200);
    expect(r.body.jwt.split('.')).toHaveLength(3);
    expect(r.headers.get('set-cookie')).toMatch(/portainer_api_key=.*HttpOnly.*SameSite=Strict/i);
    const claims = JSON.parse(Buffer.from(r.body.jwt.split('.')[1], 'base64url').toString()) as Record<
      string,
      unknown
    >;
    expect(claims).toMatchObject({ id: 1, username: 'admin', role: 1 });
    expect(Number(claims['exp']) - Number(claims['iat'])).toBe(8 * 3600);

    expectApiError(
      await env.server.request('POST', '/api/auth', {
        body: { username: 'admin', password: 'wrong-password' },
      }),
      422,
      /Invalid credentials/,
    );
    expectApiError(
      await env.server.request('POST', '/api/auth', {
        body: { username: 'nobody', password: 'wrong-password' },
      }),
      422,
      /Invalid credentials/,
    );
    expectApiError(await env.server.request('POST', '/api/auth', { body: { username: 'admin' } }), 400);
  });

  it('throttles repeated failures per username with 429 and Retry-After, and records them', async () => {
    const user = await createUser(env.server, env.admin);
    for (let i = 0; i < 5; i++) {
      expect(
        (
          await env.server.request('POST', '/api/auth', {
            body: { username: user.username, password: 'not-the-password' },
          })
        ).status,
      ).toBe(422);
    }
    const blocked = await env.server.request('POST', '/api/auth', {
      body: { username: user.username, password: user.password },
    });
    expectApiError(blocked, 429, /Too many failed login attempts/);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);

    const logs = await env.server.request<{ logs: { username: string; type: string }[] }>(
      'GET',
      `/api/audit/auth-logs?username=${user.username}&limit=100`,
      { token: env.admin },
    );
    const types = logs.body.logs.map((l) => l.type);
    expect(types.filter((t) => t === 'failure')).toHaveLength(5);
    expect(types).toContain('throttled');
    expect(types).toContain('success');
  });

  it('revokes the token on logout', async () => {
    const token = await login(env.server, 'admin', ADMIN_PASSWORD);
    expect((await env.server.request('GET', '/api/users/me', { token })).status).toBe(200);
    expect((await env.server.request('POST', '/api/auth/logout', { token })).status).toBe(204);
    expectApiError(await env.server.request('GET', '/api/users/me', { token }), 401);
    // Other sessions are unaffected.
    expect((await env.server.request('GET', '/api/users/me', { token: env.admin })).status).toBe(200);
  });

  it('revokes older tokens when the password changes', async () => {
    const user = await createUser(env.server, env.admin);
    const other = await login(env.server, user.username, user.password);
    const next = strongPassword();
    expectApiError(
      await env.server.request('PUT', `/api/users/${user.id}/passwd`, {
        token: user.token,
        body: { password: 'wrong-current', newPassword: next },
      }),
      403,
    );
    expectApiError(
      await env.server.request('PUT', `/api/users/${user.id}/passwd`, {
        token: user.token,
        body: { password: user.password, newPassword: 'short' },
      }),
      400,
    );
    const changed = await env.server.request('PUT', `/api/users/${user.id}/passwd`, {
      token: user.token,
      body: { password: user.password, newPassword: next },
    });
    expect(changed.status).toBe(204);
    expectApiError(await env.server.request('GET', '/api/users/me', { token: user.token }), 401);
    expectApiError(await env.server.request('GET', '/api/users/me', { token: other }), 401);
    expect(
      (
        await env.server.request('POST', '/api/auth', {
          body: { username: user.username, password: user.password },
        })
      ).status,
    ).toBe(422);
    const fresh = await login(env.server, user.username, next);
    expect((await env.server.request('GET', '/api/users/me', { token: fresh })).status).toBe(200);
  });

  it('issues API keys once, accepts them on every route, and revokes them', async () => {
    const user = await createUser(env.server, env.admin);
    expectApiError(
      await env.server.request('POST', `/api/users/${user.id}/tokens`, {
        token: user.token,
        body: { description: 'ci', password: 'wrong' },
      }),
      403,
    );
    const created = await env.server.request<{
      rawAPIKey: string;
      apiKey: { id: number; prefix: string; lastUsed: number };
    }>('POST', `/api/users/${user.id}/tokens`, {
      token: user.token,
      body: { Description: 'ci', Password: user.password },
    });
    expect(created.status).toBe(200);
    const raw = created.body.rawAPIKey;
    expect(raw).toMatch(/^ptr_[A-Za-z0-9+/=]{40,}$/);
    expect(created.body.apiKey.prefix).toBe(raw.slice(0, 7));

    const me = await env.server.request<{ Username: string }>('GET', '/api/users/me', { apiKey: raw });
    expect(me.status).toBe(200);
    expect(me.body.Username).toBe(user.username);

    const list = await env.server.request<Record<string, unknown>[]>('GET', `/api/users/${user.id}/tokens`, {
      token: user.token,
    });
    expect(list.body).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain(raw);
    expect(list.body[0]).not.toHaveProperty('digest');
    // lastUsed is written behind the request (at most once a minute): it shows up shortly after.
    await expect
      .poll(
        async () =>
          Number(
            (
              await env.server.request<Record<string, unknown>[]>('GET', `/api/users/${user.id}/tokens`, {
                token: user.token,
              })
            ).body[0]['lastUsed'],
          ),
        { timeout: 5000 },
      )
      .toBeGreaterThan(0);

    // A key cannot mint another key.
    expectApiError(
      await env.server.request('POST', `/api/users/${user.id}/tokens`, {
        apiKey: raw,
        body: { description: 'x', password: user.password },
      }),
      403,
    );
    // Someone else's keys are not yours to list or create.
    const other = await createUser(env.server, env.admin);
    expectApiError(
      await env.server.request('GET', `/api/users/${user.id}/tokens`, { token: other.token }),
      403,
    );

    expect(
      (
        await env.server.request('DELETE', `/api/users/${user.id}/tokens/${created.body.apiKey.id}`, {
          token: user.token,
        })
      ).status,
    ).toBe(204);
    expectApiError(await env.server.request('GET', '/api/users/me', { apiKey: raw }), 401);
    expectApiError(await env.server.request('GET', '/api/users/me', { apiKey: 'ptr_not-a-key' }), 401);
  });

  it('requires a CSRF token for cookie sessions, not for bearer clients', async () => {
    const r = await env.server.request('POST', '/api/auth', {
      body: { username: 'admin', password: ADMIN_PASSWORD },
    });
    const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0];
    const get = await env.server.request('GET', '/api/users/me', { headers: { Cookie: cookie } });
    expect(get.status).toBe(200);
    const csrf = get.headers.get('x-csrf-token');
    expect(csrf).toBeTruthy();
    const team = { name: uniqueName('csrf') };
    expectApiError(
      await env.server.request('POST', '/api/teams', { headers: { Cookie: cookie }, body: team }),
      403,
      /CSRF/,
    );
    const ok = await env.server.request('POST', '/api/teams', {
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf ?? '' },
      body: team,
    });
    expect(ok.status).toBe(200);
    expect(
      (
        await env.server.request('POST', '/api/teams', {
          token: env.admin,
          body: { name: uniqueName('bearer') },
        })
      ).status,
    ).toBe(200);
  });

  it('refuses forged and expired-looking tokens', async () => {
    const [h, p] = env.admin.split('.');
    const forged = `${h}.${p}.${Buffer.from('not-the-signature').toString('base64url')}`;
    expectApiError(await env.server.request('GET', '/api/users/me', { token: forged }), 401);
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
    expectApiError(await env.server.request('GET', '/api/users/me', { token: none }), 401);
    expectApiError(await env.server.request('GET', '/api/users/me'), 401);
  });

  it('believes X-Forwarded-For only from trusted proxies, for the auth log and throttling', async () => {
    const origins = async (username: string): Promise<string[]> =>
      (
        await env.server.request<{ logs: { origin: string }[] }>(
          'GET',
          `/api/audit/auth-logs?username=${username}&limit=10`,
          { token: env.admin },
        )
      ).body.logs.map((l) => l.origin);
    const attempt = (username: string) =>
      env.server.request('POST', '/api/auth', {
        body: { username, password: 'not-the-password' },
        headers: { 'X-Forwarded-For': '198.51.100.1, 203.0.113.9' },
      });
    const before = uniqueName('spoof');
    expect((await attempt(before)).status).toBe(422);
    expect(await origins(before)).toEqual(['127.0.0.1']);

    expectApiError(
      await env.server.request('PUT', '/api/settings', {
        token: env.admin,
        body: { TrustedProxies: ['10.0.0.0/33'] },
      }),
      400,
    );
    const put = await env.server.request('PUT', '/api/settings', {
      token: env.admin,
      body: { TrustedProxies: ['127.0.0.1'] },
    });
    expect(put.status, put.text).toBe(200);
    const after = uniqueName('proxied');
    expect((await attempt(after)).status).toBe(422);
    expect(await origins(after)).toEqual(['203.0.113.9']);
    await env.server.request('PUT', '/api/settings', { token: env.admin, body: { TrustedProxies: [] } });
  });
});
