/**
 * Edge stacks end to end on real processes: the built server, the built agent in edge mode (EDGE=1) polling it on
 * loopback, the real `docker compose` (v2.40.3) and dockerd. A stack sent to a dynamic edge group lands on the
 * device once it carries the group's tag and reports Running; an update reaches version 2; a bad image reports
 * Error with compose's message; untagging the device removes the stack; bad input and foreign status reports are
 * refused with nothing changed.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EDGE_HEADERS } from '@capstan/contracts-agent';
import { freePort, TestServer } from '@capstan/testing';
import { expectApiError, initAdmin, uniqueName } from './support/fixtures';
import { AGENT_MAIN } from './support/agent';

const SOCKET = '/var/run/docker.sock';
const COMPOSE = '/usr/local/lib/docker/cli-plugins/docker-compose';
const IMAGE = 'capstan/busybox:local';
const missing = !existsSync(SOCKET)
  ? `no Docker engine on ${SOCKET}`
  : !existsSync(AGENT_MAIN)
    ? `${AGENT_MAIN} not built`
    : !existsSync(COMPOSE)
      ? `no compose plugin (${COMPOSE}; tools/setup/compose.sh)`
      : '';
if (missing && process.env['CI'] === 'true') throw new Error(`CI needs ${missing}`);

interface StackStatus {
  EndpointID: number;
  Status: { Type: number; Error: string; Time: number }[];
  DeploymentInfo: { Version: number };
}
interface EdgeStack {
  Id: number;
  Name: string;
  Version: number;
  EdgeGroups: number[];
  Status: Record<string, StackStatus>;
  Drift: number[];
}

const RUNNING = 7;
const ERROR = 2;

function compose(command: string): string {
  return `services:\n  app:\n    image: ${IMAGE}\n    command: ${command}\n    labels:\n      capstan.test: edge-stacks\n`;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Containers of a compose project on the real engine (name → state). */
function projectContainers(project: string): Record<string, string> {
  const out = execFileSync(
    'docker',
    [
      'ps',
      '-a',
      '--filter',
      `label=com.docker.compose.project=${project}`,
      '--format',
      '{{.Names}} {{.State}}',
    ],
    { encoding: 'utf8' },
  );
  return Object.fromEntries(
    out
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' ') as [string, string]),
  );
}

