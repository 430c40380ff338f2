import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  ADMIN_PASSWORD,
  addSocketEnvironment,
  createUser,
  expectApiError,
  uniqueName,
  withAdminServer,
} from './support/fixtures';

const SOCKET = '/var/run/docker.sock';
const PODMAN = '/run/podman/podman.sock';
const PLUGIN = '/usr/local/lib/docker/cli-plugins/docker-compose';
const hasDocker = existsSync(SOCKET);
const hasCompose = existsSync(PLUGIN);
if ((!hasDocker || !hasCompose) && process.env['CI'] === 'true')
  throw new Error(
    `CI needs dockerd on ${SOCKET} and docker compose at ${PLUGIN} (tools/setup/docker.sh, compose.sh)`,
  );
if (!hasCompose) console.warn(`stacks.e2e: skipped — ${PLUGIN} missing (run tools/setup/compose.sh)`);
const IMAGE = 'capstan/busybox:local';

/** A compose file of `n` busybox services that sleep, with an env var echoed into a label. */
function composeFile(n = 1, extra = ''): string {
  const services = Array.from(
    { length: n },
    (_, i) =>
      `  s${i}:\n    image: ${IMAGE}\n    command: ["sleep", "3600"]\n    stop_grace_period: 1s\n    labels:\n      greeting: "\${GREETING:-none}"\n${extra}`,
  ).join('');
  return `services:\n${services}`;
}

