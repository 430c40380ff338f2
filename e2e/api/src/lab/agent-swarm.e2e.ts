/**
 * Agent environments on the Swarm lab (e2e/api/src/lab: the lab is up and locked, see support/lab.ts): the built
 * agent on the manager's engine (a Swarm snapshot through it), then three agents in cluster mode — one per node,
 * found through AGENT_CLUSTER_ADDR on loopback — added through a worker's agent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, TestServer } from '@capstan/testing';
import { initAdmin, uniqueName, withAdminServer } from '../support/fixtures';
import { AGENT_MAIN, converse, createAgentEnv, startAgent, type RealAgent } from '../support/agent';
import { labCall, labSocket, useLab, type LabHold } from './support/lab';

describe('agent environment on a Swarm manager (the lab’s node1, 3 nodes)', () => {
  const env = withAdminServer();
  let agent: RealAgent | undefined;
  let lab: LabHold | undefined;

  beforeAll(async () => {
    lab = await useLab();
    if (lab.unavailable) return;
    agent = await startAgent({ DOCKER_HOST: `unix://${labSocket(1)}` });
    if (!agent) throw new Error(`the built agent (${AGENT_MAIN}) does not answer HTTPS /ping`);
  });
  afterAll(() => {
    agent?.proc.kill('SIGTERM');
    lab?.release();
  });

  it('snapshots the Swarm through the agent: nodes counted from /nodes, CPU and memory summed over them', async (ctx) => {
    if (!agent) return ctx.skip(lab?.unavailable);
    const r = await createAgentEnv(env, `127.0.0.1:${agent.port}`);
    expect(r.status, JSON.stringify(r.body) + agent.output()).toBe(200);
    const nodes = await env.server.request<
      { Description: { Resources: { NanoCPUs: number; MemoryBytes: number } } }[]
    >('GET', `/api/endpoints/${r.body.Id}/docker/nodes`, { token: env.admin });
    expect(nodes.status, nodes.text).toBe(200);
    expect(nodes.body.length).toBeGreaterThanOrEqual(2);
    const s = await env.server.request('POST', `/api/endpoints/${r.body.Id}/snapshot`, { token: env.admin });
    expect(s.status, s.text).toBe(204);
    const e = await env.server.request<{
      Snapshots: { Swarm: boolean; NodeCount: number; TotalCPU: number; TotalMemory: number }[];
    }>('GET', `/api/endpoints/${r.body.Id}`, { token: env.admin });
    const snap = e.body.Snapshots[0];
    expect(snap?.Swarm).toBe(true);
    expect(snap?.NodeCount).toBe(nodes.body.length);
    const sum = (f: (n: (typeof nodes.body)[number]) => number) => nodes.body.reduce((a, n) => a + f(n), 0);
    expect(snap?.TotalCPU).toBe(Math.floor(sum((n) => n.Description.Resources.NanoCPUs) / 1e9));
    expect(snap?.TotalMemory).toBe(sum((n) => n.Description.Resources.MemoryBytes));
  });
});

describe('agent environment on the 3-node lab Swarm (three real agents in cluster mode)', () => {
  const secret = `lab-${uniqueName('s')}`;
  let server: TestServer | undefined;
  let admin = '';
  let lab: LabHold | undefined;
  const agents: RealAgent[] = [];
  let envId = 0;
  let containerId = '';
  let node3Name = '';
  const docker = (path: string) => `/api/endpoints/${envId}/docker${path}`;

  beforeAll(async () => {
    lab = await useLab();
    if (lab.unavailable) return;
    const ports = [await freePort(), await freePort(), await freePort()];
    const clusterAddr = ports.map((p) => `127.0.0.1:${p}`).join(',');
    for (const [i, port] of ports.entries()) {
      const a = await startAgent({
        AGENT_PORT: String(port),
        DOCKER_HOST: `unix://${labSocket(i + 1)}`,
        AGENT_CLUSTER_ADDR: clusterAddr,
        AGENT_SECRET: secret,
      });
      if (!a) throw new Error(`the built agent (${AGENT_MAIN}) did not start in cluster mode`);
      agents.push(a);
    }
    const info = await labCall<{ Name: string }>(3, 'GET', '/info');
    node3Name = info.body.Name;
    const created = await labCall<{ Id: string }>(
      3,
      'POST',
      `/containers/create?name=${uniqueName('on-node3')}`,
      {
        // The lab's nodes hold busybox as local/busybox (tools/setup/swarm-lab.sh).
        Image: 'local/busybox:latest',
        Cmd: ['sleep', '300'],
      },
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    containerId = created.body.Id;
    await labCall(3, 'POST', `/containers/${containerId}/start`);
    server = await TestServer.start({ env: { CAPSTAN_AGENT_SECRET: secret } });
    admin = await initAdmin(server);
  }, 120_000);

  afterAll(async () => {
    if (containerId) await labCall(3, 'DELETE', `/containers/${containerId}?force=1`).catch(() => undefined);
    for (const a of agents) a.proc.kill('SIGTERM');
    await server?.dispose();
    lab?.release();
  });

  it('lists every node’s containers tagged with their node, runs manager operations and execs on a worker', async (ctx) => {
    if (!server) return ctx.skip(lab?.unavailable);
    const s = server;
    // Through node2's agent (a worker): manager operations must still reach the manager.
    const r = await createAgentEnv({ server: s, admin }, `127.0.0.1:${agents[1]?.port ?? 0}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    envId = r.body.Id;
    let tagged: { Id: string; Portainer?: { Agent?: { NodeName?: string } } }[] = [];
    for (let i = 0; i < 50; i++) {
      const list = await s.request<typeof tagged>('GET', docker('/containers/json'), { token: admin });
      expect(list.status, list.text).toBe(200);
      tagged = list.body;
      if (tagged.some((c) => c.Id === containerId)) break;
      await new Promise((res) => setTimeout(res, 200));
    }
    expect(tagged.find((c) => c.Id === containerId)?.Portainer?.Agent?.NodeName).toBe(node3Name);
    const nodes = await s.request<unknown[]>('GET', docker('/nodes'), { token: admin });
    expect(nodes.status, nodes.text).toBe(200);
    expect(nodes.body).toHaveLength(3);
    const exec = await s.request<{ Id: string }>(
      'POST',
      docker(`/containers/${containerId}/exec?nodeName=${encodeURIComponent(node3Name)}`),
      { token: admin, body: { AttachStdin: true, AttachStdout: true, Tty: true, Cmd: ['hostname'] } },
    );
    expect(exec.status, exec.text).toBe(201);
    const url = `${s.baseUrl.replace('http', 'ws')}/api/websocket/exec?endpointId=${envId}&id=${exec.body.Id}&nodeName=${encodeURIComponent(node3Name)}&token=${admin}`;
    const seen = await converse(url, [], new RegExp(containerId.slice(0, 12)));
    expect(seen).toContain(containerId.slice(0, 12));
    const snap = await s.request('POST', `/api/endpoints/${envId}/snapshot`, { token: admin });
    expect(snap.status, snap.text).toBe(204);
    const e = await s.request<{ Snapshots: { NodeCount: number; ContainerCount: number }[] }>(
      'GET',
      `/api/endpoints/${envId}`,
      { token: admin },
    );
    expect(e.body.Snapshots[0]?.NodeCount).toBe(3);
    expect(e.body.Snapshots[0]?.ContainerCount).toBe(tagged.length);
  });
});
