import { existsSync, readFileSync } from 'node:fs';
/** Small factories for test data and common steps. */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect } from 'vitest';
import { TestServer } from '@capstan/testing';

export const ADMIN_PASSWORD = 'admin-password-for-tests';

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export function strongPassword(): string {
  return `pw-${randomBytes(12).toString('hex')}`;
}

export async function initAdmin(
  server: TestServer,
  username = 'admin',
  password = ADMIN_PASSWORD,
): Promise<string> {
  const r = await server.request('POST', '/api/users/admin/init', { body: { username, password } });
  expect(r.status, r.text).toBe(200);
  return login(server, username, password);
}

export async function login(server: TestServer, username: string, password: string): Promise<string> {
  const r = await server.request<{ jwt: string }>('POST', '/api/auth', { body: { username, password } });
  expect(r.status, r.text).toBe(200);
  return r.body.jwt;
}

export interface CreatedUser {
  id: number;
  username: string;
  password: string;
  token: string;
}

export async function createUser(server: TestServer, adminToken: string, role = 2): Promise<CreatedUser> {
  const username = uniqueName('user');
  const password = strongPassword();
  const r = await server.request<{ Id: number }>('POST', '/api/users', {
    token: adminToken,
    body: { username, password, role },
  });
  expect(r.status, r.text).toBe(200);
  return { id: r.body.Id, username, password, token: await login(server, username, password) };
}

/** Every error reply has Portainer's body and a request id. */
export function expectApiError(
  r: { status: number; headers: Headers; body: unknown },
  status: number,
  message?: RegExp,
): void {
  expect(r.status).toBe(status);
  expect(r.headers.get('content-type')).toContain('application/json');
  expect(r.headers.get('x-request-id')).toBeTruthy();
  const body = r.body as { message?: unknown; details?: unknown };
  expect(typeof body.message).toBe('string');
  expect(typeof body.details).toBe('string');
  if (message) expect(body.message).toMatch(message);
}

export interface AdminServer {
  server: TestServer;
  /** The administrator's session token. */
  admin: string;
}

/** One server per test file, with its administrator created; disposed after the file. */
export function withAdminServer(): AdminServer {
  const env = {} as AdminServer;
  beforeAll(async () => {
    env.server = await TestServer.start();
    env.admin = await initAdmin(env.server);
  });
  afterAll(async () => env.server.dispose());
  return env;
}

/** A Docker environment on a local socket (the server's own by default), created through the API: its id. */
export async function addSocketEnvironment(
  server: TestServer,
  token: string,
  opts: { url?: string; engine?: 'docker' | 'podman'; name?: string } = {},
): Promise<number> {
  const f = new FormData();
  f.append('Name', opts.name ?? uniqueName('local'));
  f.append('EndpointCreationType', '1');
  if (opts.url) f.append('URL', opts.url);
  if (opts.engine) f.append('ContainerEngine', opts.engine);
  const r = await fetch(`${server.baseUrl}/api/endpoints`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}` },
    body: f,
  });
  const body = (await r.json()) as { Id: number };
  expect(r.status, JSON.stringify(body)).toBe(200);
  return body.Id;
}

/** The htpasswd registry on loopback from tools/setup/registry.sh, if it ran (`/tmp/capstan-registry.env`). */
export function testRegistry():
  | { address: string; user: string; password: string; tls?: string; ca?: string; noAuth?: string }
  | undefined {
  const file = '/tmp/capstan-registry.env';
  if (!existsSync(file)) return undefined;
  const vars = Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return {
    address: vars['CAPSTAN_TEST_REGISTRY'] ?? '',
    user: vars['CAPSTAN_TEST_REGISTRY_USER'] ?? '',
    password: vars['CAPSTAN_TEST_REGISTRY_PASSWORD'] ?? '',
    // The TLS (test CA) and auth-less instances, when registry.sh is new enough to run them.
    tls: vars['CAPSTAN_TEST_REGISTRY_TLS'] || undefined,
    ca: vars['CAPSTAN_TEST_REGISTRY_CA'] || undefined,
    noAuth: vars['CAPSTAN_TEST_REGISTRY_NOAUTH'] || undefined,
  };
}
