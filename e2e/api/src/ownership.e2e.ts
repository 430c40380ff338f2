import { existsSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createUser,
  expectApiError,
  uniqueName,
  withAdminServer,
  type CreatedUser,
} from './support/fixtures';

const SOCKET = '/var/run/docker.sock';
const hasDocker = existsSync(SOCKET);
if (!hasDocker && process.env['CI'] === 'true')
  throw new Error(`CI needs a Docker engine on ${SOCKET} (tools/setup/docker.sh)`);
const IMAGE = 'capstan/busybox:local';

interface RC {
  Id: number;
  ResourceId: string;
  Type: number;
  UserAccesses: { UserId: number }[];
  TeamAccesses: { TeamId: number }[];
  Public: boolean;
  AdministratorsOnly: boolean;
  System: boolean;
}
interface Decorated {
  Id?: string;
  Name?: string;
  Portainer?: { ResourceControl?: RC };
}

/** The engine itself, bypassing Capstan: resources created "outside" (compose, the CLI). */
function engine(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = httpRequest(
      {
        socketPath: SOCKET,
        method,
        path,
        headers: data ? { 'content-type': 'application/json', 'content-length': data.length } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : undefined });
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

describe.runIf(hasDocker)('ownership (resource controls) through the Docker proxy', () => {
  const env = withAdminServer();
  let envId = 0;
  let alice: CreatedUser;
  let bob: CreatedUser;
  let carol: CreatedUser;
  let devTeam = { id: 0, name: '' };
  const created: string[] = [];
  const volumes: string[] = [];
  const docker = (path: string) => `/api/endpoints/${envId}/docker${path}`;
  const as = (user: { token: string } | string) => (typeof user === 'string' ? user : user.token);
  const call = <T = unknown>(
    method: string,
    path: string,
    user: { token: string } | string,
    body?: unknown,
  ) => env.server.request<T>(method, docker(path), { token: as(user), body });
  const ids = async (user: { token: string } | string) =>
    (await call<Decorated[]>('GET', '/containers/json?all=1', user)).body.map((c) => c.Id);
  const createContainer = async (user: { token: string } | string, extra: Record<string, unknown> = {}) => {
    const r = await call<Decorated>('POST', '/containers/create', user, {
      Image: IMAGE,
      Cmd: ['sleep', '300'],
      ...extra,
    });
    if (r.status === 201 && r.body.Id) created.push(r.body.Id);
    return r;
  };

  beforeAll(async () => {
    const f = new FormData();
    f.append('Name', uniqueName('own'));
    f.append('EndpointCreationType', '1');
    const r = await fetch(`${env.server.baseUrl}/api/endpoints`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${env.admin}` },
      body: f,
    });
    envId = ((await r.json()) as { Id: number }).Id;
    [alice, bob, carol] = [
      await createUser(env.server, env.admin),
      await createUser(env.server, env.admin),
      await createUser(env.server, env.admin),
    ];
    const team = await env.server.request<{ Id: number; Name: string }>('POST', '/api/teams', {
      token: env.admin,
      body: { name: uniqueName('dev'), teamLeaders: [] },
    });
    devTeam = { id: team.body.Id, name: team.body.Name };
    await env.server.request('POST', '/api/team_memberships', {
      token: env.admin,
      body: { userID: bob.id, teamID: devTeam.id, role: 2 },
    });
    const policies = await env.server.request('PUT', `/api/endpoints/${envId}`, {
      token: env.admin,
      body: {
        UserAccessPolicies: { [alice.id]: { RoleId: 3 }, [bob.id]: { RoleId: 3 }, [carol.id]: { RoleId: 4 } },
      },
    });
    expect(policies.status).toBe(200);
  });

  afterAll(async () => {
    for (const id of created) await engine('DELETE', `/containers/${id}?force=1`);
    for (const name of volumes) await engine('DELETE', `/volumes/${name}?force=1`);
  });

  it('makes a created container private to its creator, filters lists and inspects, and checks operations', async () => {
    const mine = await createContainer(alice);
    expect(mine.status).toBe(201);
    const rc = mine.body.Portainer?.ResourceControl;
    expect(rc).toMatchObject({ ResourceId: mine.body.Id, Type: 1, Public: false, AdministratorsOnly: false });
    expect(rc?.UserAccesses.map((u) => u.UserId)).toEqual([alice.id]);

    expect(await ids(alice)).toContain(mine.body.Id);
    expect(await ids(bob)).not.toContain(mine.body.Id);
    expect(await ids(carol)).not.toContain(mine.body.Id);
    // Administrators see everything, decorated.
    const adminList = await call<Decorated[]>('GET', '/containers/json?all=1', env.admin);
    expect(adminList.body.find((c) => c.Id === mine.body.Id)?.Portainer?.ResourceControl?.Id).toBe(rc?.Id);

    const id = mine.body.Id ?? '';
    const inspected = await call<Decorated>('GET', `/containers/${id}/json`, alice);
    expect(inspected.status).toBe(200);
    expect(inspected.body.Portainer?.ResourceControl?.Id).toBe(rc?.Id);
    expectApiError(await call('GET', `/containers/${id}/json`, bob), 403, /Access denied/);
    expectApiError(await call('POST', `/containers/${id}/start`, bob), 403);
    expectApiError(await call('GET', `/containers/${id}/logs?stdout=1`, bob), 403);
    expectApiError(await call('POST', `/containers/${id}/exec`, bob, { Cmd: ['true'] }), 403);
    expectApiError(await call('DELETE', `/containers/${id}?force=1`, bob), 403);
    // By name or short id too: the proxy resolves the resource before deciding.
    expectApiError(await call('POST', `/containers/${id.slice(0, 12)}/kill`, bob), 403);

    expect((await call('POST', `/containers/${id}/start`, alice)).status).toBe(204);
    const exec = await call<{ Id: string }>('POST', `/containers/${id}/exec`, alice, {
      Cmd: ['true'],
      AttachStdout: true,
    });
    expect(exec.status).toBe(201);
    // An exec belongs to its container's owner.
    expectApiError(await call('GET', `/exec/${exec.body.Id}/json`, bob), 403);
    expect((await call('GET', `/exec/${exec.body.Id}/json`, alice)).status).toBe(200);
    // Read-only users never change anything, even what is public.
    expectApiError(await call('POST', `/containers/${id}/stop`, carol), 403);
  });

  it('changes ownership: public, restricted to a team, with the rules for regular users', async () => {
    const c = await createContainer(alice);
    const rc = c.body.Portainer?.ResourceControl as RC;
    const put = (user: { token: string } | string, body: unknown) =>
      env.server.request<RC>('PUT', `/api/resource_controls/${rc.Id}`, { token: as(user), body });

    // Bob holds nothing on it; Alice may not give it to a team she is not in, nor to administrators only.
    expectApiError(await put(bob, { Public: true }), 403);
    expectApiError(await put(alice, { Teams: [devTeam.id] }), 403, /Access denied/);
    expectApiError(await put(alice, { AdministratorsOnly: true }), 403);
    expectApiError(await put(alice, { Users: [alice.id, bob.id] }), 403);
    expectApiError(await put(alice, { Public: true, AdministratorsOnly: true }), 400, /Invalid ownership/);
    expectApiError(await put(alice, {}), 400, /Invalid ownership/);

    const made = await put(alice, { Public: true });
    expect(made.status, made.text).toBe(200);
    expect(made.body).toMatchObject({ Id: rc.Id, Public: true, UserAccesses: [] });
    expect(await ids(bob)).toContain(c.body.Id);
    expect(await ids(carol)).toContain(c.body.Id);
    // Public resources can be operated by any user who may change things.
    expect((await call('POST', `/containers/${c.body.Id}/start`, bob)).status).toBe(204);

    const team = await put(env.admin, { Teams: [devTeam.id] });
    expect(team.status).toBe(200);
    expect(await ids(bob)).toContain(c.body.Id);
    expect(await ids(alice)).not.toContain(c.body.Id);
    const unknown = await put(env.admin, { Users: [987654] });
    expectApiError(unknown, 400, /Invalid ownership/);
    expect((unknown.body as unknown as { details: string }).details).toMatch(/Unknown user id 987654/);

    const admins = await put(env.admin, { AdministratorsOnly: true });
    expect(admins.body.AdministratorsOnly).toBe(true);
    expect(await ids(bob)).not.toContain(c.body.Id);
    expectApiError(await put(bob, { Public: true }), 403);
  });

  it('inherits ownership through compose projects, services and access-control labels', async () => {
    const project = uniqueName('proj');
    const stack = await env.server.request<RC>('POST', '/api/resource_controls', {
      token: env.admin,
      body: { ResourceID: `${envId}_${project}`, Type: 6, Users: [alice.id], EndpointID: envId },
    });
    expect(stack.status, stack.text).toBe(200);
    expectApiError(
      await env.server.request('POST', '/api/resource_controls', {
        token: env.admin,
        body: { ResourceID: `${envId}_${project}`, Type: 'stack', Users: [alice.id], EndpointID: envId },
      }),
      409,
    );
    expectApiError(
      await env.server.request('POST', '/api/resource_controls', {
        token: alice.token,
        body: { ResourceID: 'x', Type: 1, Public: true },
      }),
      403,
    );
    expectApiError(
      await env.server.request('POST', '/api/resource_controls', {
        token: env.admin,
        body: { ResourceID: 'x', Type: 42, Public: true },
      }),
      400,
      /type/,
    );

    const outside = async (labels: Record<string, string>) => {
      const r = await engine('POST', '/containers/create', { Image: IMAGE, Cmd: ['true'], Labels: labels });
      expect(r.status).toBe(201);
      const id = (r.body as { Id: string }).Id;
      created.push(id);
      return id;
    };
    const composed = await outside({ 'com.docker.compose.project': project });
    const forAlice = await outside({
      'io.portainer.accesscontrol.users': `${alice.username},nobody-${project}`,
    });
    const forTeam = await outside({ 'io.portainer.accesscontrol.teams': devTeam.name });
    const open = await outside({ 'io.portainer.accesscontrol.public': '' });
    const nobody = await outside({});

    const aliceSees = await ids(alice);
    const bobSees = await ids(bob);
    expect(aliceSees).toEqual(expect.arrayContaining([composed, forAlice, open]));
    expect(aliceSees).not.toContain(forTeam);
    expect(bobSees).toEqual(expect.arrayContaining([forTeam, open]));
    expect(bobSees).not.toContain(composed);
    expect(bobSees).not.toContain(forAlice);
    for (const list of [aliceSees, bobSees]) expect(list).not.toContain(nobody);
    const decorated = (await call<Decorated[]>('GET', '/containers/json?all=1', alice)).body.find(
      (c) => c.Id === composed,
    );
    expect(decorated?.Portainer?.ResourceControl?.Id).toBe(stack.body.Id);
    // The inherited control also decides operations.
    expect((await call('POST', `/containers/${composed}/start`, alice)).status).toBe(204);
    expectApiError(await call('POST', `/containers/${composed}/stop`, bob), 403);
  });

  it('owns volumes too, shows system networks to everyone, keeps prune for administrators, drops controls with their resource', async () => {
    const name = uniqueName('ownvol');
    volumes.push(name);
    const vol = await call<Decorated>('POST', '/volumes/create', alice, { Name: name });
    expect(vol.status).toBe(201);
    expect(vol.body.Portainer?.ResourceControl?.UserAccesses.map((u) => u.UserId)).toEqual([alice.id]);
    const names = async (user: CreatedUser) =>
      (await call<{ Volumes: Decorated[] }>('GET', '/volumes', user)).body.Volumes.map((v) => v.Name);
    expect(await names(alice)).toContain(name);
    expect(await names(bob)).not.toContain(name);
    expectApiError(await call('DELETE', `/volumes/${name}`, bob), 403);

    const networks = await call<Decorated[]>('GET', '/networks', bob);
    const bridge = networks.body.find((n) => n.Name === 'bridge');
    expect(bridge?.Portainer?.ResourceControl).toMatchObject({ Public: true, System: true });
    expectApiError(await call('POST', '/volumes/prune', alice), 403);

    const rcId = vol.body.Portainer?.ResourceControl?.Id;
    expect((await call('DELETE', `/volumes/${name}`, alice)).status).toBe(204);
    // The control went with the volume.
    expectApiError(
      await env.server.request('PUT', `/api/resource_controls/${rcId}`, {
        token: env.admin,
        body: { Public: true },
      }),
      404,
    );
  });

  it("refuses containers that reach into others' containers, volumes and networks", async () => {
    const theirs = await createContainer(alice);
    const theirVolume = uniqueName('alicevol');
    volumes.push(theirVolume);
    expect((await call('POST', '/volumes/create', alice, { Name: theirVolume })).status).toBe(201);
    const theirNetwork = await call<{ Id: string }>('POST', '/networks/create', alice, {
      Name: uniqueName('alicenet'),
    });
    expect(theirNetwork.status).toBe(201);
    try {
      const id = theirs.body.Id ?? '';
      for (const host of [
        { VolumesFrom: [id] },
        { NetworkMode: `container:${id}` },
        { PidMode: `container:${id}` },
        { Binds: [`${theirVolume}:/data`] },
        { Mounts: [{ Type: 'volume', Source: theirVolume, Target: '/data' }] },
        { NetworkMode: theirNetwork.body.Id },
      ]) {
        expectApiError(await createContainer(bob, { HostConfig: host }), 403, /Access denied/);
      }
      // A volume that does not exist yet is created for the caller, and is theirs.
      const fresh = uniqueName('bobvol');
      volumes.push(fresh);
      expect((await createContainer(bob, { HostConfig: { Binds: [`${fresh}:/data`] } })).status).toBe(201);
      const bobVolumes = (await call<{ Volumes: Decorated[] }>('GET', '/volumes', bob)).body.Volumes;
      expect(bobVolumes.map((v) => v.Name)).toContain(fresh);
      // Alice cannot pull Bob's container into her network either.
      const bobs = await createContainer(bob);
      expectApiError(
        await call('POST', `/networks/${theirNetwork.body.Id}/connect`, alice, { Container: bobs.body.Id }),
        403,
      );
    } finally {
      await engine('DELETE', `/networks/${theirNetwork.body.Id}`);
    }
  });

  it("enforces the environment's security toggles on create for regular users", async () => {
    const settings = await env.server.request('PUT', `/api/endpoints/${envId}/settings`, {
      token: env.admin,
      body: {
        allowPrivilegedModeForRegularUsers: false,
        allowBindMountsForRegularUsers: false,
        allowHostNamespaceForRegularUsers: false,
        allowContainerCapabilitiesForRegularUsers: false,
      },
    });
    expect(settings.status, settings.text).toBe(200);
    // Other suites create containers on the same engine meanwhile: refused creations carry a marker to look for.
    const marker = uniqueName('refused');
    const refused = (host: Record<string, unknown>) =>
      createContainer(alice, { HostConfig: host, Labels: { 'test.capstan.refused': marker } });
    expectApiError(await refused({ Privileged: true }), 403, /privileged/);
    expectApiError(await refused({ Binds: ['/etc:/host-etc:ro'] }), 403, /bind/);
    expectApiError(await refused({ Mounts: [{ Type: 'bind', Source: '/', Target: '/h' }] }), 403, /bind/);
    expectApiError(await refused({ PidMode: 'host' }), 403, /pid/);
    expectApiError(await refused({ CapAdd: ['NET_ADMIN'] }), 403, /capabilities/);
    // A privileged exec is refused too.
    const running = await createContainer(alice);
    expect((await call('POST', `/containers/${running.body.Id}/start`, alice)).status).toBe(204);
    expectApiError(
      await call('POST', `/containers/${running.body.Id}/exec`, alice, { Cmd: ['id'], Privileged: true }),
      403,
      /privileged/,
    );
    expect((await call('POST', `/containers/${running.body.Id}/exec`, alice, { Cmd: ['id'] })).status).toBe(
      201,
    );
    // Nothing was created by the refused calls.
    const leftovers = await engine(
      'GET',
      `/containers/json?all=1&filters=${encodeURIComponent(JSON.stringify({ label: [`test.capstan.refused=${marker}`] }))}`,
    );
    expect(leftovers.body).toEqual([]);
    // A named volume is not a bind mount; administrators are not regular users.
    const named = uniqueName('named');
    volumes.push(named); // made by the engine with the container, removed by afterAll
    expect((await createContainer(alice, { HostConfig: { Binds: [`${named}:/data`] } })).status).toBe(201);
    expect((await createContainer(env.admin, { HostConfig: { Privileged: true } })).status).toBe(201);
  });
});
