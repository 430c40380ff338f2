import { setTimeout as sleep } from 'node:timers/promises';
import { Secret, TOTP } from 'otpauth';
import { afterAll, describe, expect, it } from 'vitest';
import type { TestServer } from '@capstan/testing';
import { createUser, expectApiError, type CreatedUser, withAdminServer } from './support/fixtures';

// Two-factor sign-in of local accounts against the real server: codes from the real RFC 6238 algorithm
// (`otpauth`, as an authenticator app computes them) on the real clock.

const STEP_MS = 30_000;
const HEADER = 'x-capstan-second-factor';

/** The code an authenticator app shows for `secret`, `steps` windows from now. */
function code(secret: string, steps = 0): string {
  return new TOTP({ secret: Secret.fromBase32(secret) }).generate({
    timestamp: Date.now() + steps * STEP_MS,
  });
}

/** Waits out the end of a 30 s window, so a sequence of codes is not split by a rollover. */
async function freshWindow(): Promise<void> {
  const left = STEP_MS - (Date.now() % STEP_MS);
  if (left < 6_000) await sleep(left + 200);
}

async function enrol(server: TestServer, user: CreatedUser): Promise<{ secret: string; recovery: string[] }> {
  const begun = await server.request<{ secret: string; otpauthUri: string; qrCode: string }>(
    'POST',
    `/api/users/${user.id}/totp`,
    { token: user.token },
  );
  expect(begun.status, begun.text).toBe(200);
  expect(begun.body.qrCode).toMatch(/^data:image\/png;base64,/);
  expect(begun.body.otpauthUri).toContain(encodeURIComponent(user.username));
  await freshWindow();
  // Confirmed with the previous window's code: a code typed as it rolled over is accepted.
  const confirmed = await server.request<{ recoveryCodes: string[] }>(
    'POST',
    `/api/users/${user.id}/totp/confirm`,
    { token: user.token, body: { code: code(begun.body.secret, -1) } },
  );
  expect(confirmed.status, confirmed.text).toBe(200);
  expect(confirmed.body.recoveryCodes).toHaveLength(10);
  return { secret: begun.body.secret, recovery: confirmed.body.recoveryCodes };
}

/** The first step: right password, 401 with the second-step token. */
async function firstStep(server: TestServer, user: CreatedUser): Promise<string> {
  const r = await server.request('POST', '/api/auth', {
    body: { Username: user.username, Password: user.password },
  });
  expectApiError(r, 401, /Two-factor code required/);
  const challenge = r.headers.get(HEADER);
  expect(challenge).toBeTruthy();
  return challenge ?? '';
}