/** Containers of a compose project on a socket and their `greeting` label, as the engine has them. */
function projectContainers(socket: string, project: string): { name: string; label: string }[] {
  const docker = (...args: string[]) =>
    execFileSync('docker', ['-H', `unix://${socket}`, ...args], { encoding: 'utf8' });
  // A container may go between the listing and the inspect while compose works: list again then.
  let inspected: { Name: string; Config: { Labels: Record<string, string> } }[] = [];
  for (let attempt = 1; ; attempt++) {
    const ids = docker('ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`)
      .split('\n')
      .filter(Boolean);
    if (ids.length === 0) return [];
    try {
      inspected = JSON.parse(docker('inspect', ...ids)) as typeof inspected;
      break;
    } catch (e) {
      if (attempt >= 5) throw e;
    }
  }
  return inspected
    .map((c) => ({ name: c.Name.replace(/^\//, ''), label: c.Config.Labels['greeting'] ?? '' }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function composeDown(socket: string, project: string): void {
  try {
    execFileSync('docker', ['-H', `unix://${socket}`, 'compose', '-p', project, 'down', '--remove-orphans'], {
      stdio: 'ignore',
    });
  } catch {
    // already gone
  }
}

describe.runIf(hasDocker && hasCompose)(
  'Stacks (real docker compose on the real engines)',
  { timeout: 240_000 },
  () => {
    const env = withAdminServer();
    let envId = 0;
    const projects: [string, string][] = [];

    const addEnvironment = (url?: string): Promise<number> =>
      addSocketEnvironment(
        env.server,
        env.admin,
        url ? { url, engine: 'podman', name: uniqueName('stacks') } : {},
      );

    const createStack = (body: unknown, endpoint = envId, token = env.admin) =>
      env.server.request<{
        Id: number;
        Name: string;
        Status: number;
        Type: number;
        ResourceControl?: { Type: number; ResourceId: string };
        message?: string;
        details?: string;
      }>('POST', `/api/stacks/create/standalone/string?endpointId=${endpoint}`, { token, body });

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

      const file = await env.server.request<{ StackFileContent: string }>('GET', `/api/stacks/${id}/file`, {
        token: env.admin,
      });
      expect(file.body.StackFileContent).toBe(composeFile(2));

      const updated = await env.server.request<{ Id: number }>(
        'PUT',
        `/api/stacks/${id}?endpointId=${envId}`,
        {
          token: env.admin,
          body: { StackFileContent: composeFile(1), Env: [{ name: 'GREETING', value: 'v2' }], Prune: true },
        },
      );
      expect(updated.status, JSON.stringify(updated.body)).toBe(200);
      expect(projectContainers(SOCKET, project).map((c) => c.label)).toEqual(['v2']);
      const versions = await env.server.request<{ Versions: number[]; Current: number }>(
        'GET',
        `/api/stacks/${id}/versions`,
        { token: env.admin },
      );
      expect(versions.body).toEqual({ Versions: [1, 2], Current: 2 });
      const v1 = await env.server.request<{ StackFileContent: string }>(
        'GET',
        `/api/stacks/${id}/file?version=1`,
        { token: env.admin },
      );
      expect(v1.body.StackFileContent).toBe(composeFile(2));

      const stop = await env.server.request<{ Status: number }>(
        'POST',
        `/api/stacks/${id}/stop?endpointId=${envId}`,
        { token: env.admin },
      );
      expect(stop.status).toBe(200);
      expect(stop.body.Status).toBe(2);
      expect(projectContainers(SOCKET, project)).toHaveLength(0);
      const start = await env.server.request<{ Status: number }>(
        'POST',
        `/api/stacks/${id}/start?endpointId=${envId}`,
        { token: env.admin },
      );
      expect(start.status).toBe(200);
      expect(projectContainers(SOCKET, project)).toHaveLength(1);

      // The last deploy's log: over HTTP and on the progress WebSocket (lines, then done), for readers only.
      const log = await env.server.request<{ Log: string; Running: boolean }>(
        'GET',
        `/api/stacks/${id}/deploy-log`,
        {
          token: env.admin,
        },
      );
      expect(log.body.Running).toBe(false);
      expect(log.body.Log).toMatch(/Started/);
      const wsBase = `${env.server.baseUrl.replace('http', 'ws')}/api/websocket/stack-deploy?stackId=${id}`;
      const messages = await new Promise<string[]>((resolve, reject) => {
        const got: string[] = [];
        const ws = new WebSocket(`${wsBase}&token=${env.admin}`);
        ws.on('message', (m: Buffer) => got.push(m.toString('utf8')));
        ws.on('close', () => resolve(got));
        ws.on('error', reject);
      });
      expect(messages.join('\n')).toBe(`${log.body.Log}\n{"done":true}`);
      const refused = await new Promise<number>((resolve) => {
        const ws = new WebSocket(wsBase);
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => resolve(101));
        ws.on('error', () => undefined);
      });
      expect(refused).toBe(401);

      const del = await env.server.request('DELETE', `/api/stacks/${id}?endpointId=${envId}`, {
        token: env.admin,
      });
      expect(del.status).toBe(204);
      expect(projectContainers(SOCKET, project)).toHaveLength(0);
      const gone = await env.server.request('GET', `/api/stacks/${id}`, { token: env.admin });
      expectApiError(gone, 404);
    });

    it('refuses bad input without leaving a record: YAML, unknown keys, names, ids, size, env names', async () => {
      const name = uniqueName('bad');
      expectApiError(
        await createStack({ Name: name, StackFileContent: 'services: [unclosed' }),
        400,
        /Invalid stack file/,
      );
      expectApiError(
        await createStack({ Name: name, StackFileContent: `${composeFile(1)}    no_such_key: 1\n` }),
        400,
        /Invalid stack file/,
      );
      expectApiError(
        await createStack({ Name: '---', StackFileContent: composeFile(1) }),
        400,
        /Invalid stack name/,
      );
      expectApiError(await createStack({ Name: name, StackFileContent: composeFile(1) }, 999999), 404);
      expectApiError(
        await createStack({
          Name: name,
          StackFileContent: composeFile(1),
          Env: [{ name: 'A B', value: 'x' }],
        }),
        400,
        /Env/,
      );
      const huge = await createStack({
        Name: name,
        StackFileContent: `# ${'x'.repeat(1024 * 1024 + 10)}\n${composeFile(1)}`,
      });
      expect([413]).toContain(huge.status);
      expectApiError(await env.server.request('GET', '/api/stacks/999999', { token: env.admin }), 404);
      expectApiError(
        await env.server.request('PUT', '/api/stacks/999999', {
          token: env.admin,
          body: { StackFileContent: composeFile(1) },
        }),
        404,
      );
      expectApiError(await env.server.request('GET', '/api/stacks?filters=nope', { token: env.admin }), 400);
      const list = await env.server.request<{ Name: string }[]>('GET', '/api/stacks', { token: env.admin });
      expect(list.body.some((s) => s.Name === name)).toBe(false);
    });

    it('refuses a duplicate name and the name of a compose project made outside Capstan, lists it as external, adopts one', async () => {
      const name = uniqueName('dup');
      projects.push([SOCKET, name]);
      expect((await createStack({ Name: name, StackFileContent: composeFile(1) })).status).toBe(200);
      expectApiError(
        await createStack({ Name: name.toUpperCase(), StackFileContent: composeFile(1) }),
        409,
        /already exists/,
      );

      const outside = uniqueName('outside');
      projects.push([SOCKET, outside]);
      execFileSync('docker', ['-H', `unix://${SOCKET}`, 'compose', '-p', outside, '-f', '-', 'up', '-d'], {
        input: composeFile(1),
        stdio: ['pipe', 'ignore', 'ignore'],
      });
      expectApiError(
        await createStack({ Name: outside, StackFileContent: composeFile(1) }),
        409,
        /already exists/,
      );
      const list = await env.server.request<{ Name: string; External?: boolean; Id: number }[]>(
        'GET',
        `/api/stacks?filters=${encodeURIComponent(JSON.stringify({ EndpointID: envId }))}`,
        { token: env.admin },
      );
      expect(list.body.find((s) => s.Name === outside)).toMatchObject({ External: true, Id: 0 });

      // Adoption: a project started from a file on this machine is taken over from the file compose recorded.
      const adopted = uniqueName('adopt');
      projects.push([SOCKET, adopted]);
      const dir = mkdtempSync(join(tmpdir(), 'capstan-adopt-'));
      writeFileSync(join(dir, 'compose.yml'), composeFile(1));
      execFileSync(
        'docker',
        ['-H', `unix://${SOCKET}`, 'compose', '-p', adopted, '-f', join(dir, 'compose.yml'), 'up', '-d'],
        { stdio: 'ignore' },
      );
      expectApiError(
        await env.server.request('POST', `/api/stacks/adopt?endpointId=${envId}`, {
          token: env.admin,
          body: { Name: uniqueName('nothere') },
        }),
        404,
      );
      const taken = await env.server.request<{
        Id: number;
        Name: string;
        ResourceControl?: { Type: number };
      }>('POST', `/api/stacks/adopt?endpointId=${envId}`, { token: env.admin, body: { name: adopted } });
      expect(taken.status, taken.text).toBe(200);
      expect(taken.body.ResourceControl?.Type).toBe(6);
      rmSync(dir, { recursive: true, force: true });
      const file = await env.server.request<{ StackFileContent: string }>(
        'GET',
        `/api/stacks/${taken.body.Id}/file`,
        { token: env.admin },
      );
      expect(file.body.StackFileContent).toBe(composeFile(1));
      const after = await env.server.request<{ Name: string; External?: boolean }[]>(
        'GET',
        `/api/stacks?filters=${encodeURIComponent(JSON.stringify({ EndpointID: envId }))}`,
        { token: env.admin },
      );
      expect(after.body.filter((s) => s.Name === adopted)).toEqual([
        expect.objectContaining({ Name: adopted }),
      ]);
      expect(after.body.find((s) => s.Name === adopted)?.External).toBeUndefined();
      expect(projectContainers(SOCKET, adopted)).toHaveLength(1);

      const del = await env.server.request(
        'DELETE',
        `/api/stacks/${outside}?external=true&endpointId=${envId}`,
        { token: env.admin },
      );
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
      expectApiError(
        await createStack({ Name: uniqueName('bind'), StackFileContent: bind }, envId, user.token),
        403,
        /bind mounts/,
      );
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
      expectApiError(
        await env.server.request('GET', `/api/stacks/${made.body.Id}`, { token: other.token }),
        404,
      );
      expect(
        (await env.server.request('GET', `/api/stacks/${made.body.Id}`, { token: user.token })).status,
      ).toBe(200);
      await env.server.request('PUT', `/api/endpoints/${envId}/settings`, {
        token: env.admin,
        body: { allowStackManagementForRegularUsers: false },
      });
      const refused = await createStack(
        { Name: uniqueName('nomgmt'), StackFileContent: composeFile(1) },
        envId,
        user.token,
      );
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

    it('SIGKILL during a deploy, then restart: record and engine agree (create rolled back, update redeployed)', async () => {
      // Service b waits for a to turn healthy (~3 s): compose is mid-deploy when a's container exists.
      const slow = (greeting: string) =>
        `services:\n  a:\n    image: ${IMAGE}\n    command: ["sh", "-c", "sleep 3; touch /tmp/ok; sleep 3600"]\n` +
        `    stop_grace_period: 1s\n    labels:\n      greeting: "${greeting}"\n` +
        `    healthcheck:\n      test: ["CMD", "test", "-f", "/tmp/ok"]\n      interval: 1s\n      retries: 30\n` +
        `  b:\n    image: ${IMAGE}\n    command: ["sleep", "3600"]\n    stop_grace_period: 1s\n` +
        `    depends_on:\n      a:\n        condition: service_healthy\n`;
      const waitFor = async (what: string, ok: () => boolean | Promise<boolean>, ms = 60_000) => {
        const deadline = Date.now() + ms;
        while (!(await ok())) {
          if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
          await new Promise((r) => setTimeout(r, 200));
        }
      };
      const records = async () =>
        (
          await env.server.request<{ Id: number; Name: string; FileVersion: number }[]>(
            'GET',
            '/api/stacks',
            { token: env.admin },
          )
        ).body;

      // 1. Killed while a new stack deploys: after the restart, neither a record nor containers.
      const fresh = uniqueName('killnew');
      projects.push([SOCKET, fresh]);
      void createStack({ Name: fresh, StackFileContent: slow('x') }).catch(() => undefined);
      await waitFor('the first container', () => projectContainers(SOCKET, fresh).length > 0);
      await env.server.kill9();
      await env.server.restart();
      env.admin = (
        await env.server.request<{ jwt: string }>('POST', '/api/auth', {
          body: { username: 'admin', password: ADMIN_PASSWORD },
        })
      ).body.jwt;
      await waitFor(
        'the interrupted create to be rolled back',
        async () =>
          projectContainers(SOCKET, fresh).length === 0 && !(await records()).some((r) => r.Name === fresh),
      );
      // And it stays so: no compose left behind brings containers back.
      await new Promise((r) => setTimeout(r, 2000));
      expect(projectContainers(SOCKET, fresh)).toHaveLength(0);
      expect((await records()).some((r) => r.Name === fresh)).toBe(false);

      // 2. Killed while an update deploys: after the restart, the record's version runs.
      const kept = uniqueName('killupd');
      projects.push([SOCKET, kept]);
      const made = await createStack({ Name: kept, StackFileContent: composeFile(1) });
      expect(made.status, JSON.stringify(made.body)).toBe(200);
      void env.server
        .request('PUT', `/api/stacks/${made.body.Id}`, {
          token: env.admin,
          body: { StackFileContent: slow('new') },
        })
        .catch(() => undefined);
      await waitFor('the update to start', () =>
        projectContainers(SOCKET, kept).some((c) => c.name.includes('-a-')),
      );
      await env.server.kill9();
      await env.server.restart();
      env.admin = (
        await env.server.request<{ jwt: string }>('POST', '/api/auth', {
          body: { username: 'admin', password: ADMIN_PASSWORD },
        })
      ).body.jwt;
      await waitFor('the recorded version to run again', () => {
        const names = projectContainers(SOCKET, kept).map((c) => c.name);
        return names.length === 1 && names[0]?.includes('-s0-') === true;
      });
      const record = (await records()).find((r) => r.Id === made.body.Id);
      expect(record?.FileVersion).toBe(1);
      const versions = await env.server.request<{ Versions: number[] }>(
        'GET',
        `/api/stacks/${made.body.Id}/versions`,
        { token: env.admin },
      );
      expect(versions.body.Versions).toEqual([1]);
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
  },
);
