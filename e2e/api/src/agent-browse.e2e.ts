/**
 * The agent's volume browser through the server's Docker proxy, on real processes: the built server and the built
 * agent (dist/apps/agent/main.js, classic mode on the local Docker engine, 127.0.0.1). Administrators browse
 * volumes and the host; other users only volumes, only with the environment's AllowVolumeBrowserForRegularUsers,
 * only the volumes their resource controls let them see, and Read-only users only read.
 */
import { existsSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_HEADERS } from '@capstan/contracts-agent';
import {
  createUser,
  expectApiError,
  uniqueName,
  withAdminServer,
  type CreatedUser,
} from './support/fixtures';
import { AGENT_MAIN, startAgent, type RealAgent } from './support/agent';

const SOCKET = '/var/run/docker.sock';
const hasDocker = existsSync(SOCKET);
if (!hasDocker && process.env['CI'] === 'true') throw new Error(`CI needs a Docker engine on ${SOCKET}`);

/** A call on the local engine's socket (volumes made without Capstan, removed afterwards). */
function engine(method: string, path: string, body?: unknown): Promise<number> {
  return new Promise((done, fail) => {
    const req = httpRequest(
      { socketPath: SOCKET, method, path, headers: { 'Content-Type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode ?? 0));
      },
    );
    req.on('error', fail);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

interface Entry {
  Name: string;
  Size: number;
  Dir: boolean;
  ModTime: number;
}

describe.runIf(hasDocker)('volume browser through the server (real agent, local engine)', () => {
  const env = withAdminServer();
  let agent: RealAgent | undefined;
  let envId = 0;
  let standard: CreatedUser;
  let other: CreatedUser;
  let readOnly: CreatedUser;
  const adminVolume = uniqueName('browse-admin');
  const ownVolume = uniqueName('browse-own');
  const publicVolume = uniqueName('browse-public');
  const docker = (path: string) => `/api/endpoints/${envId}/docker${path}`;
  const browse = (op: string, volume: string | undefined, path?: string) => {
    const q = new URLSearchParams();
    if (volume !== undefined) q.set('volumeID', volume);
    if (path !== undefined) q.set('path', path);
    return docker(`/v2/browse/${op}?${q.toString()}`);
  };
  const upload = async (token: string, volume: string, dir: string, name: string, content: string) => {
    const form = new FormData();
    form.append('Path', dir);
    form.append('file', new Blob([content]), name);
    const r = await fetch(`${env.server.baseUrl}${browse('put', volume)}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
      body: form,
    });
    const text = await r.text();
    return { status: r.status, text, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
  const names = (body: unknown) => (body as Entry[]).map((e) => e.Name);
  const setting = async (on: boolean) => {
    const r = await env.server.request('PUT', `/api/endpoints/${envId}/settings`, {
      token: env.admin,
      body: { allowVolumeBrowserForRegularUsers: on },
    });
    expect(r.status, r.text).toBe(200);
  };
  const volumeBrowse = async (token: string) =>
    (
      await env.server.request<{ CapstanAccess: { VolumeBrowse: string } }>(
        'GET',
        `/api/endpoints/${envId}`,
        {
          token,
        },
      )
    ).body.CapstanAccess.VolumeBrowse;

  beforeAll(async () => {
    agent = await startAgent();
    if (!agent) {
      if (process.env['CI'] === 'true') throw new Error(`the agent (${AGENT_MAIN}) must be built`);
      return;
    }
    const f = new FormData();
    f.append('Name', uniqueName('agent-browse'));
    f.append('EndpointCreationType', '2');
    f.append('URL', `127.0.0.1:${agent.port}`);
    const created = await fetch(`${env.server.baseUrl}/api/endpoints`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${env.admin}` },
      body: f,
    });
    expect(created.status).toBe(200);
    envId = ((await created.json()) as { Id: number }).Id;
    [standard, other, readOnly] = await Promise.all([
      createUser(env.server, env.admin),
      createUser(env.server, env.admin),
      createUser(env.server, env.admin),
    ]);
    const policies = await env.server.request('PUT', `/api/endpoints/${envId}`, {
      token: env.admin,
      body: {
        UserAccessPolicies: {
          [standard.id]: { RoleId: 3 },
          [other.id]: { RoleId: 3 },
          [readOnly.id]: { RoleId: 4 },
        },
      },
    });
    expect(policies.status, policies.text).toBe(200);
    // The administrator's volume (administrators only), the Standard user's own (private), and a public one.
    for (const [token, name] of [
      [env.admin, adminVolume],
      [standard.token, ownVolume],
    ] as const) {
      const r = await env.server.request('POST', docker('/volumes/create'), { token, body: { Name: name } });
      expect(r.status, r.text).toBe(201);
    }
    expect(
      await engine('POST', '/volumes/create', {
        Name: publicVolume,
        Labels: { 'io.portainer.accesscontrol.public': '' },
      }),
    ).toBe(201);
  });

  afterAll(async () => {
    agent?.proc.kill('SIGTERM');
    for (const name of [adminVolume, ownVolume, publicVolume])
      await engine('DELETE', `/volumes/${name}?force=1`).catch(() => undefined);
  });

  it('lets an administrator upload, list, download, rename and delete in a volume, and browse the host', async (ctx) => {
    if (!agent) return ctx.skip('the built agent (dist/apps/agent) is missing');
    expect(await volumeBrowse(env.admin)).toBe('write');
    const put = await upload(env.admin, adminVolume, '/docs', 'a.txt', 'hello from the admin');
    expect(put.status, put.text).toBe(204);
    let r = await env.server.request('GET', browse('ls', adminVolume, '/docs'), { token: env.admin });
    expect(r.status, r.text).toBe(200);
    const [entry] = r.body as Entry[];
    expect(entry).toMatchObject({ Name: 'a.txt', Size: 20, Dir: false });
    expect(entry?.ModTime).toBeGreaterThan(Date.now() / 1000 - 600);
    r = await env.server.request('GET', browse('get', adminVolume, '/docs/a.txt'), { token: env.admin });
    expect(r.status).toBe(200);
    expect(r.text).toBe('hello from the admin');
    r = await env.server.request('PUT', browse('rename', adminVolume), {
      token: env.admin,
      body: { CurrentFilePath: '/docs/a.txt', NewFilePath: '/docs/b.txt' },
    });
    expect(r.status, r.text).toBe(204);
    r = await env.server.request('DELETE', browse('delete', adminVolume, '/docs/b.txt'), {
      token: env.admin,
    });
    expect(r.status, r.text).toBe(204);
    r = await env.server.request('GET', browse('ls', adminVolume, '/docs'), { token: env.admin });
    expect(r.body).toEqual([]);
    // The v1 form names the volume in the path.
    r = await env.server.request('GET', docker(`/v1/browse/${adminVolume}/ls?path=/`), { token: env.admin });
    expect(r.status, r.text).toBe(200);
    expect(names(r.body)).toEqual(['docs']);
    // The host: the agent's whole file system (here the machine's own root) — once the environment's host
    // management features are on; before, the server refuses it (the agent is not asked).
    r = await env.server.request('GET', browse('ls', undefined, '/'), { token: env.admin });
    expectApiError(r, 403, /Host management features are disabled/);
    const hostOn = await env.server.request('PUT', `/api/endpoints/${envId}/settings`, {
      token: env.admin,
      body: { enableHostManagementFeatures: true },
    });
    expect(hostOn.status, hostOn.text).toBe(200);
    r = await env.server.request('GET', browse('ls', undefined, '/'), { token: env.admin });
    expect(r.status, r.text).toBe(200);
    expect(names(r.body)).toEqual(expect.arrayContaining(['etc', 'usr']));
  });

  it('refuses a Standard user while AllowVolumeBrowserForRegularUsers is off, naming the setting', async (ctx) => {
    if (!agent) return ctx.skip('the built agent (dist/apps/agent) is missing');
    await setting(false);
    expect(await volumeBrowse(standard.token)).toBe('none');
    const r = await env.server.request('GET', browse('ls', ownVolume, '/'), { token: standard.token });
    expectApiError(r, 403, /Volume browsing is disabled/);
    expect((r.body as { details: string }).details).toContain('AllowVolumeBrowserForRegularUsers');
    expect((await upload(standard.token, ownVolume, '/', 'x.txt', 'x')).status).toBe(403);
  });

  it('with the setting on, a Standard user works in their own volume only, never on the host', async (ctx) => {
    if (!agent) return ctx.skip('the built agent (dist/apps/agent) is missing');
    await setting(true);
    expect(await volumeBrowse(standard.token)).toBe('write');
    const put = await upload(standard.token, ownVolume, '/', 'notes.txt', 'mine');
    expect(put.status, put.text).toBe(204);
    let r = await env.server.request('GET', browse('ls', ownVolume, '/'), { token: standard.token });
    expect(r.status, r.text).toBe(200);
    expect(names(r.body)).toEqual(['notes.txt']);
    r = await env.server.request('GET', browse('get', ownVolume, '/notes.txt'), { token: standard.token });
    expect(r.text).toBe('mine');
    // Uploads truncate: a shorter file replaces the longer one whole.
    expect((await upload(standard.token, ownVolume, '/', 'notes.txt', 'ok')).status).toBe(204);
    r = await env.server.request('GET', browse('get', ownVolume, '/notes.txt'), { token: standard.token });
    expect(r.text).toBe('ok');
    // Someone else's volume (the administrator's), another user on this one, a volume that does not exist.
    r = await env.server.request('GET', browse('ls', adminVolume, '/'), { token: standard.token });
    expectApiError(r, 403, /Access denied/);
    expect((await upload(standard.token, adminVolume, '/', 'x.txt', 'x')).status).toBe(403);
    r = await env.server.request('GET', browse('ls', ownVolume, '/'), { token: other.token });
    expectApiError(r, 403, /Access denied/);
    r = await env.server.request('GET', docker(`/v1/browse/${ownVolume}/get?path=/notes.txt`), {
      token: other.token,
    });
    expect(r.status).toBe(403);
    r = await env.server.request('GET', browse('ls', uniqueName('nowhere'), '/'), { token: standard.token });
    expect(r.status).toBe(404);
    // The host stays for administrators, whatever the caller sends.
    r = await env.server.request('GET', browse('ls', undefined, '/'), {
      token: standard.token,
      headers: { [AGENT_HEADERS.browseHost]: '1' },
    });
    expectApiError(r, 403);
    expect((r.body as { details: string }).details).toMatch(/browse the host/);
  });

  it('lets a Read-only user list and download a volume they can see, never change it', async (ctx) => {
    if (!agent) return ctx.skip('the built agent (dist/apps/agent) is missing');
    await setting(true);
    expect(await volumeBrowse(readOnly.token)).toBe('read');
    expect((await upload(env.admin, publicVolume, '/', 'shared.txt', 'for everyone')).status).toBe(204);
    let r = await env.server.request('GET', browse('ls', publicVolume, '/'), { token: readOnly.token });
    expect(r.status, r.text).toBe(200);
    expect(names(r.body)).toEqual(['shared.txt']);
    r = await env.server.request('GET', browse('get', publicVolume, '/shared.txt'), {
      token: readOnly.token,
    });
    expect(r.text).toBe('for everyone');
    const put = await upload(readOnly.token, publicVolume, '/', 'mine.txt', 'no');
    expect(put.status).toBe(403);
    expect(put.body).toMatchObject({ details: expect.stringMatching(/Read-only/) as unknown });
    r = await env.server.request('DELETE', browse('delete', publicVolume, '/shared.txt'), {
      token: readOnly.token,
    });
    expectApiError(r, 403);
    r = await env.server.request('PUT', browse('rename', publicVolume), {
      token: readOnly.token,
      body: { CurrentFilePath: '/shared.txt', NewFilePath: '/x.txt' },
    });
    expectApiError(r, 403);
    // The Read-only user does not see the Standard user's private volume.
    r = await env.server.request('GET', browse('ls', ownVolume, '/'), { token: readOnly.token });
    expectApiError(r, 403);
  });

  it('passes traversal attempts to the agent, which refuses them with a 4xx (never a 500)', async (ctx) => {
    if (!agent) return ctx.skip('the built agent (dist/apps/agent) is missing');
    await setting(true);
    for (const token of [env.admin, standard.token]) {
      for (const path of ['../../../etc', '/../../etc/passwd', '..%2F..%2Fetc', '/a/../../..']) {
        const url = docker(`/v2/browse/ls?volumeID=${ownVolume}&path=${encodeURIComponent(path)}`);
        const r = await env.server.request('GET', url, { token });
        expect(r.status, `${path}: ${r.text}`).toBeGreaterThanOrEqual(400);
        expect(r.status, `${path}: ${r.text}`).toBeLessThan(500);
      }
      // Raw `..` in the query, and an upload into a directory outside the volume.
      const raw = await env.server.request(
        'GET',
        `${docker('/v2/browse/get')}?volumeID=${ownVolume}&path=../x`,
        {
          token,
        },
      );
      expect(raw.status).toBeGreaterThanOrEqual(400);
      expect(raw.status).toBeLessThan(500);
      const out = await upload(token, ownVolume, '../../../tmp', 'escape.txt', 'x');
      expect(out.status, out.text).toBeGreaterThanOrEqual(400);
      expect(out.status).toBeLessThan(500);
    }
    // A volume id that is no volume name at all.
    const bad = await env.server.request('GET', browse('ls', '../etc', '/'), { token: env.admin });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(bad.status).toBeLessThan(500);
    const badUser = await env.server.request('GET', browse('ls', '../etc', '/'), { token: standard.token });
    expect(badUser.status).toBeGreaterThanOrEqual(400);
    expect(badUser.status).toBeLessThan(500);
  });

  it('answers the Docker Hub limits route to every role (anonymous registry 0), 404 for other registries', async (ctx) => {
    if (!agent) return ctx.skip('the built agent (dist/apps/agent) is missing');
    // The server turns it into the agent's POST /v2/dockerhub (anonymous) for a Read-only user too.
    const r = await env.server.request('GET', docker('/v2/dockerhub/0'), { token: readOnly.token });
    // Offline here: the agent's own 502 'Unable to retrieve Docker Hub rate limits'; online: 200 {remaining, limit}.
    expect([200, 502], r.text).toContain(r.status);
    if (r.status === 502)
      expect(r.body).toMatchObject({ message: 'Unable to retrieve Docker Hub rate limits' });
    const missing = await env.server.request('GET', docker('/v2/dockerhub/7'), { token: readOnly.token });
    expectApiError(missing, 404, /registry/);
  });
});
