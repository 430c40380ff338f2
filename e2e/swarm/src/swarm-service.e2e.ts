import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo, connect as netConnect, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import { connect as tlsConnect } from 'node:tls';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

import { TestServer } from '@capstan/testing';

import { holdLab, http, lab, labDown, labWith, nodeSocket, SignedClient, waitFor } from './support/lab';

const run = promisify(execFile);

/**
 * The real agent (apps/agent bundled from this checkout into its own image, apps/agent/Dockerfile on
 * capstan/node:20-local) deployed as a Swarm global service in the lab: overlay network, dnsrr endpoint mode, the
 * node's Docker socket and the host root mounted, port 9001 published in host mode. The agents find each other
 * through tasks.<service> (the service name read from their own container's label) — nothing is configured. The
 * client (a server key, signed requests, HTTPS) reaches each node's published port from the lab's switch
 * namespace through a unix-socket relay.
 */
const isRoot = process.getuid?.() === 0;
const ROOT = resolve(__dirname, '../../..');
const IMAGE = 'capstan/agent:swarm-e2e';
const SERVICE = 'capstan-agent';
/** The service runs with AGENT_SECRET, so that this client and a Capstan server (CAPSTAN_AGENT_SECRET) both reach it. */
const SECRET = `capstan-e2e-${randomBytes(8).toString('hex')}`;
const ADMIN_PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
const client = new SignedClient(SECRET);
let dir = '';
let relay: ChildProcess | null = null;
const via = (n: number): { socketPath: string; tls: true } => ({
  socketPath: join(dir, `relay-${n}.sock`),
  tls: true,
});
const docker = (n: number, ...args: string[]) => run('docker', ['-H', `unix://${nodeSocket(n)}`, ...args]);

interface SwarmNode {
  Description: { Hostname: string };
  ManagerStatus?: { Leader?: boolean; Reachability?: string };
}

interface Tagged {
  Id: string;
  Labels: Record<string, string>;
  Portainer?: { Agent?: { NodeName?: string } };
}