describe('two-factor sign-in (TOTP)', () => {
  const env = withAdminServer();
  afterAll(async () => {
    await env.server.request('PUT', '/api/settings', {
      token: env.admin,
      body: { TwoFactorPolicy: 'optional' },
    });
  });

  it('enrols, then asks for the code after the password; replayed and older codes are refused', async () => {
    const user = await createUser(env.server, env.admin);
    const { secret } = await enrol(env.server, user);
    const status = await env.server.request('GET', `/api/users/${user.id}/totp`, { token: user.token });
    expect(status.body).toEqual({ enabled: true, recoveryCodesLeft: 10 });
    expect(status.text).not.toContain(secret);

    await freshWindow();
    const challenge = await firstStep(env.server, user);
    // The second-step token is not a session.
    expectApiError(await env.server.request('GET', '/api/users/me', { token: challenge }), 401);
    // Older than the last accepted step (the previous window was used to confirm): refused.
    expectApiError(
      await env.server.request('POST', '/api/auth/totp', {
        body: { token: challenge, code: code(secret, -2) },
      }),
      422,
      /Invalid two-factor code/,
    );
    const now = code(secret);
    const ok = await env.server.request<{ jwt: string }>('POST', '/api/auth/totp', {
      body: { Token: challenge, Code: now },
    });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.headers.get('set-cookie')).toMatch(/portainer_api_key=/);
    const me = await env.server.request<{ Id: number }>('GET', '/api/users/me', { token: ok.body.jwt });
    expect(me.body.Id).toBe(user.id);
    // The same code again (a replay) is refused, through either door.
    expectApiError(
      await env.server.request('POST', '/api/auth/totp', { body: { token: challenge, code: now } }),
      422,
    );
    expectApiError(
      await env.server.request('POST', '/api/auth', {
        body: { username: user.username, password: user.password, totpCode: now },
      }),
      422,
      /Invalid two-factor code/,
    );

    const log = await env.server.request<{ logs: { username: string; context: string; type: string }[] }>(
      'GET',
      `/api/audit/auth-logs?keyword=${user.username}`,
      { token: env.admin },
    );
    const mine = log.body.logs.filter((l) => l.username === user.username);
    expect(mine.some((l) => l.context === 'totp' && l.type === 'success')).toBe(true);
    expect(mine.some((l) => l.context === 'totp' && l.type === 'failure')).toBe(true);
  });

  it('accepts each recovery code once', async () => {
    const user = await createUser(env.server, env.admin);
    const { recovery } = await enrol(env.server, user);
    const challenge = await firstStep(env.server, user);
    const first = await env.server.request('POST', '/api/auth/totp', {
      body: { token: challenge, code: recovery[3] },
    });
    expect(first.status, first.text).toBe(200);
    expectApiError(
      await env.server.request('POST', '/api/auth/totp', { body: { token: challenge, code: recovery[3] } }),
      422,
    );
    const status = await env.server.request('GET', `/api/users/${user.id}/totp`, { token: user.token });
    expect(status.body).toEqual({ enabled: true, recoveryCodesLeft: 9 });
  });

  it('throttles wrong codes with 429, and the right password does not reset the count', async () => {
    const user = await createUser(env.server, env.admin);
    const { secret } = await enrol(env.server, user);
    for (let i = 0; i < 5; i++) {
      const challenge = await firstStep(env.server, user);
      expectApiError(
        await env.server.request('POST', '/api/auth/totp', { body: { token: challenge, code: '000000' } }),
        422,
      );
    }
    expectApiError(
      await env.server.request('POST', '/api/auth', {
        body: { username: user.username, password: user.password },
      }),
      429,
    );
    expectApiError(
      await env.server.request('POST', '/api/auth', {
        body: { username: user.username, password: user.password, totpCode: code(secret) },
      }),
      429,
    );
  });

  it('leaves API keys alone, disables with password + code, and an administrator can reset it', async () => {
    const user = await createUser(env.server, env.admin);
    const { secret, recovery } = await enrol(env.server, user);
    const key = await env.server.request<{ rawAPIKey: string }>('POST', `/api/users/${user.id}/tokens`, {
      token: user.token,
      body: { description: 'ci', password: user.password },
    });
    expect(key.status, key.text).toBe(200);
    expect((await env.server.request('GET', '/api/users/me', { apiKey: key.body.rawAPIKey })).status).toBe(
      200,
    );
    // An API key cannot turn the factor off or enrol (session only).
    expectApiError(
      await env.server.request('POST', `/api/users/${user.id}/totp/disable`, {
        apiKey: key.body.rawAPIKey,
        body: { password: user.password, code: recovery[0] },
      }),
      403,
    );

    // Disabling needs the password and a code.
    expectApiError(
      await env.server.request('POST', `/api/users/${user.id}/totp/disable`, {
        token: user.token,
        body: { password: 'not-it', code: recovery[0] },
      }),
      403,
    );
    expectApiError(
      await env.server.request('POST', `/api/users/${user.id}/totp/disable`, {
        token: user.token,
        body: { password: user.password, code: '123' },
      }),
      422,
    );
    // The administrator's users list shows who has it on; nobody else may ask.
    const overview = await env.server.request<{ Enabled: number[] }>('GET', '/api/users/totp', {
      token: env.admin,
    });
    expect(overview.status, overview.text).toBe(200);
    expect(overview.body.Enabled).toContain(user.id);
    // Someone else cannot touch it; only an administrator resets it.
    const other = await createUser(env.server, env.admin);
    expectApiError(await env.server.request('GET', '/api/users/totp', { token: other.token }), 403);
    expectApiError(
      await env.server.request('DELETE', `/api/users/${user.id}/totp`, { token: other.token }),
      403,
    );
    expectApiError(
      await env.server.request('GET', `/api/users/${user.id}/totp`, { token: other.token }),
      403,
    );
    const reset = await env.server.request('DELETE', `/api/users/${user.id}/totp`, { token: env.admin });
    expect(reset.status, reset.text).toBe(204);
    expect(
      (await env.server.request<{ Enabled: number[] }>('GET', '/api/users/totp', { token: env.admin })).body
        .Enabled,
    ).not.toContain(user.id);
    expectApiError(
      await env.server.request('DELETE', `/api/users/${user.id}/totp`, { token: env.admin }),
      404,
    );
    expect(
      (
        await env.server.request('POST', '/api/auth', {
          body: { username: user.username, password: user.password },
        })
      ).status,
    ).toBe(200);

    // Enrol again and turn it off by oneself.
    const again = await enrol(env.server, user);
    await freshWindow();
    const off = await env.server.request('POST', `/api/users/${user.id}/totp/disable`, {
      token: user.token,
      body: { password: user.password, code: code(again.secret) },
    });
    expect(off.status, off.text).toBe(204);
    expect(secret).not.toBe(again.secret);
    const activity = await env.server.request<{ logs: { action?: string; description?: string }[] }>(
      'GET',
      '/api/audit/activity-logs?keyword=second%20factor',
      { token: env.admin },
    );
    expect(JSON.stringify(activity.body)).toContain(`reset the second factor of user ${user.id}`);
    expect(JSON.stringify(activity.body)).not.toContain(again.secret);
  });

  it('a policy requiring it makes unenrolled users enrol before their first session', async () => {
    const user = await createUser(env.server, env.admin);
    const set = await env.server.request('PUT', '/api/settings', {
      token: env.admin,
      body: { TwoFactorPolicy: 'everyone' },
    });
    expect(set.status, set.text).toBe(200);
    expectApiError(
      await env.server.request('PUT', '/api/settings', {
        token: env.admin,
        body: { TwoFactorPolicy: 'sometimes' },
      }),
      400,
    );
    const refused = await env.server.request('POST', '/api/auth', {
      body: { username: user.username, password: user.password },
    });
    expectApiError(refused, 401, /Two-factor enrolment required/);
    const challenge = refused.headers.get(HEADER) ?? '';
    // An enrolment token is no second-step token, and the reverse.
    expectApiError(
      await env.server.request('POST', '/api/auth/totp', { body: { token: challenge, code: '123456' } }),
      401,
    );
    const begun = await env.server.request<{ secret: string }>('POST', '/api/auth/totp/enrol', {
      body: { token: challenge },
    });
    expect(begun.status, begun.text).toBe(200);
    await freshWindow();
    const done = await env.server.request<{ jwt: string; recoveryCodes: string[] }>(
      'POST',
      '/api/auth/totp/enrol/confirm',
      { body: { token: challenge, code: code(begun.body.secret) } },
    );
    expect(done.status, done.text).toBe(200);
    expect(done.body.recoveryCodes).toHaveLength(10);
    expect((await env.server.request('GET', '/api/users/me', { token: done.body.jwt })).status).toBe(200);
    // From now on the password alone asks for the code.
    await firstStep(env.server, user);

    // 'administrators' leaves standard users alone.
    await env.server.request('PUT', '/api/settings', {
      token: env.admin,
      body: { TwoFactorPolicy: 'administrators' },
    });
    const plain = await createUser(env.server, env.admin);
    expect(plain.token).toBeTruthy();
    await env.server.request('PUT', '/api/settings', {
      token: env.admin,
      body: { TwoFactorPolicy: 'optional' },
    });
  });

  it('answers bad input with a clear 4xx', async () => {
    const user = await createUser(env.server, env.admin);
    const bad: [string, string, unknown, number][] = [
      ['POST', '/api/auth/totp', { token: 'x.y.z', code: '123456' }, 401],
      ['POST', '/api/auth/totp', { token: 42, code: '123456' }, 400],
      ['POST', '/api/auth/totp', { token: 'x', code: 123456 }, 400],
      ['POST', '/api/auth/totp', { token: 'x', code: 'x'.repeat(100) }, 400],
      ['POST', '/api/auth/totp', {}, 400],
      ['POST', '/api/auth/totp/enrol', { token: 'a'.repeat(5000) }, 400],
      ['POST', '/api/auth/totp/enrol', { token: 'nope' }, 401],
      ['POST', '/api/auth/totp/enrol/confirm', { token: 'nope', code: '123456' }, 401],
      ['POST', `/api/users/${user.id}/totp/confirm`, { code: '123456' }, 404],
      ['POST', `/api/users/${user.id}/totp/disable`, { password: user.password, code: '123456' }, 404],
      ['POST', `/api/users/${user.id}/totp/confirm`, { code: ['1'] }, 400],
      ['POST', `/api/users/999999/totp`, {}, 403],
    ];
    for (const [method, path, body, status] of bad) {
      const r = await env.server.request(method, path, { token: user.token, body });
      expectApiError(r, status);
    }
    expectApiError(await env.server.request('GET', '/api/users/999999/totp', { token: env.admin }), 404);
    expectApiError(await env.server.request('DELETE', '/api/users/abc/totp', { token: env.admin }), 400);
  });
});
