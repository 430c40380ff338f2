import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import { connect as tlsConnect } from 'node:tls';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

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
const client = new SignedClient();
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

      await dropped(2, 'node1'); // see the last test: a stale kept-alive connection may stall the aggregate
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
      // node1's agent task is replaced by Swarm; the next test goes through it and needs it to see node3.
      // (It does not always list itself again: reported — see the README.)
      await waitFor(
        'node1’s new agent sees node2 and node3 as workers again',
        async () => {
          const res = await http(via(1), 'GET', '/agents', client.headers());
          const peers = res
            .json<Array<{ NodeName: string; NodeRole: string }>>()
            .filter((a) => a.NodeName !== 'node1')
            .map((a) => `${a.NodeName}:${a.NodeRole}`);
          if (peers.join() === 'node2:worker,node3:worker') return true;
          throw new Error(`node1's agent lists ${res.text}`); // the last one is reported on timeout
        },
        90_000,
      );
    }
  }, 300_000);

  it('with node2 powered off, the aggregate answers and names node2', async () => {
    await lab('stop', '2');
    // Asked at once, the aggregate can stall for the agent's 2-minute fan-out budget: a kept-alive connection to
    // node2's agent (the probes') is reused and the powered-off node never answers nor resets it (reported:
    // libs/agent/cluster transport.ts fetchJson). After node2 drops out of node1's member table it is answered
    // at once and node2 is still named.
    await dropped(1, 'node2');
    const res = await http(via(1), 'GET', `/containers/json?filters=${filter()}`, client.headers());
    expect(res.status).toBe(200);
    expect(res.headers['x-capstan-agent-unreachable']).toBe('node2');
    expect(res.json<Tagged[]>().map((c) => c.Portainer?.Agent?.NodeName)).toEqual(['node1', 'node3']);
  });
});

/** Waits until node `via`'s agent no longer lists `nodeName` as a member (10 s expiry after its last answer). */
async function dropped(viaNode: number, nodeName: string): Promise<void> {
  await waitFor(`${nodeName} dropped from node${viaNode}'s members`, async () => {
    const res = await http(via(viaNode), 'GET', '/agents', client.headers());
    return (
      res.status === 200 && res.json<Array<{ NodeName: string }>>().every((a) => a.NodeName !== nodeName)
    );
  });
}

function filter(): string {
  return encodeURIComponent(JSON.stringify({ label: [`com.docker.swarm.service.name=${SERVICE}`] }));
}
