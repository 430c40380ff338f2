import { createServer } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startHarnessAgent, HarnessAgent } from './support/harness-agent';
import { holdLab, http, lab, labDown, nodeSocket, SignedClient, upgradedExec, waitFor } from './support/lab';

/**
 * The cluster lib on a real 3-node Swarm (tools/setup/swarm-lab.sh: node1 manager, node2 and node3 workers):
 * one agent per node, each on its node's own engine, finding the others through AGENT_CLUSTER_ADDR. The agents
 * run in this process on loopback (the lab's 10.99.0.0/24 is not routable from the host), so this suite proves
 * routing, fan-out, forwarding and failure reporting; swarm-service.e2e.ts proves DNS discovery in the lab.
 */
const isRoot = process.getuid?.() === 0;
const SERVICE = 'capstan-e2e-cluster';
const client = new SignedClient();
const agents: HarnessAgent[] = [];
const port = (node: number): { port: number } => ({ port: agents[node - 1].port });

interface Tagged {
  Id: string;
  Names?: string[];
  Labels?: Record<string, string>;
  Portainer?: { Agent?: { NodeName?: string } };
}

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((r) => {
          const s = createServer();
          s.listen(0, '127.0.0.1', () => r(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

async function runningTasks(viaNode: number): Promise<Array<{ NodeID: string }>> {
  const filters = encodeURIComponent(JSON.stringify({ service: [SERVICE], 'desired-state': ['running'] }));
  const res = await http(port(viaNode), 'GET', `/tasks?filters=${filters}`, client.headers());
  expect(res.status).toBe(200);
  return res
    .json<Array<{ NodeID: string; Status: { State: string } }>>()
    .filter((t) => t.Status.State === 'running');
}

describe.skipIf(!isRoot)('agent cluster on a 3-node Swarm (in-process agents)', () => {
  let release: () => void = () => undefined;

  beforeAll(async () => {
    release = await holdLab();
    await lab('up');
    const ports = await freePorts(3);
    const clusterAddr = ports.map((p) => `127.0.0.1:${p}`).join(',');
    for (const [i, p] of ports.entries()) {
      agents.push(
        await startHarnessAgent({ socketPath: nodeSocket(i + 1), host: '127.0.0.1', port: p, clusterAddr }),
      );
    }
    await Promise.all(
      agents.map((a) =>
        waitFor('3 members', async () => (await a.cluster.refresh(), a.cluster.members().length === 3)),
      ),
    );
  });

  afterAll(async () => {
    try {
      await Promise.all(agents.map((a) => a.close()));
      // The lab may stay up for the next suites (runner): leave no service behind.
      await http({ socketPath: nodeSocket(1) }, 'DELETE', `/services/${SERVICE}`).catch(() => undefined);
      await labDown();
    } finally {
      release();
    }
  });

  it('every agent lists the three nodes with role and leadership learnt from the peers themselves', async () => {
    const res = await http(port(3), 'GET', '/agents', client.headers());
    expect(res.status).toBe(200);
    expect(res.json()).toEqual([
      {
        IPAddress: '127.0.0.1',
        Port: String(agents[0].port),
        NodeName: 'node1',
        NodeRole: 'manager',
        EdgeKeySet: false,
      },
      {
        IPAddress: '127.0.0.1',
        Port: String(agents[1].port),
        NodeName: 'node2',
        NodeRole: 'worker',
        EdgeKeySet: false,
      },
      {
        IPAddress: '127.0.0.1',
        Port: String(agents[2].port),
        NodeName: 'node3',
        NodeRole: 'worker',
        EdgeKeySet: false,
      },
    ]);
    expect(agents[0].cluster.table.manager()?.leader).toBe(true);
  });

  it('runs manager operations through a worker agent: info, create and scale a service', async () => {
    const info = await http(port(2), 'GET', '/v1.41/info', client.headers());
    expect(info.status).toBe(200);
    expect(info.json<{ Name: string; Swarm: { ControlAvailable: boolean } }>()).toMatchObject({
      Name: 'node1',
      Swarm: { ControlAvailable: true },
    });

    const unsigned = await http(port(2), 'POST', '/services/create', {}, {});
    expect(unsigned.status).toBe(403);

    const created = await http(port(2), 'POST', '/services/create', client.headers(), {
      Name: SERVICE,
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
    const tasks = await waitFor('3 running tasks, one per node', async () => {
      const t = await runningTasks(3);
      return t.length === 3 && t;
    });
    expect(new Set(tasks.map((t) => t.NodeID)).size).toBe(3);

    const svc = await http(port(3), 'GET', `/services/${ID}`, client.headers());
    expect(svc.status).toBe(200);
    const { Version, Spec } = svc.json<{ Version: { Index: number }; Spec: Record<string, unknown> }>();
    // Scale to 2 (at most one per node): one node ends up without a task.
    const scaled = await http(
      port(2),
      'POST',
      `/services/${ID}/update?version=${Version.Index}`,
      client.headers(),
      {
        ...Spec,
        Mode: { Replicated: { Replicas: 2 } },
      },
    );
    expect(scaled.status).toBe(200);
    await waitFor('2 running tasks', async () => (await runningTasks(2)).length === 2);
  });

  it('fans GET /containers/json out to every node, tags each item with its node, in node order', async () => {
    await waitFor('service containers on 2 nodes', async () => {
      const res = await http(port(2), 'GET', `/containers/json?filters=${filterLabel()}`, client.headers());
      return res.json<Tagged[]>().length === 2;
    });
    const res = await http(port(2), 'GET', '/containers/json?all=1', client.headers());
    expect(res.status).toBe(200);
    expect(res.headers['x-capstan-agent-unreachable']).toBeUndefined();
    const items = res.json<Tagged[]>();
    const nodes = items.map((c) => c.Portainer?.Agent?.NodeName);
    expect(nodes).toEqual([...nodes].sort());
    // Each item is tagged with the engine that really holds it.
    for (const n of [1, 2, 3]) {
      const direct = await http({ socketPath: nodeSocket(n) }, 'GET', '/containers/json?all=1');
      const ids = direct.json<Tagged[]>().map((c) => c.Id);
      expect(items.filter((c) => c.Portainer?.Agent?.NodeName === `node${n}`).map((c) => c.Id)).toEqual(ids);
    }

    // The same with a version prefix, and the other three fanned-out lists keep their shapes.
    const images = await http(port(3), 'GET', '/v1.41/images/json', client.headers());
    const imageNodes = new Set(images.json<Tagged[]>().map((i) => i.Portainer?.Agent?.NodeName));
    expect(imageNodes).toEqual(new Set(['node1', 'node2', 'node3']));
    const volumes = await http(port(1), 'GET', '/volumes', client.headers());
    expect(Object.keys(volumes.json<object>())).toEqual(['Volumes']);
    const networks = await http(port(1), 'GET', '/networks', client.headers());
    expect(
      networks.json<Array<{ Name: string; Portainer: unknown }>>().filter((n) => n.Name === 'bridge'),
    ).toHaveLength(3);

    // Target = this node: its own list only, untagged (as the original).
    const local = await http(
      port(1),
      'GET',
      '/containers/json',
      client.headers({ 'X-PortainerAgent-Target': 'node1' }),
    );
    expect(local.json<Tagged[]>().every((c) => c.Portainer === undefined)).toBe(true);

    // A bad request is the caller's error, answered as the engines answer it — not an empty list naming every
    // node unreachable: an unknown filter (400), and a malformed one (Docker says 500 on every node).
    for (const [filters, status] of [
      ['{"nosuch":["x"]}', 400],
      ['{"label":', 500],
    ] as const) {
      const q = `/containers/json?filters=${encodeURIComponent(filters)}`;
      const direct = await http({ socketPath: nodeSocket(1) }, 'GET', q);
      expect(direct.status).toBe(status);
      const bad = await http(port(2), 'GET', q, client.headers());
      expect(bad.status, bad.text).toBe(status);
      expect(bad.json()).toEqual(direct.json());
      expect(bad.headers['x-capstan-agent-unreachable']).toBeUndefined();
    }
    // A fanned-out list carries no big body: over 1 MB is refused before any node is asked.
    const big = await http(port(2), 'GET', '/images/json', client.headers(), { pad: 'x'.repeat(1_100_000) });
    expect(big.status, big.text).toBe(413);
    expect(big.json()).toMatchObject({ message: 'Request body too large' });
  });

  it('execs into a container on a worker through another node’s agent (target header, upgraded stream relayed)', async () => {
    const onNode = await waitFor('a service container on node2 or node3', async () => {
      for (const n of [3, 2]) {
        const list = await http(
          { socketPath: nodeSocket(n) },
          'GET',
          `/containers/json?filters=${filterLabel()}`,
        );
        const c = list.json<Tagged[]>()[0];
        if (c) return { n, id: c.Id };
      }
      return null;
    });
    const target = { 'X-PortainerAgent-Target': `node${onNode.n}` };
    // Without the target the container is not on node1's engine.
    const missing = await http(port(1), 'POST', `/containers/${onNode.id}/exec`, client.headers(), {
      Cmd: ['true'],
    });
    expect(missing.status, missing.text).toBe(404);

    const exec = await http(port(1), 'POST', `/containers/${onNode.id}/exec`, client.headers(target), {
      Cmd: ['sh', '-c', 'echo "exec-on-$(cat /etc/hostname)"'],
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
    });
    expect(exec.status).toBe(201);
    const { Id } = exec.json<{ Id: string }>();
    const { statusLine, output } = await upgradedExec(agents[0].port, Id, client.headers(target));
    expect(statusLine).toMatch(/^HTTP\/1\.1 101/);
    expect(output).toContain(`exec-on-${onNode.id.slice(0, 12)}`);

    const unknown = await http(
      port(1),
      'GET',
      `/containers/${onNode.id}/json`,
      client.headers({ 'X-PortainerAgent-Target': 'node9' }),
    );
    expect(unknown.status).toBe(500);
    expect(unknown.json()).toEqual({
      message: 'The agent was unable to contact any other agent',
      details: 'Unable to find the targeted agent',
    });
  });

  it('a badly signed request is refused before any routing (fan-out or forward)', async () => {
    const bad = {
      ...client.headers(),
      'X-PortainerAgent-Signature': new SignedClient().headers()['X-PortainerAgent-Signature'],
    };
    expect((await http(port(1), 'GET', '/containers/json', bad)).status).toBe(403);
    const forwarded = await http(port(1), 'GET', '/info', { ...bad, 'X-PortainerAgent-Target': 'node3' });
    expect(forwarded.status).toBe(403);
  });

  it('with node2 powered off the aggregate still answers and names node2', async () => {
    await lab('stop', '2');
    // node2's agent is up but its engine is gone: its part fails.
    const engineGone = await http(port(1), 'GET', '/containers/json', client.headers());
    expect(engineGone.status).toBe(200);
    expect(engineGone.headers['x-capstan-agent-unreachable']).toBe('node2');
    const direct = await Promise.all(
      [1, 3].map(async (n) =>
        (await http({ socketPath: nodeSocket(n) }, 'GET', '/containers/json')).json<Tagged[]>(),
      ),
    );
    expect(engineGone.json<Tagged[]>().map((c) => c.Id)).toEqual(direct.flat().map((c) => c.Id));

    // The agent goes too (the whole node off): first a refused connection, then dropped as a member but still named.
    await agents[1].close();
    const started = Date.now();
    const refused = await http(port(3), 'GET', '/images/json', client.headers());
    expect(refused.status).toBe(200);
    expect(refused.headers['x-capstan-agent-unreachable']).toBe('node2');
    expect(Date.now() - started).toBeLessThan(3_000);
    await waitFor('node2 dropped from the members', async () => {
      await agents[0].cluster.refresh();
      return agents[0].cluster.members().every((m) => m.NodeName !== 'node2');
    });
    const afterExpiry = await http(port(1), 'GET', '/containers/json', client.headers());
    expect(afterExpiry.headers['x-capstan-agent-unreachable']).toBe('node2');
    const agentsList = await http(port(1), 'GET', '/agents', client.headers());
    expect(agentsList.json<Array<{ NodeName: string }>>().map((a) => a.NodeName)).toEqual(['node1', 'node3']);
  });
});

function filterLabel(): string {
  return encodeURIComponent(JSON.stringify({ label: [`com.docker.swarm.service.name=${SERVICE}`] }));
}
