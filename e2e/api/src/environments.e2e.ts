import { existsSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, expectApiError, uniqueName, withAdminServer } from './support/fixtures';

const SOCKET = '/var/run/docker.sock';
const hasDocker = existsSync(SOCKET);
if (!hasDocker && process.env['CI'] === 'true')
  throw new Error(`CI needs a Docker engine on ${SOCKET} (tools/setup/docker.sh)`);

interface Env {
  Id: number;
  Name: string;
  URL: string;
  Status: number;
  GroupId: number;
  TagIds: number[];
  UserAccessPolicies: Record<string, { RoleId: number }>;
  CapstanAccess?: { RoleId: number; Permissions: string[] };
  Snapshots: {
    Time: number;
    DockerVersion: string;
    ContainerCount: number;
    ImageCount: number;
    IsPodman: boolean;
  }[];
  SecuritySettings: Record<string, boolean>;
}

/** A TCP front for the real Docker socket that the test can cut and restore: "the engine goes away". */
class SwitchableEngine {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  async up(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = createConnection(SOCKET);
      this.sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const drop = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
    await new Promise<void>((res) => this.server?.listen(this.port, '127.0.0.1', () => res()));
    this.port = (this.server.address() as { port: number }).port;
  }

  async down(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await new Promise<void>((res) => (this.server ? this.server.close(() => res()) : res()));
  }
}

function form(fields: Record<string, string>, files: Record<string, string> = {}): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  for (const [k, v] of Object.entries(files)) f.append(k, new Blob([v]), `${k}.pem`);
  return f;
}