describe.skipIf(!isRoot)('the cluster as a Swarm global service (DNS discovery in the lab)', () => {
  let release: () => void = () => undefined;

  beforeAll(async () => {
    release = await holdLab();
    dir = mkdtempSync(join(tmpdir(), 'capstan-swarm-'));
    // The agent built into a private dist (the shared dist/ may be rebuilt by others at any time).
    await run(
      'npx',
      [
        'webpack-cli',
        'build',
        '--config',
        'apps/agent/webpack.config.js',
        '--output-path',
        join(dir, 'dist/apps/agent'),
      ],
      {
        cwd: ROOT,
      },
    );
    await run(
      'docker',
      [
        'build',
        '-q',
        '--build-arg',
        'BASE_IMAGE=capstan/node:20-local',
        '-t',
        IMAGE,
        '-f',
        join(ROOT, 'apps/agent/Dockerfile'),
        dir,
      ],
      { env: { ...process.env, DOCKER_BUILDKIT: '0' } },
    );
    await lab('up');
    await lab('load', IMAGE);
    await docker(1, 'network', 'create', '-d', 'overlay', '--attachable', 'capstan-agents').catch(
      () => undefined,
    );
    await docker(1, 'service', 'rm', SERVICE).catch(() => undefined);
    await docker(
      1,
      'service',
      'create',
      '-d',
      '--name',
      SERVICE,
      '--mode',
      'global',
      '--network',
      'capstan-agents',
      '--endpoint-mode',
      'dnsrr',
      // The image's health check runs every 30 s; Swarm's DNS lists a task only once it is healthy.
      '--health-interval',
      '1s',
      '--no-resolve-image',
      '--stop-grace-period',
      '1s',
      '--publish',
      'mode=host,target=9001,published=9001',
      '--mount',
      'type=bind,src=/var/run/docker.sock,dst=/var/run/docker.sock',
      '--env',
      `AGENT_SECRET=${SECRET}`,
      IMAGE,
    );
    relay = spawn(
      'ip',
      [
        'netns',
        'exec',
        'capsw',
        process.execPath,
        resolve(__dirname, 'support/relay.cjs'),
        dir,
        '10.99.0.11:9001',
        '10.99.0.12:9001',
        '10.99.0.13:9001',
      ],
      { stdio: 'ignore' },
    );
  });

  afterAll(async () => {
    relay?.kill('SIGTERM');
    try {
      await docker(1, 'service', 'rm', SERVICE).catch(() => undefined);
      await labDown();
      await run('docker', ['rmi', IMAGE]).catch(() => undefined);
    } finally {
      release();
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every agent finds the two others through tasks.<service> and learns their identity', async () => {
    for (const n of [1, 2, 3]) {
      const agents = await waitFor(
        `3 members seen from node${n}`,
        async () => {
          const res = await http(via(n), 'GET', '/agents', client.headers());
          const list =
            res.json<Array<{ NodeName: string; NodeRole: string; IPAddress: string; Port: string }>>();
          return list.length === 3 && list;
        },
        60_000,
      );
      expect(agents.map((a) => [a.NodeName, a.NodeRole, a.Port])).toEqual([
        ['node1', 'manager', '9001'],
        ['node2', 'worker', '9001'],
        ['node3', 'worker', '9001'],
      ]);
      // Overlay addresses (the agents' task IPs), not the lab's underlay.
      expect(agents.every((a) => !a.IPAddress.startsWith('10.99.0.'))).toBe(true);
    }
  });

  it('aggregates containers over the overlay: each agent container is tagged with its own node', async () => {
    const res = await http(via(3), 'GET', `/containers/json?filters=${filter()}`, client.headers());
    expect(res.status).toBe(200);
    expect(res.headers['x-capstan-agent-unreachable']).toBeUndefined();
    const items = res.json<Tagged[]>();
    expect(items.map((c) => c.Portainer?.Agent?.NodeName)).toEqual(['node1', 'node2', 'node3']);
    for (const c of items) {
      const n = Number(c.Portainer?.Agent?.NodeName?.slice(4));
      const direct = await http({ socketPath: nodeSocket(n) }, 'GET', `/containers/${c.Id}/json`);
      expect(direct.status).toBe(200);
    }
  });

  it('serves a manager operation asked of a worker', async () => {
    const res = await http(via(3), 'GET', '/nodes', client.headers());
    expect(res.status).toBe(200);
    expect(res.json<unknown[]>()).toHaveLength(3);
  });

  it('creates and scales a service through worker agents (forwarded to the manager)', async () => {
    const created = await http(via(3), 'POST', '/v1.41/services/create', client.headers(), {
      Name: 'capstan-e2e-web',
      TaskTemplate: {
        ContainerSpec: {
          Image: 'local/busybox:latest',
          Command: ['sleep', '3600'],
          StopGracePeriod: 1_000_000_000,
        },
        Placement: { MaxReplicas: 1 },
      },
      Mode: { Replicated: { Replicas: 3 } },
    });
    expect(created.status).toBe(201);
    const { ID } = created.json<{ ID: string }>();
    const running = async (n: number): Promise<number> => {
      const filters = encodeURIComponent(JSON.stringify({ service: [ID], 'desired-state': ['running'] }));
      const res = await http(via(n), 'GET', `/tasks?filters=${filters}`, client.headers());
      return res.json<Array<{ Status: { State: string } }>>().filter((t) => t.Status.State === 'running')
        .length;
    };
    await waitFor('3 running tasks', async () => (await running(2)) === 3);
    const svc = (await http(via(2), 'GET', `/services/${ID}`, client.headers())).json<{
      Version: { Index: number };
      Spec: Record<string, unknown>;
    }>();
    const scaled = await http(
      via(2),
      'POST',
      `/services/${ID}/update?version=${svc.Version.Index}`,
      client.headers(),
      {
        ...svc.Spec,
        Mode: { Replicated: { Replicas: 2 } },
      },
    );
    expect(scaled.status).toBe(200);
    await waitFor('2 running tasks', async () => (await running(3)) === 2);
    expect((await http(via(3), 'DELETE', `/services/${ID}`, client.headers())).status).toBe(200);
  });

  it('execs over /websocket/exec into a container on a worker, through another node’s agent', async () => {
    const list = await http(
      via(1),
      'GET',
      `/containers/json?filters=${filter()}`,
      client.headers({ 'X-PortainerAgent-Target': 'node1' }),
    );
    expect(list.json<Tagged[]>()).toHaveLength(1); // node1's own agent only
    const onNode3 = (
      await http({ socketPath: nodeSocket(3) }, 'GET', `/containers/json?filters=${filter()}`)
    ).json<Tagged[]>()[0];
    const target = { 'X-PortainerAgent-Target': 'node3' };
    const exec = await http(via(1), 'POST', `/containers/${onNode3.Id}/exec`, client.headers(target), {
      Cmd: ['sh', '-c', 'echo "exec-on-$(hostname)"'],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
    });
    expect(exec.status).toBe(201);
    const { Id } = exec.json<{ Id: string }>();
    const relay = join(dir, 'relay-1.sock');
    const output = await new Promise<string>((resolveOut, reject) => {
      const ws = new WebSocket(`wss://agent/websocket/exec?id=${Id}`, {
        headers: client.headers(target),
        rejectUnauthorized: false,
        createConnection: () => tlsConnect({ path: relay, rejectUnauthorized: false }),
      });
      let text = '';
      ws.on('message', (data: Buffer) => (text += data.toString('utf8')));
      ws.on('close', () => resolveOut(text));
      ws.on('error', reject);
      setTimeout(() => ws.terminate(), 15_000).unref();
    });
    expect(output).toContain(`exec-on-${onNode3.Id.slice(0, 12)}`);

    const hostInfo = await http(
      via(2),
      'GET',
      '/v2/host/info',
      client.headers({ 'X-PortainerAgent-Target': 'node3' }),
    );
    expect(hostInfo.status).toBe(200);
    expect(Object.keys(hostInfo.json<object>()).sort()).toEqual(['PCIDevices', 'PhysicalDisks']);
  });

  it('attaches over /websocket/attach to a container on a worker, through another node’s agent: stdin in, output back', async () => {
    const target = { 'X-PortainerAgent-Target': 'node3' };
    // Created and started on node3 through node1's agent (the target header routes the plain Docker calls too).
    const created = await http(
      via(1),
      'POST',
      '/containers/create?name=capstan-e2e-attach',
      client.headers(target),
      {
        Image: 'local/busybox:latest',
        Cmd: ['sh'],
        Tty: true,
        OpenStdin: true,
        StopTimeout: 1,
      },
    );
    expect(created.status, created.text).toBe(201);
    const { Id } = created.json<{ Id: string }>();
    try {
      expect((await http(via(1), 'POST', `/containers/${Id}/start`, client.headers(target))).status).toBe(
        204,
      );
      // It really is on node3's engine, not on node1's.
      expect((await http({ socketPath: nodeSocket(3) }, 'GET', `/containers/${Id}/json`)).status).toBe(200);
      expect((await http({ socketPath: nodeSocket(1) }, 'GET', `/containers/${Id}/json`)).status).toBe(404);

      const relay = join(dir, 'relay-1.sock');
      const output = await new Promise<string>((resolveOut, reject) => {
        const ws = new WebSocket(`wss://agent/websocket/attach?id=${Id}`, {
          headers: client.headers(target),
          rejectUnauthorized: false,
          createConnection: () => tlsConnect({ path: relay, rejectUnauthorized: false }),
        });
        let text = '';
        const timer = setTimeout(() => {
          ws.terminate();
          reject(new Error(`attach timed out; got ${JSON.stringify(text)}`));
        }, 15_000);
        // The shell computes the answer: seeing 'attached-42' proves stdin reached it (the TTY's echo of the
        // typed line only holds the expression).
        ws.on('open', () => ws.send('echo attached-$((6*7))-$(hostname)\n'));
        ws.on('message', (data: Buffer) => {
          text += data.toString('utf8');
          if (text.includes(`attached-42-${Id.slice(0, 12)}`)) {
            clearTimeout(timer);
            ws.close();
            resolveOut(text);
          }
        });
        ws.on('unexpected-response', (_req, res) => {
          clearTimeout(timer);
          reject(new Error(`attach refused: HTTP ${res.statusCode}`));
        });
        ws.on('error', reject);
      });
      expect(output).toContain(`attached-42-${Id.slice(0, 12)}`);

      // Without a target, in cluster mode, the agent cannot know the node: the original's 500.
      const noTarget = await new Promise<number>((resolveStatus, reject) => {
        const ws = new WebSocket(`wss://agent/websocket/attach?id=${Id}`, {
          headers: client.headers(),
          rejectUnauthorized: false,
          createConnection: () => tlsConnect({ path: relay, rejectUnauthorized: false }),
        });
        ws.on('unexpected-response', (_req, res) => resolveStatus(res.statusCode ?? 0));
        ws.on('open', () => {
          ws.terminate();
          resolveStatus(101);
        });
        ws.on('error', reject);
      });
      expect(noTarget).toBe(500);
    } finally {
      await http(via(1), 'DELETE', `/containers/${Id}?force=1`, client.headers(target));
    }
  });

  it('the Capstan server manages the Swarm through a worker’s agent of the global service (AGENT_SECRET)', async () => {
    // node2's published port (a worker), reached from the host's loopback through the relay: the server dials TCP.
    const front = createNetServer((c) => {
      const up = netConnect(join(dir, 'relay-2.sock'));
      c.pipe(up).pipe(c);
      up.on('error', () => c.destroy());
      c.on('error', () => up.destroy());
    });
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
    const port = (front.address() as AddressInfo).port;
    const server = await TestServer.start({ env: { CAPSTAN_AGENT_SECRET: SECRET } });
    let serviceId = '';
    try {
      const init = await server.request('POST', '/api/users/admin/init', {
        body: { username: 'admin', password: ADMIN_PASSWORD },
      });
      expect(init.status, init.text).toBe(200);
      const auth = await server.request<{ jwt: string }>('POST', '/api/auth', {
        body: { username: 'admin', password: ADMIN_PASSWORD },
      });
      const token = auth.body.jwt;
      const form = new FormData();
      form.append('Name', 'lab-swarm-via-node2');
      form.append('EndpointCreationType', '2');
      form.append('URL', `tcp://127.0.0.1:${port}`);
      const created = await fetch(`${server.baseUrl}/api/endpoints`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
        body: form,
      });
      const env = (await created.json()) as { Id: number; Type: number; Agent?: { Version: string } };
      expect(created.status, JSON.stringify(env)).toBe(200);
      expect(env.Type).toBe(2);
      const api = <T = unknown>(
        method: string,
        path: string,
        body?: unknown,
        headers?: Record<string, string>,
      ) => server.request<T>(method, `/api/endpoints/${env.Id}/docker${path}`, { token, body, headers });

      // Containers of the three nodes, each tagged with its node (the agents of the service itself).
      const agents = await api<Tagged[]>('GET', `/containers/json?filters=${filter()}`);
      expect(agents.status, agents.text).toBe(200);
      expect(agents.body.map((c) => c.Portainer?.Agent?.NodeName)).toEqual(['node1', 'node2', 'node3']);

      // A manager operation asked of a worker's agent.
      const nodes = await api<SwarmNode[]>('GET', '/nodes');
      expect(nodes.status, nodes.text).toBe(200);
      expect(nodes.body.map((n) => n.Description.Hostname).sort()).toEqual(['node1', 'node2', 'node3']);

      // A service created, then scaled, through the server: one task per node.
      const svc = await api<{ ID: string }>('POST', '/services/create', {
        Name: 'capstan-e2e-server',
        TaskTemplate: {
          ContainerSpec: { Image: 'local/busybox:latest', Command: ['sleep', '3600'], StopGracePeriod: 1e9 },
          Placement: { MaxReplicas: 1 },
        },
        Mode: { Replicated: { Replicas: 1 } },
      });
      expect(svc.status, svc.text).toBe(201);
      serviceId = svc.body.ID;
      const inspect = await api<{ Version: { Index: number }; Spec: Record<string, unknown> }>(
        'GET',
        `/services/${serviceId}`,
      );
      const scaled = await api(
        'POST',
        `/services/${serviceId}/update?version=${inspect.body.Version.Index}`,
        {
          ...inspect.body.Spec,
          Mode: { Replicated: { Replicas: 3 } },
        },
      );
      expect(scaled.status, scaled.text).toBe(200);
      const serviceFilter = encodeURIComponent(
        JSON.stringify({ label: [`com.docker.swarm.service.id=${serviceId}`], status: ['running'] }),
      );
      const tasks = await waitFor(
        'a running task container of the service on each node, through the server',
        async () => {
          const r = await api<Tagged[]>('GET', `/containers/json?filters=${serviceFilter}`);
          const onNodes = r.body.map((c) => c.Portainer?.Agent?.NodeName);
          return r.status === 200 && onNodes.join() === 'node1,node2,node3' && r.body;
        },
        60_000,
      );

      // Exec into the task on node3 (a worker that is not the environment's agent) from the server's console
      // socket, the node named as Portainer's UI does (?nodeName= / X-PortainerAgent-Target).
      const onNode3 = tasks.find((c) => c.Portainer?.Agent?.NodeName === 'node3');
      const exec = await api<{ Id: string }>(
        'POST',
        `/containers/${onNode3?.Id ?? ''}/exec`,
        { Cmd: ['sh'], AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: true },
        { 'X-PortainerAgent-Target': 'node3' },
      );
      expect(exec.status, exec.text).toBe(201);
      const ws = `${server.baseUrl.replace('http', 'ws')}/api/websocket/exec?endpointId=${env.Id}&id=${exec.body.Id}&nodeName=node3&token=${token}`;
      const seen = await new Promise<string>((resolveSeen, reject) => {
        const socket = new WebSocket(ws);
        let text = '';
        const timer = setTimeout(() => {
          socket.terminate();
          reject(new Error(`exec timed out; got ${JSON.stringify(text)}`));
        }, 15_000);
        socket.on('open', () => socket.send('echo server-$((6*7))-$(hostname)\n'));
        socket.on('message', (data: Buffer) => {
          text += data.toString('utf8');
          if (text.includes(`server-42-${(onNode3?.Id ?? '').slice(0, 12)}`)) {
            clearTimeout(timer);
            socket.close();
            resolveSeen(text);
          }
        });
        socket.on('unexpected-response', (_req, res) => {
          clearTimeout(timer);
          reject(new Error(`exec refused: HTTP ${res.statusCode}`));
        });
        socket.on('error', reject);
      });
      expect(seen).toContain(`server-42-${(onNode3?.Id ?? '').slice(0, 12)}`);

      // The snapshot goes through the agent too: a Swarm of three nodes, the running containers of all of them.
      const snap = await server.request('POST', `/api/endpoints/${env.Id}/snapshot`, { token });
      expect(snap.status, snap.text).toBe(204);
      const after = await server.request<{
        Snapshots: Array<{
          Swarm: boolean;
          NodeCount: number;
          RunningContainerCount: number;
          UnreachableNodes: string[];
        }>;
      }>('GET', `/api/endpoints/${env.Id}`, { token });
      const s = after.body.Snapshots[0];
      expect(s?.Swarm).toBe(true);
      expect(s?.NodeCount).toBe(3);
      expect(s?.UnreachableNodes).toEqual([]);
      // At least the three agents and the three tasks (other files' containers may run too).
      expect(s?.RunningContainerCount).toBeGreaterThanOrEqual(6);
    } finally {
      if (serviceId)
        await http(via(1), 'DELETE', `/services/${serviceId}`, client.headers()).catch(() => undefined);
      await server.dispose();
      front.close();
    }
  });

  it('manager failover: with the leader (node1) powered off, node2’s agent still answers manager operations and names node1 unreachable', async () => {
    // Three managers keep quorum with one down.
    await docker(1, 'node', 'promote', 'node2', 'node3');
    try {
      await waitFor(
        'three reachable managers',
        async () => {
          const { stdout } = await docker(1, 'node', 'ls', '--format', '{{.Hostname}} {{.ManagerStatus}}');
          return stdout.split('\n').filter((l) => / (Leader|Reachable)$/.test(l)).length === 3;
        },
        60_000,
      );
      // Each agent re-reads its own node on every probe round: node2's agent sees the new roles.
      await waitFor('node2’s agent lists three managers', async () => {
        const res = await http(via(2), 'GET', '/agents', client.headers());
        return res.json<Array<{ NodeRole: string }>>().filter((a) => a.NodeRole === 'manager').length === 3;
      });
      await lab('stop', '1');

      // A new leader is elected among node2 and node3; until then the engine answers an error.
      const nodes = await waitFor(
        '/nodes through node2 naming node1 unreachable',
        async () => {
          const res = await http(via(2), 'GET', '/nodes', client.headers());
          if (res.status !== 200) return null;
          const list = res.json<SwarmNode[]>();
          const node1 = list.find((n) => n.Description.Hostname === 'node1');
          return node1?.ManagerStatus?.Reachability === 'unreachable' && list;
        },
        90_000,
      );
      expect(nodes.map((n) => n.Description.Hostname).sort()).toEqual(['node1', 'node2', 'node3']);
      const leader = nodes.find((n) => n.ManagerStatus?.Leader);
      expect(['node2', 'node3']).toContain(leader?.Description.Hostname);

      // Asked at once: node1's agent may still be in node2's table, on a kept-alive connection that a powered-off
      // node never answers; the liveness check gives it up within seconds (libs/agent/cluster transport).
      const services = await http(via(2), 'GET', '/services', client.headers());
      expect(services.status, services.text).toBe(200);
      expect(services.json<Array<{ Spec: { Name: string } }>>().map((x) => x.Spec.Name)).toContain(SERVICE);

      const agg = await http(via(2), 'GET', `/containers/json?filters=${filter()}`, client.headers());
      expect(agg.status).toBe(200);
      expect(agg.headers['x-capstan-agent-unreachable']).toBe('node1');
      expect(agg.json<Tagged[]>().map((c) => c.Portainer?.Agent?.NodeName)).toEqual(['node2', 'node3']);
    } finally {
      // node1 back (its Swarm state is on disk: it rejoins as a manager), then one manager again, as `up` expects.
      // (A plain `up` when the promotion itself had failed: one manager then.)
      await labWith({ SWARM_MANAGERS: '3' }, 'up').catch(() => lab('up'));
      for (const n of ['node2', 'node3'])
        await waitFor(`${n} demoted`, async () => (await docker(1, 'node', 'demote', n), true), 30_000);
      await waitFor(
        'one manager, three ready nodes',
        async () => {
          const { stdout } = await docker(1, 'node', 'ls', '--format', '{{.Status}} {{.ManagerStatus}}');
          const lines = stdout.trim().split('\n');
          return (
            lines.filter((l) => l.startsWith('Ready')).length === 3 &&
            lines.filter((l) => / (Leader|Reachable)$/.test(l)).length === 1
          );
        },
        60_000,
      );
      // node1's agent task is replaced by Swarm; the next tests go through it.
      await waitFor(
        'node1’s new agent lists the three nodes again, one manager',
        async () => {
          const res = await http(via(1), 'GET', '/agents', client.headers());
          const list = res.json<Array<{ NodeName: string; NodeRole: string }>>();
          const seen = list.map((a) => `${a.NodeName}:${a.NodeRole}`).join();
          if (seen === 'node1:manager,node2:worker,node3:worker') return true;
          throw new Error(`node1's agent lists ${res.text}`); // the last one is reported on timeout
        },
        90_000,
      );
    }
  }, 300_000);

  it('with node2 powered off, the aggregate answers at once and names node2', async () => {
    await lab('stop', '2');
    // Asked right away: node2 is still in node1's member table and its kept-alive connection is never answered
    // nor reset; the agent's liveness check (1 s, then a 3 s probe on a fresh connection) gives it up.
    const t0 = Date.now();
    const res = await http(via(1), 'GET', `/containers/json?filters=${filter()}`, client.headers()).catch(
      async (err: unknown) => {
        // What node1's agent says about its fan-out (failed or slow parts are logged with their node and time).
        const { stdout } = await docker(
          1,
          'ps',
          '-q',
          '--filter',
          `label=com.docker.swarm.service.name=${SERVICE}`,
        );
        const logs = await docker(1, 'logs', '--tail', '40', stdout.trim()).catch((e: unknown) => ({
          stdout: String(e),
          stderr: '',
        }));
        throw new Error(`${String(err)}\nnode1's agent:\n${logs.stdout}${logs.stderr}`);
      },
    );
    expect(res.status).toBe(200);
    expect(res.headers['x-capstan-agent-unreachable']).toBe('node2');
    expect(res.json<Tagged[]>().map((c) => c.Portainer?.Agent?.NodeName)).toEqual(['node1', 'node3']);
    expect(Date.now() - t0).toBeLessThan(10_000); // not the fan-out's 120 s budget
    // Asked again, node2 fails at once (until a probe hears it or it drops out of the table).
    const t1 = Date.now();
    const again = await http(via(1), 'GET', `/containers/json?filters=${filter()}`, client.headers());
    expect(again.headers['x-capstan-agent-unreachable']).toBe('node2');
    expect(Date.now() - t1).toBeLessThan(1_000);
  });
});

function filter(): string {
  return encodeURIComponent(JSON.stringify({ label: [`com.docker.swarm.service.name=${SERVICE}`] }));
}
