import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, expectApiError, uniqueName, withAdminServer } from './support/fixtures';

const SOCKET = '/var/run/docker.sock';
const PODMAN = '/run/podman/podman.sock';
const PLUGIN = '/usr/local/lib/docker/cli-plugins/docker-compose';
const hasDocker = existsSync(SOCKET);
const hasCompose = existsSync(PLUGIN);
if ((!hasDocker || !hasCompose) && process.env['CI'] === 'true')
  throw new Error(`CI needs dockerd on ${SOCKET} and docker compose at ${PLUGIN} (tools/setup/docker.sh, compose.sh)`);
if (!hasCompose) console.warn(`stacks.e2e: skipped — ${PLUGIN} missing (run tools/setup/compose.sh)`);
const IMAGE = 'capstan/busybox:local';

/** A compose file of `n` busybox services that sleep, with an env var echoed into a label. */
function composeFile(n = 1, extra = ''): string {
  const services = Array.from(
    { length: n },
    (_, i) => `  s${i}:\n    image: ${IMAGE}\n    command: ["sleep", "3600"]\n    stop_grace_period: 1s\n    labels:\n      greeting: "\${GREETING:-none}"\n${extra}`,
  ).join('');
  return `services:\n${services}`;
}

/** Containers of a compose project on a socket and their `greeting` label, as the engine has them. */
function projectContainers(socket: string, project: string): { name: string; label: string }[] {
  const docker = (...args: string[]) => execFileSync('docker', ['-H', `unix://${socket}`, ...args], { encoding: 'utf8' });
  const ids = docker('ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`).split('\n').filter(Boolean);
  if (ids.length === 0) return [];
  const inspected = JSON.parse(docker('inspect', ...ids)) as { Name: string; Config: { Labels: Record<string, string> } }[];
  return inspected
    .map((c) => ({ name: c.Name.replace(/^\//, ''), label: c.Config.Labels['greeting'] ?? '' }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function composeDown(socket: string, project: string): void {
  try {
    execFileSync('docker', ['-H', `unix://${socket}`, 'compose', '-p', project, 'down', '--remove-orphans'], { stdio: 'ignore' });
  } catch {
    // already gone
  }
}

describe.runIf(hasDocker && hasCompose)('Stacks (real docker compose on the real engines)', () => {
  const env = withAdminServer();
  let envId = 0;
  const projects: [string, string][] = [];

  const addEnvironment = async (url?: string): Promise<number> => {
    const f = new FormData();
    f.append('Name', uniqueName('stacks'));
    f.append('EndpointCreationType', '1');
    if (url) {
      f.append('URL', url);
      f.append('ContainerEngine', 'podman');
    }
    const r = await fetch(`${env.server.baseUrl}/api/endpoints`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${env.admin}` },
      body: f,
    });
    expect(r.status).toBe(200);
    return ((await r.json()) as { Id: number }).Id;
  };

  const createStack = (body: unknown, endpoint = envId, token = env.admin) =>
    env.server.request<{ Id: number; Name: string; Status: number; Type: number; ResourceControl?: { Type: number; ResourceId: string }; message?: string; details?: string }>(
      'POST',
      `/api/stacks/create/standalone/string?endpointId=${endpoint}`,
      { token, body },
    );

  beforeAll(async () => {
    envId = await addEnvironment();
  });
  afterAll(() => {
    for (const [socket, p] of projects) composeDown(socket, p);
  });

  it('deploys a compose stack, lists, inspects, updates (new version kept), stops, starts and deletes it', async () => {
    const name = uniqueName('St');
    const project = name.toLowerCase();
    projects.push([SOCKET, project]);
    const created = await createStack({
      name,
      stackFileContent: composeFile(2),
      env: [{ name: 'GREETING', value: 'hello $HOME\nsecond line' }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body.Name).toBe(project);
    expect(created.body.Type).toBe(2);
    expect(created.body.Status).toBe(1);
    expect(created.body.ResourceControl).toMatchObject({ Type: 6, ResourceId: `${envId}_${project}` });
    const running = projectContainers(SOCKET, project);
    expect(running).toHaveLength(2);
    // The value reached compose as it is: no shell, no second interpolation.
    expect(running.map((c) => c.label)).toEqual(['hello $HOME\nsecond line', 'hello $HOME\nsecond line']);

    const id = created.body.Id;
    const list = await env.server.request<{ Id: number; External?: boolean; Name: string }[]>(
      'GET',
      `/api/stacks?filters=${encodeURIComponent(JSON.stringify({ EndpointID: envId }))}`,
      { token: env.admin },
    );
    expect(list.status).toBe(200);
    expect(list.body.find((s) => s.Id === id)?.Name).toBe(project);

    const file = await env.server.request<{ StackFileContent: string }>('GET', `/api/stacks/${id}/file`, { token: env.admin });
    expect(file.body.StackFileContent).toBe(composeFile(2));

    const updated = await env.server.request<{ Id: number }>('PUT', `/api/stacks/${id}?endpointId=${envId}`, {
      token: env.admin,
      body: { StackFileContent: composeFile(1), Env: [{ name: 'GREETING', value: 'v2' }], Prune: true },
    });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(projectContainers(SOCKET, project).map((c) => c.label)).toEqual(['v2']);
    const versions = await env.server.request<{ Versions: number[]; Current: number }>('GET', `/api/stacks/${id}/versions`, { token: env.admin });
    expect(versions.body).toEqual({ Versions: [1, 2], Current: 2 });
    const v1 = await env.server.request<{ StackFileContent: string }>('GET', `/api/stacks/${id}/file?version=1`, { token: env.admin });
    expect(v1.body.StackFileContent).toBe(composeFile(2));

    const stop = await env.server.request<{ Status: number }>('POST', `/api/stacks/${id}/stop?endpointId=${envId}`, { token: env.admin });
    expect(stop.status).toBe(200);
    expect(stop.body.Status).toBe(2);
    expect(projectContainers(SOCKET, project)).toHaveLength(0);
    const start = await env.server.request<{ Status: number }>('POST', `/api/stacks/${id}/start?endpointId=${envId}`, { token: env.admin });
    expect(start.status).toBe(200);
    expect(projectContainers(SOCKET, project)).toHaveLength(1);

    const del = await env.server.request('DELETE', `/api/stacks/${id}?endpointId=${envId}`, { token: env.admin });
    expect(del.status).toBe(204);
    expect(projectContainers(SOCKET, project)).toHaveLength(0);
    const gone = await env.server.request('GET', `/api/stacks/${id}`, { token: env.admin });
    expectApiError(gone, 404);
  });

  it('refuses bad input without leaving a record: YAML, unknown keys, names, ids, size, env names', async () => {
    const name = uniqueName('bad');
    expectApiError(await createStack({ Name: name, StackFileContent: 'services: [unclosed' }), 400, /Invalid stack file/);
    expectApiError(await createStack({ Name: name, StackFileContent: `${composeFile(1)}    no_such_key: 1\n` }), 400, /Invalid stack file/);
    expectApiError(await createStack({ Name: '---', StackFileContent: composeFile(1) }), 400, /Invalid stack name/);
    expectApiError(await createStack({ Name: name, StackFileContent: composeFile(1) }, 999999), 404);
    expectApiError(await createStack({ Name: name, StackFileContent: composeFile(1), Env: [{ name: 'A B', value: 'x' }] }), 400, /Env/);
    const huge = await createStack({ Name: name, StackFileContent: `# ${'x'.repeat(1024 * 1024 + 10)}\n${composeFile(1)}` });
    expect([413]).toContain(huge.status);
    expectApiError(await env.server.request('GET', '/api/stacks/999999', { token: env.admin }), 404);
    expectApiError(await env.server.request('PUT', '/api/stacks/999999', { token: env.admin, body: { StackFileContent: composeFile(1) } }), 404);
    expectApiError(await env.server.request('GET', '/api/stacks?filters=nope', { token: env.admin }), 400);
    const list = await env.server.request<{ Name: string }[]>('GET', '/api/stacks', { token: env.admin });
    expect(list.body.some((s) => s.Name === name)).toBe(false);
  });

  it('refuses a duplicate name and the name of a compose project made outside Capstan, which is listed as external', async () => {
    const name = uniqueName('dup');
    projects.push([SOCKET, name]);
    expect((await createStack({ Name: name, StackFileContent: composeFile(1) })).status).toBe(200);
    expectApiError(await createStack({ Name: name.toUpperCase(), StackFileContent: composeFile(1) }), 409, /already exists/);

    const outside = uniqueName('outside');
    projects.push([SOCKET, outside]);
    execFileSync('docker', ['-H', `unix://${SOCKET}`, 'compose', '-p', outside, '-f', '-', 'up', '-d'], {
      input: composeFile(1),
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    expectApiError(await createStack({ Name: outside, StackFileContent: composeFile(1) }), 409, /already exists/);
    const list = await env.server.request<{ Name: string; External?: boolean; Id: number }[]>(
      'GET',
      `/api/stacks?filters=${encodeURIComponent(JSON.stringify({ EndpointID: envId }))}`,
      { token: env.admin },
    );
    expect(list.body.find((s) => s.Name === outside)).toMatchObject({ External: true, Id: 0 });
    const del = await env.server.request('DELETE', `/api/stacks/${outside}?external=true&endpointId=${envId}`, { token: env.admin });
    expect(del.status).toBe(204);
    expect(projectContainers(SOCKET, outside)).toHaveLength(0);
  });

  it("enforces the environment's security toggles and stack management for a Standard user", async () => {
    const user = await createUser(env.server, env.admin);
    const access = await env.server.request('PUT', `/api/endpoints/${envId}`, {
      token: env.admin,
      body: { UserAccessPolicies: { [user.id]: { RoleId: 3 } } },
    });
    expect(access.status, access.text).toBe(200);
    const settings = await env.server.request('PUT', `/api/endpoints/${envId}/settings`, {
      token: env.admin,
      body: { allowBindMountsForRegularUsers: false },
    });
    expect(settings.status, settings.text).toBe(200);
    const bind = composeFile(1, '    volumes:\n      - /etc:/host-etc:ro\n');
    expectApiError(await createStack({ Name: uniqueName('bind'), StackFileContent: bind }, envId, user.token), 403, /bind mounts/);
    // The administrator is not limited by the toggles.
    const adminName = uniqueName('bindadmin');
    projects.push([SOCKET, adminName]);
    expect((await createStack({ Name: adminName, StackFileContent: bind })).status).toBe(200);
    // The user's own stack is private to them: another Standard user does not see it.
    const mine = uniqueName('mine');
    projects.push([SOCKET, mine]);
    const made = await createStack({ Name: mine, StackFileContent: composeFile(1) }, envId, user.token);
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    const other = await createUser(env.server, env.admin);
    await env.server.request('PUT', `/api/endpoints/${envId}`, {
      token: env.admin,
      body: { UserAccessPolicies: { [user.id]: { RoleId: 3 }, [other.id]: { RoleId: 3 } } },
    });
    expectApiError(await env.server.request('GET', `/api/stacks/${made.body.Id}`, { token: other.token }), 404);
    expect((await env.server.request('GET', `/api/stacks/${made.body.Id}`, { token: user.token })).status).toBe(200);
    await env.server.request('PUT', `/api/endpoints/${envId}/settings`, {
      token: env.admin,
      body: { allowStackManagementForRegularUsers: false },
    });
    const refused = await createStack({ Name: uniqueName('nomgmt'), StackFileContent: composeFile(1) }, envId, user.token);
    expectApiError(refused, 403);
    expect(refused.body.details).toMatch(/Stack management is disabled/);
  });

  it('serialises two concurrent updates of one stack and answers both', async () => {
    const name = uniqueName('conc');
    projects.push([SOCKET, name]);
    const created = await createStack({ Name: name, StackFileContent: composeFile(1) });
    expect(created.status).toBe(200);
    const put = (value: string) =>
      env.server.request<{ FileVersion: number }>('PUT', `/api/stacks/${created.body.Id}`, {
        token: env.admin,
        body: { StackFileContent: composeFile(1), Env: [{ name: 'GREETING', value }] },
      });
    const [a, b] = await Promise.all([put('a'), put('b')]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect([a.body.FileVersion, b.body.FileVersion].sort()).toEqual([2, 3]);
    const last = a.body.FileVersion === 3 ? 'a' : 'b';
    expect(projectContainers(SOCKET, name).map((c) => c.label)).toEqual([last]);
  });

  it.runIf(existsSync(PODMAN))('deploys a compose stack on Podman', async () => {
    const podmanEnv = await addEnvironment(`unix://${PODMAN}`);
    const name = uniqueName('pod');
    projects.push([PODMAN, name]);
    const body = { Name: name, StackFileContent: composeFile(1).replace(IMAGE, `localhost/${IMAGE}`) };
    const created = await createStack(body, podmanEnv);
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(projectContainers(PODMAN, name)).toHaveLength(1);
    const del = await env.server.request('DELETE', `/api/stacks/${created.body.Id}`, { token: env.admin });
    expect(del.status).toBe(204);
    expect(projectContainers(PODMAN, name)).toHaveLength(0);
  });
});