describe.runIf(hasDocker)('environments on the real Docker engine', () => {
  const env = withAdminServer();
  const engine = new SwitchableEngine();

  beforeAll(async () => engine.up());
  afterAll(async () => engine.down());

  async function createEnv(fields: Record<string, string>, files: Record<string, string> = {}) {
    const r = await fetch(`${env.server.baseUrl}/api/endpoints`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${env.admin}` },
      body: form(fields, files),
    });
    const text = await r.text();
    return {
      status: r.status,
      headers: r.headers,
      body: JSON.parse(text) as Env & { message: string; details: string },
      text,
    };
  }
  const count = async () =>
    Number(
      (await env.server.request('GET', '/api/endpoints', { token: env.admin })).headers.get('x-total-count'),
    );

  it('adds the local socket with Portainer form fields and takes a first snapshot', async () => {
    const r = await createEnv({ Name: uniqueName('local'), EndpointCreationType: '1' });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({
      Type: 1,
      URL: 'unix:///var/run/docker.sock',
      GroupId: 1,
      Status: 1,
      TagIds: [],
    });
    expect(r.body.Snapshots).toHaveLength(1);
    expect(r.body.Snapshots[0].DockerVersion).toMatch(/^\d+\.\d+/);
    expect(r.body.Snapshots[0].IsPodman).toBe(false);
    expect(r.body.SecuritySettings['allowVolumeBrowserForRegularUsers']).toBe(false);
    expect(r.text).not.toContain('DockerSnapshotRaw');
  });

  it('tells administrators whether the local engine socket answers (first-run offer)', async () => {
    const r = await env.server.request<{ Available: boolean; URL: string; Engine: string; Version: string }>(
      'GET',
      '/api/endpoints/local-engine',
      { token: env.admin },
    );
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ Available: true, URL: 'unix:///var/run/docker.sock', Engine: 'docker' });
    expect(r.body.Version).toMatch(/^\d+\.\d+/);
    const user = await createUser(env.server, env.admin);
    expectApiError(
      await env.server.request('GET', '/api/endpoints/local-engine', { token: user.token }),
      403,
    );
  });

  it('refuses bad input with clear 4xx errors and stores nothing', async () => {
    const before = await count();
    const cases: [Record<string, string>, Record<string, string>, number, RegExp][] = [
      [{ EndpointCreationType: '1' }, {}, 400, /name/i],
      [{ Name: uniqueName('x') }, {}, 400, /type/i],
      [{ Name: uniqueName('x'), EndpointCreationType: '9' }, {}, 400, /type/i],
      [{ Name: uniqueName('x'), EndpointCreationType: '1', URL: 'ftp://example' }, {}, 400, /URL/],
      [{ Name: uniqueName('x'), EndpointCreationType: '1', URL: 'unix://relative/../x' }, {}, 400, /URL/],
      [{ Name: uniqueName('x'), EndpointCreationType: '1', URL: 'tcp://127.0.0.1:1' }, {}, 422, /reach/],
      [{ Name: uniqueName('x'), EndpointCreationType: '1', TLS: 'true' }, {}, 400, /TLS/],
      [
        {
          Name: uniqueName('x'),
          EndpointCreationType: '1',
          URL: `tcp://127.0.0.1:${engine.port}`,
          TLS: 'true',
        },
        { TLSCACertFile: 'not a certificate' },
        400,
        /TLS/,
      ],
      [{ Name: uniqueName('x'), EndpointCreationType: '1', GroupID: '999' }, {}, 400, /group/i],
      [{ Name: uniqueName('x'), EndpointCreationType: '1', TagIds: '[999]' }, {}, 400, /tag/i],
      [{ Name: uniqueName('x'), EndpointCreationType: '1', ContainerEngine: 'podman' }, {}, 400, /engine/i],
    ];
    for (const [fields, files, status, message] of cases) {
      const r = await createEnv(fields, files);
      expect(r.status, JSON.stringify(fields)).toBe(status);
      expect(typeof r.body.details).toBe('string');
      expect(r.body.message).toMatch(message);
    }
    const name = uniqueName('dup');
    expect((await createEnv({ Name: name, EndpointCreationType: '1' })).status).toBe(200);
    expect((await createEnv({ Name: name.toUpperCase(), EndpointCreationType: '1' })).status).toBe(409);
    expect(await count()).toBe(before + 1);
  });

  it('groups, tags, filters and paging', async () => {
    const tag = await env.server.request<{ ID: number }>('POST', '/api/tags', {
      token: env.admin,
      body: { name: uniqueName('prod') },
    });
    expect(tag.status).toBe(200);
    const group = await env.server.request<{ Id: number }>('POST', '/api/endpoint_groups', {
      token: env.admin,
      body: { Name: uniqueName('edge-sites'), Description: 'sites' },
    });
    expect(group.status).toBe(200);
    const a = await createEnv({
      Name: uniqueName('alpha'),
      EndpointCreationType: '1',
      GroupID: String(group.body.Id),
      TagIds: `[${tag.body.ID}]`,
    });
    const b = await createEnv({ Name: uniqueName('beta'), EndpointCreationType: '1' });
    expect(a.body.TagIds).toEqual([tag.body.ID]);

    const byTag = await env.server.request<Env[]>('GET', `/api/endpoints?tagIds=[${tag.body.ID}]`, {
      token: env.admin,
    });
    expect(byTag.body.map((e) => e.Id)).toEqual([a.body.Id]);
    const byGroup = await env.server.request<Env[]>('GET', `/api/endpoints?groupIds=${group.body.Id}`, {
      token: env.admin,
    });
    expect(byGroup.body.map((e) => e.Id)).toEqual([a.body.Id]);
    const bySearch = await env.server.request<Env[]>(
      'GET',
      `/api/endpoints?search=${b.body.Name.slice(0, 10)}`,
      { token: env.admin },
    );
    expect(bySearch.body.map((e) => e.Id)).toContain(b.body.Id);
    const paged = await env.server.request<Env[]>(
      'GET',
      '/api/endpoints?start=1&limit=1&sort=Name&excludeSnapshots=true',
      { token: env.admin },
    );
    expect(paged.body).toHaveLength(1);
    expect(paged.body[0].Snapshots).toEqual([]);
    expect(Number(paged.headers.get('x-total-count'))).toBeGreaterThan(1);
    expectApiError(await env.server.request('GET', '/api/endpoints?groupIds=[x]', { token: env.admin }), 400);

    // Deleting the group moves its environments to "Unassigned"; group 1 stays.
    expect(
      (await env.server.request('DELETE', `/api/endpoint_groups/${group.body.Id}`, { token: env.admin }))
        .status,
    ).toBe(204);
    expect(
      (await env.server.request<Env>('GET', `/api/endpoints/${a.body.Id}`, { token: env.admin })).body
        .GroupId,
    ).toBe(1);
    expectApiError(await env.server.request('DELETE', '/api/endpoint_groups/1', { token: env.admin }), 403);
    // Deleting the tag detaches it.
    expect(
      (await env.server.request('DELETE', `/api/tags/${tag.body.ID}`, { token: env.admin })).status,
    ).toBe(204);
    expect(
      (await env.server.request<Env>('GET', `/api/endpoints/${a.body.Id}`, { token: env.admin })).body.TagIds,
    ).toEqual([]);
  });

  it('shows regular users only the environments their policies (or their teams’) reach', async () => {
    const user = await createUser(env.server, env.admin);
    const mine = await createEnv({ Name: uniqueName('mine'), EndpointCreationType: '1' });
    const other = await createEnv({ Name: uniqueName('other'), EndpointCreationType: '1' });
    expect((await env.server.request<Env[]>('GET', '/api/endpoints', { token: user.token })).body).toEqual(
      [],
    );
    expectApiError(
      await env.server.request('GET', `/api/endpoints/${mine.body.Id}`, { token: user.token }),
      404,
    );
    expectApiError(
      await env.server.request('POST', '/api/tags', { token: user.token, body: { name: 'x' } }),
      403,
    );

    const grant = await env.server.request<Env>('PUT', `/api/endpoints/${mine.body.Id}`, {
      token: env.admin,
      body: { UserAccessPolicies: { [user.id]: { RoleId: 4 } } },
    });
    expect(grant.status).toBe(200);
    expect(grant.body.UserAccessPolicies).toEqual({ [String(user.id)]: { RoleId: 4 } });
    const visible = await env.server.request<Env[]>('GET', '/api/endpoints', { token: user.token });
    expect(visible.body.map((e) => e.Id)).toEqual([mine.body.Id]);
    expectApiError(
      await env.server.request('GET', `/api/endpoints/${other.body.Id}`, { token: user.token }),
      404,
    );

    // Through a team's policy on a group.
    const team = await env.server.request<{ Id: number }>('POST', '/api/teams', {
      token: env.admin,
      body: { name: uniqueName('ops'), teamLeaders: [] },
    });
    await env.server.request('POST', '/api/team_memberships', {
      token: env.admin,
      body: { userID: user.id, teamID: team.body.Id, role: 2 },
    });
    const group = await env.server.request<{ Id: number }>('POST', '/api/endpoint_groups', {
      token: env.admin,
      body: { Name: uniqueName('g'), AssociatedEndpoints: [other.body.Id] },
    });
    const policy = await env.server.request('PUT', `/api/endpoint_groups/${group.body.Id}`, {
      token: env.admin,
      body: { TeamAccessPolicies: { [team.body.Id]: { RoleId: 3 } } },
    });
    expect(policy.status).toBe(200);
    const both = await env.server.request<Env[]>('GET', '/api/endpoints', { token: user.token });
    expect(both.body.map((e) => e.Id).sort()).toEqual([mine.body.Id, other.body.Id].sort());
    // The caller's effective role travels with each environment (Capstan extension for the portal).
    const accessOf = (id: number) => both.body.find((e) => e.Id === id)?.CapstanAccess;
    expect(accessOf(mine.body.Id)?.RoleId).toBe(4);
    expect(accessOf(mine.body.Id)?.Permissions).toEqual(['environment:read', 'environment:resources:read']);
    expect(accessOf(other.body.Id)?.RoleId).toBe(3);
    expect(accessOf(other.body.Id)?.Permissions).toContain('environment:resources:create');
    expect(accessOf(other.body.Id)?.Permissions).not.toContain('environment:resources:manage-all');
    const asAdmin = await env.server.request<Env>('GET', `/api/endpoints/${other.body.Id}`, {
      token: env.admin,
    });
    expect(asAdmin.body.CapstanAccess?.RoleId).toBe(1);
    expect(asAdmin.body.CapstanAccess?.Permissions).toContain('environment:resources:manage-all');

    expectApiError(
      await env.server.request('PUT', `/api/endpoints/${mine.body.Id}`, {
        token: env.admin,
        body: { UserAccessPolicies: { [user.id]: { RoleId: 9 } } },
      }),
      400,
    );
    expectApiError(
      await env.server.request('PUT', `/api/endpoints/${mine.body.Id}`, {
        token: env.admin,
        body: { UserAccessPolicies: { 424242: { RoleId: 1 } } },
      }),
      400,
    );
  });

  it('goes down when the engine disappears, keeps its last snapshot, and comes back', async () => {
    const created = await createEnv({
      Name: uniqueName('remote'),
      EndpointCreationType: '1',
      URL: `tcp://127.0.0.1:${engine.port}`,
    });
    expect(created.status, created.text).toBe(200);
    const first = created.body.Snapshots[0];
    await engine.down();
    const failed = await env.server.request('POST', `/api/endpoints/${created.body.Id}/snapshot`, {
      token: env.admin,
    });
    expectApiError(failed, 503);
    const down = await env.server.request<Env>('GET', `/api/endpoints/${created.body.Id}`, {
      token: env.admin,
    });
    expect(down.body.Status).toBe(2);
    expect(down.body.Snapshots[0]).toEqual(first);
    // Browsing the down environment from its last snapshot (read-only).
    const browse = await env.server.request<{
      Snapshots: { DockerSnapshotRaw?: { Containers: unknown[]; Info: { ServerVersion?: string } } }[];
    }>('GET', `/api/endpoints/${created.body.Id}?withRaw=true`, { token: env.admin });
    expect(Array.isArray(browse.body.Snapshots[0].DockerSnapshotRaw?.Containers)).toBe(true);
    expect(browse.body.Snapshots[0].DockerSnapshotRaw?.Info.ServerVersion).toBe(first.DockerVersion);
    const plain = await env.server.request('GET', `/api/endpoints/${created.body.Id}`, { token: env.admin });
    expect(plain.text).not.toContain('DockerSnapshotRaw');
    const owner = await createUser(env.server, env.admin);
    await env.server.request('PUT', `/api/endpoints/${created.body.Id}`, {
      token: env.admin,
      body: { UserAccessPolicies: { [owner.id]: { RoleId: 3 } } },
    });
    expectApiError(
      await env.server.request('GET', `/api/endpoints/${created.body.Id}?withRaw=true`, {
        token: owner.token,
      }),
      403,
    );
    expect(
      (await env.server.request('GET', `/api/endpoints/${created.body.Id}`, { token: owner.token })).status,
    ).toBe(200);
    const downList = await env.server.request<Env[]>('GET', '/api/endpoints?status=2', { token: env.admin });
    expect(downList.body.map((e) => e.Id)).toContain(created.body.Id);

    await engine.up();
    const all = await env.server.request<{ environmentId: number; status: number }[]>(
      'POST',
      '/api/endpoints/snapshot',
      { token: env.admin },
    );
    expect(all.body.find((o) => o.environmentId === created.body.Id)?.status).toBe(1);
    expect(
      (await env.server.request<Env>('GET', `/api/endpoints/${created.body.Id}`, { token: env.admin })).body
        .Status,
    ).toBe(1);
  });

  it('updates security settings and deletes in batch', async () => {
    const a = await createEnv({ Name: uniqueName('s'), EndpointCreationType: '1' });
    const updated = await env.server.request<Env>('PUT', `/api/endpoints/${a.body.Id}/settings`, {
      token: env.admin,
      body: { allowBindMountsForRegularUsers: false, AllowPrivilegedModeForRegularUsers: false },
    });
    expect(updated.body.SecuritySettings).toMatchObject({
      allowBindMountsForRegularUsers: false,
      allowPrivilegedModeForRegularUsers: false,
      allowHostNamespaceForRegularUsers: true,
    });
    const batch = await env.server.request<{ deleted: number[]; errors: { id: number }[] }>(
      'DELETE',
      '/api/endpoints',
      {
        token: env.admin,
        body: { endpoints: [{ id: a.body.Id }, { id: 424242 }] },
      },
    );
    expect(batch.status).toBe(200);
    expect(batch.body.deleted).toEqual([a.body.Id]);
    expect(batch.body.errors.map((e) => e.id)).toEqual([424242]);
    expectApiError(await env.server.request('GET', `/api/endpoints/${a.body.Id}`, { token: env.admin }), 404);
  });
});