describe.skipIf(missing !== '')(
  `edge stacks (${missing || 'real server, edge agent, compose and dockerd'})`,
  () => {
    let server: TestServer;
    let admin: string;
    let agent: ChildProcess | undefined;
    let agentOutput = '';
    let envId: number;
    let otherEnv: number;
    let tagId: number;
    let groupId: number;
    const edgeId = `edge-stacks-${process.pid}-${Date.now()}`;
    const name = uniqueName('es')
      .toLowerCase()
      .replace(/[^a-z0-9_-]/g, '');
    const project = `edge_${name}`;
    const created: number[] = [];
    let dataPath = '';
    /** The poll secret the agent was given at its first poll (Capstan): its calls carry it. */
    const agentSecret = () => readFileSync(join(dataPath, 'agent_edge_secret'), 'utf8').trim();

    const req = <T = unknown>(method: string, path: string, body?: unknown) =>
      server.request<T>(method, path, { token: admin, ...(body === undefined ? {} : { body }) });
    const stack = async (id: number) => (await req<EdgeStack>('GET', `/api/edge_stacks/${id}`)).body;
    const lastStatus = async (id: number, env: number) => {
      const st = (await stack(id)).Status[String(env)];
      return st ? { ...st.Status[st.Status.length - 1], version: st.DeploymentInfo.Version } : undefined;
    };
    const waitStatus = (id: number, env: number, type: number, version?: number) =>
      until(`stack ${id} status ${type} on ${env}\n${agentOutput}`, async () => {
        const s = await lastStatus(id, env);
        return s && s.Type === type && (version === undefined || s.version === version) ? s : undefined;
      });
    const agentReport = (id: number, body: unknown, edge = edgeId, secret = agentSecret()) =>
      server.request('PUT', `/api/edge_stacks/${id}/status`, {
        headers: { [EDGE_HEADERS.edgeId]: edge, ...(secret ? { [EDGE_HEADERS.edgeSecret]: secret } : {}) },
        body,
      });

    beforeAll(async () => {
      server = await TestServer.start();
      admin = await initAdmin(server);
      tagId = (await req<{ ID: number }>('POST', '/api/tags', { Name: uniqueName('shop') })).body.ID;
      const env = await req<{ Id: number; EdgeKey: string }>('POST', '/api/endpoints', {
        Name: uniqueName('device'),
        EndpointCreationType: 4,
        URL: server.baseUrl,
        EdgeCheckinInterval: 1,
      });
      expect(env.status, env.text).toBe(200);
      envId = env.body.Id;
      otherEnv = (
        await req<{ Id: number }>('POST', '/api/endpoints', {
          Name: uniqueName('other'),
          EndpointCreationType: 4,
          URL: server.baseUrl,
        })
      ).body.Id;
      const g = await req<{ Id: number }>('POST', '/api/edge_groups', {
        Name: uniqueName('shops'),
        Dynamic: true,
        TagIDs: [tagId],
      });
      expect(g.status, g.text).toBe(200);
      groupId = g.body.Id;
      const port = await freePort();
      agent = spawn(process.execPath, [AGENT_MAIN], {
        env: {
          PATH: process.env['PATH'] ?? '',
          EDGE: '1',
          EDGE_ID: edgeId,
          EDGE_KEY: env.body.EdgeKey,
          AGENT_HOST: '127.0.0.1',
          AGENT_PORT: String(port),
          DATA_PATH: (dataPath = mkdtempSync(join(tmpdir(), 'capstan-edge-stacks-'))),
          LOG_LEVEL: 'INFO',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      agent.stdout?.on('data', (d: Buffer) => (agentOutput += d.toString()));
      agent.stderr?.on('data', (d: Buffer) => (agentOutput += d.toString()));
      // Bound: the environment answers with the agent's edge id.
      await until('the agent to poll', async () => {
        const r = await req<{ EdgeID: string }>('GET', `/api/endpoints/${envId}`);
        return r.body.EdgeID === edgeId ? true : undefined;
      });
    }, 90_000);

    afterAll(async () => {
      agent?.kill('SIGKILL');
      for (const id of created) await req('DELETE', `/api/edge_stacks/${id}`).catch(() => undefined);
      try {
        execFileSync('docker', ['compose', '--project-name', project, 'down', '--remove-orphans'], {
          stdio: 'ignore',
        });
        execFileSync('docker', ['compose', '--project-name', `${project}_bad`, 'down'], { stdio: 'ignore' });
      } catch {
        // nothing left
      }
      await server?.dispose();
    });

    it('a stack for a dynamic group lands on the device once tagged and reports Running', async () => {
      const r = await req<EdgeStack>('POST', '/api/edge_stacks/create/string', {
        Name: name,
        StackFileContent: compose('sleep 3600'),
        EdgeGroups: [groupId],
        EnvVars: [{ name: 'GREETING', value: 'hello $ world' }],
      });
      expect(r.status, r.text).toBe(200);
      expect(r.body).toMatchObject({ Name: name, Version: 1, EdgeGroups: [groupId], Status: {} });
      created.push(r.body.Id);
      // Not tagged yet: not a target, nothing deployed.
      await new Promise((res) => setTimeout(res, 2_500));
      expect(projectContainers(project)).toEqual({});

      expect((await req('PUT', `/api/endpoints/${envId}`, { TagIds: [tagId] })).status).toBe(200);
      expect((await stack(r.body.Id)).Status[String(envId)]?.Status[0]?.Type).toBe(0);
      const running = await waitStatus(r.body.Id, envId, RUNNING, 1);
      expect(running.Error).toBe('');
      const states = Object.values(projectContainers(project));
      expect(states).toEqual(['running']);
      // The status history went through Portainer's sequence.
      const types = (await stack(r.body.Id)).Status[String(envId)]?.Status.map((s) => s.Type);
      expect(types).toEqual([3, 8, 1, 7]);
      const env = execFileSync(
        'docker',
        ['inspect', '--format', '{{json .Config.Env}}', Object.keys(projectContainers(project))[0]],
        {
          encoding: 'utf8',
        },
      );
      expect(env).not.toContain('GREETING'); // EnvVars interpolate the file; they are not container variables
    }, 120_000);

    it('an update reaches version 2 on the device; the old container is replaced', async () => {
      const id = created[0];
      const same = await req<EdgeStack>('PUT', `/api/edge_stacks/${id}`, {
        StackFileContent: compose('sleep 3600'),
      });
      expect(same.body.Version).toBe(1);
      const up = await req<EdgeStack>('PUT', `/api/edge_stacks/${id}`, {
        StackFileContent: compose('sleep 7200'),
      });
      expect(up.status, up.text).toBe(200);
      expect(up.body.Version).toBe(2);
      expect(up.body.Drift).toEqual([envId]);
      await waitStatus(id, envId, RUNNING, 2);
      expect((await stack(id)).Drift).toEqual([]);
      const name0 = Object.keys(projectContainers(project))[0];
      const cmd = execFileSync('docker', ['inspect', '--format', '{{json .Config.Cmd}}', name0], {
        encoding: 'utf8',
      });
      expect(cmd).toContain('7200');
      expect(
        (await req<{ StackFileContent: string }>('GET', `/api/edge_stacks/${id}/file?version=1`)).body
          .StackFileContent,
      ).toContain('3600');
    }, 120_000);

    it('a bad image reports Error with compose message', async () => {
      const r = await req<EdgeStack>('POST', '/api/edge_stacks/create/string', {
        Name: `${name}_bad`,
        StackFileContent: 'services:\n  app:\n    image: 127.0.0.1:9/capstan/none:1\n',
        EdgeGroups: [groupId],
      });
      expect(r.status, r.text).toBe(200);
      created.push(r.body.Id);
      const err = await waitStatus(r.body.Id, envId, ERROR);
      expect(err.Error).toMatch(/127\.0\.0\.1:9|connection refused|pull/i);
    }, 120_000);

    it('refuses bad input and foreign status reports, with nothing changed', async () => {
      const id = created[0];
      const before = await stack(id);
      const count = (await req<EdgeStack[]>('GET', '/api/edge_stacks')).body.length;
      for (const [body, status] of [
        [{ Name: uniqueName('x'), StackFileContent: 'services: [', EdgeGroups: [groupId] }, 400],
        [{ Name: uniqueName('x'), StackFileContent: 'just: text', EdgeGroups: [groupId] }, 400],
        [{ Name: uniqueName('x'), StackFileContent: compose('true'), EdgeGroups: [999999] }, 400],
        [{ Name: uniqueName('x'), StackFileContent: compose('true'), EdgeGroups: [] }, 400],
        [{ Name: uniqueName('x'), StackFileContent: compose('true'), EdgeGroups: ['1'] }, 400],
        [
          {
            Name: uniqueName('x'),
            StackFileContent: compose('true'),
            EdgeGroups: [groupId],
            DeploymentType: 1,
          },
          400,
        ],
        [
          {
            Name: uniqueName('x'),
            StackFileContent: compose('true'),
            EdgeGroups: [groupId],
            Registries: [999],
          },
          400,
        ],
        [
          {
            Name: uniqueName('x'),
            StackFileContent: compose('true'),
            EdgeGroups: [groupId],
            EnvVars: [{ name: 'A B', value: '' }],
          },
          400,
        ],
        [{ Name: '', StackFileContent: compose('true'), EdgeGroups: [groupId] }, 400],
        [{ Name: name, StackFileContent: compose('true'), EdgeGroups: [groupId] }, 409],
        [
          { Name: uniqueName('x'), StackFileContent: 'x'.repeat(1024 * 1024 + 1), EdgeGroups: [groupId] },
          413,
        ],
      ] as [unknown, number][])
        expectApiError(await req('POST', '/api/edge_stacks/create/string', body), status);
      expectApiError(await req('POST', '/api/edge_stacks/create/nope', {}), 400);
      expect((await req<EdgeStack[]>('GET', '/api/edge_stacks')).body.length).toBe(count);

      // The group is in use: not deletable.
      expectApiError(await req('DELETE', `/api/edge_groups/${groupId}`), 409, /used by an Edge stack/);

      // Status reports: another device's edge id, an environment not in the stack, a missing error text.
      expectApiError(
        await agentReport(id, { EndpointID: envId, Status: RUNNING, Error: '' }, 'someone-else'),
        403,
      );
      expectApiError(await agentReport(id, { EndpointID: envId, Status: RUNNING }, ''), 403);
      // The right edge id without the device's secret (a leaked id) is refused too.
      expectApiError(await agentReport(id, { EndpointID: envId, Status: RUNNING }, edgeId, ''), 403);
      expectApiError(await agentReport(id, { EndpointID: otherEnv, Status: RUNNING }, edgeId), 403);
      expectApiError(await agentReport(id, { EndpointID: envId, Status: ERROR, Error: '' }), 400);
      expectApiError(await agentReport(id, { EndpointID: envId, Status: 99 }), 400);
      expectApiError(await agentReport(id, { EndpointID: 'x', Status: 7 }), 400);
      // The payload: only for the device's own edge id and a stack it is a target of.
      const payload = (env: number, edge: string) =>
        server.request('GET', `/api/endpoints/${env}/edge/stacks/${id}`, {
          headers: { [EDGE_HEADERS.edgeId]: edge, [EDGE_HEADERS.edgeSecret]: agentSecret() },
        });
      expect((await payload(envId, edgeId)).status).toBe(200);
      expectApiError(await payload(envId, 'someone-else'), 403);
      expectApiError(await payload(otherEnv, edgeId), 403);
      const after = await stack(id);
      expect(after.Status).toEqual(before.Status);
      expect(after.Version).toBe(before.Version);
    }, 60_000);

    it('untagging the device removes the stack from it', async () => {
      const id = created[0];
      expect((await req('PUT', `/api/endpoints/${envId}`, { TagIds: [] })).status).toBe(200);
      await until(`removal\n${agentOutput}`, async () =>
        (await stack(id)).Status[String(envId)] === undefined &&
        Object.keys(projectContainers(project)).length === 0
          ? true
          : undefined,
      );
      // No longer a target: its own agent's Running report for the stack is refused, nothing recorded.
      expectApiError(await agentReport(id, { EndpointID: envId, Status: RUNNING, Error: '' }), 403);
      expect((await stack(id)).Status[String(envId)]).toBeUndefined();
      // No longer a target: the stack's payload is refused now.
      const p = await server.request('GET', `/api/endpoints/${envId}/edge/stacks/${id}`, {
        headers: { [EDGE_HEADERS.edgeId]: edgeId, [EDGE_HEADERS.edgeSecret]: agentSecret() },
      });
      expectApiError(p, 403);
    }, 120_000);

    it('deletes stacks, then the group can go', async () => {
      for (const id of created.splice(0))
        expect((await req('DELETE', `/api/edge_stacks/${id}`)).status).toBe(204);
      expect((await req('DELETE', `/api/edge_groups/${groupId}`)).status).toBe(204);
    });
  },
);
