import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { http, lab, nodeSocket, SignedClient, waitFor } from './support/lab';

const run = promisify(execFile);

/**
 * The stand-in agent (cluster lib + pass-through, bundled into an image on capstan/node:20-local) deployed as a
 * Swarm global service in the lab: overlay network, dnsrr endpoint mode, the node's Docker socket mounted, the
 * port published in host mode. The agents find each other through tasks.<service> (the service name read from
 * their own container's label) — nothing is configured. The client reaches each node's published port from the
 * lab's switch namespace through a unix-socket relay.
 */
const isRoot = process.getuid?.() === 0;
const IMAGE = 'capstan/e2e-swarm-agent:local';
const SERVICE = 'capstan-agent';
const client = new SignedClient();
let dir = '';
let relay: ChildProcess | null = null;
const via = (n: number): { socketPath: string } => ({ socketPath: join(dir, `relay-${n}.sock`) });
const docker = (n: number, ...args: string[]) => run('docker', ['-H', `unix://${nodeSocket(n)}`, ...args]);

interface Tagged {
  Id: string;
  Labels: Record<string, string>;
  Portainer?: { Agent?: { NodeName?: string } };
}

describe.skipIf(!isRoot)('the cluster as a Swarm global service (DNS discovery in the lab)', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'capstan-swarm-'));
    const { bundleHarness } = await import('./support/bundle-harness.mjs');
    await bundleHarness(dir);
    writeFileSync(
      join(dir, 'Dockerfile'),
      'FROM capstan/node:20-local\nCOPY harness.cjs /app/harness.cjs\nENV AGENT_PORT=9001\nCMD ["node", "/app/harness.cjs"]\n',
    );
    await run('docker', ['build', '-q', '-t', IMAGE, dir], { env: { ...process.env, DOCKER_BUILDKIT: '0' } });
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
    if (isRoot) {
      await docker(1, 'service', 'rm', SERVICE).catch(() => undefined);
      await lab('down');
      await run('docker', ['rmi', IMAGE]).catch(() => undefined);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
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

  it('with node2 powered off, the aggregate answers and names node2', async () => {
    await lab('stop', '2');
    const res = await http(via(1), 'GET', `/containers/json?filters=${filter()}`, client.headers());
    expect(res.status).toBe(200);
    expect(res.headers['x-capstan-agent-unreachable']).toBe('node2');
    expect(res.json<Tagged[]>().map((c) => c.Portainer?.Agent?.NodeName)).toEqual(['node1', 'node3']);
  });
});

function filter(): string {
  return encodeURIComponent(JSON.stringify({ label: [`com.docker.swarm.service.name=${SERVICE}`] }));
}
