import { describe, expect, it } from 'vitest';
import { expectApiError, withAdminServer } from './support/fixtures';

describe('bad input', () => {
  const env = withAdminServer();

  it('answers malformed JSON with 400 and a useful message', async () => {
    const r = await env.server.request('POST', '/api/users', { token: env.admin, raw: '{"username": "x",' });
    expectApiError(r, 400, /Malformed JSON/);
  });

  it('names every wrong field', async () => {
    const r = await env.server.request<{ details: string }>('POST', '/api/users', {
      token: env.admin,
      body: { username: 42, password: ['x'], role: 'admin' },
    });
    expectApiError(r, 400, /Invalid request payload/);
    expect(r.body.details).toMatch(/username/);
    expect(r.body.details).toMatch(/password/);
    expect(r.body.details).toMatch(/role/);
  });

  it('rejects bodies that are not objects', async () => {
    expectApiError(
      await env.server.request('POST', '/api/teams', { token: env.admin, body: [{ name: 'x' }] }),
      400,
    );
    expectApiError(
      await env.server.request('POST', '/api/teams', { token: env.admin, raw: '"just a string"' }),
      400,
    );
    expectApiError(await env.server.request('POST', '/api/teams', { token: env.admin, raw: 'null' }), 400);
  });

  it('refuses huge bodies with 413 and writes nothing', async () => {
    const before = await env.server.request<unknown[]>('GET', '/api/teams', { token: env.admin });
    const r = await env.server.request('POST', '/api/teams', {
      token: env.admin,
      body: { name: 'big', padding: 'x'.repeat(2 * 1024 * 1024) },
    });
    expectApiError(r, 413, /too large/);
    const after = await env.server.request<unknown[]>('GET', '/api/teams', { token: env.admin });
    expect(after.body).toHaveLength(before.body.length);
  });

  it('answers URLs the router refuses in the same error shape, without echoing them', async () => {
    const long = 'a'.repeat(300);
    const tooLong = await env.server.request('POST', `/api/webhooks/${long}`);
    expectApiError(tooLong, 414, /URL too long/);
    expect(tooLong.text).not.toContain(long);
    const bad = await env.server.request('GET', '/api/users/%zz', { token: env.admin });
    expectApiError(bad, 400, /Malformed URL/);
    // The server still answers normally afterwards.
    expect((await env.server.request('GET', '/api/users/1', { token: env.admin })).status).toBe(200);
  });

  it('rejects bad ids and unknown ids', async () => {
    expectApiError(
      await env.server.request('GET', '/api/users/abc', { token: env.admin }),
      400,
      /identifier/,
    );
    expectApiError(await env.server.request('GET', '/api/users/-1', { token: env.admin }), 400);
    expectApiError(await env.server.request('GET', '/api/users/99999999999', { token: env.admin }), 400);
    expectApiError(await env.server.request('GET', '/api/users/424242', { token: env.admin }), 404);
    expectApiError(
      await env.server.request('PUT', '/api/teams/424242', { token: env.admin, body: { name: 'x' } }),
      404,
    );
    expectApiError(
      await env.server.request('DELETE', '/api/team_memberships/424242', { token: env.admin }),
      404,
    );
  });

  it('answers unknown API routes with a JSON 404, and path traversal gets nowhere', async () => {
    expectApiError(await env.server.request('GET', '/api/nope', { token: env.admin }), 404);
    // Unknown non-API paths get the portal's index (client-side routing), never a file outside it.
    const r = await fetch(`${env.server.baseUrl}/%2e%2e/%2e%2e/etc/passwd`);
    expect(await r.text()).not.toContain('root:x:0:0');
    const r2 = await fetch(`${env.server.baseUrl}/../../../../etc/passwd`);
    expect(await r2.text()).not.toContain('root:x:0:0');
  });

  it('validates query parameters', async () => {
    expectApiError(
      await env.server.request('GET', '/api/audit/auth-logs?limit=100000', { token: env.admin }),
      400,
    );
    expectApiError(
      await env.server.request('GET', '/api/audit/auth-logs?offset=-5', { token: env.admin }),
      400,
    );
    expectApiError(
      await env.server.request('GET', '/api/audit/auth-logs?type=bogus', { token: env.admin }),
      400,
    );
  });

  it('echoes a well-formed request id and replaces a bad one', async () => {
    const ok = await env.server.request('GET', '/api/system/status', {
      headers: { 'X-Request-Id': 'trace-123' },
    });
    expect(ok.headers.get('x-request-id')).toBe('trace-123');
    const bad = await env.server.request('GET', '/api/system/status', {
      headers: { 'X-Request-Id': 'bad id\twith spaces' },
    });
    expect(bad.headers.get('x-request-id')).not.toContain(' ');
  });

  it('serves the portal with a strict CSP and caches hashed bundles for good', async () => {
    const index = await fetch(`${env.server.baseUrl}/admin/users`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const script = /src="([^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const bundle = await fetch(`${env.server.baseUrl}/${script ?? ''}`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('cache-control')).toContain('immutable');
  });

  it('serves the OpenAPI document and the docs UI', async () => {
    const spec = await env.server.request<{ openapi: string; paths: Record<string, unknown> }>(
      'GET',
      '/api/docs/openapi.json',
    );
    expect(spec.status).toBe(200);
    expect(spec.body.paths['/api/users/{id}']).toBeDefined();
    expect((await fetch(`${env.server.baseUrl}/api/docs`)).status).toBe(200);
  });
});
