/**
 * A Swarm agent environment called without `nodeName`, and with a node whose agent is gone (e2e/api/src/lab: the
 * lab is up and locked, see support/lab.ts). Three real agents in cluster mode, one per lab node, found through
 * AGENT_CLUSTER_ADDR on loopback; the environment is added through node1's agent (the manager).
 *
 * - the server finds the node of a container on node3 by itself: inspect, logs, exec create and the exec console,
 *   live logs, all without `nodeName`;
 * - node3's agent stopped: the aggregated lists still answer, the proxy passes `X-Capstan-Agent-Unreachable`
 *   naming node3, and the snapshot records it in `UnreachableNodes`. The agent is started again afterwards; the lab
 *   itself is not changed (only this file's agents stop).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CLUSTER_HEADERS, parseUnreachableNodes } from '@capstan/contracts-agent';
import { freePort, TestServer } from '@capstan/testing';
import { initAdmin, uniqueName } from '../support/fixtures';
import { AGENT_MAIN, converse, createAgentEnv, startAgent, type RealAgent } from '../support/agent';
import { labCall, labSocket, useLab, type LabHold } from './support/lab';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Swarm agent environment: nodes resolved by the server, unreachable nodes reported', () => {
  const secret = `lab-${uniqueName('s')}`;
  let server: TestServer | undefined;
  let admin = '';
  let lab: LabHold | undefined;
  const agents: (RealAgent | undefined)[] = [];
  const ports: number[] = [];
  let clusterAddr = '';
  let envId = 0;
  let containerId = '';
  let containerName = '';
  let node3Name = '';
  const docker = (path: string) => `/api/endpoints/${envId}/docker${path}`;
  const agentEnv = (i: number) => ({
    AGENT_PORT: String(ports[i]),
    DOCKER_HOST: `unix://${labSocket(i + 1)}`,
    AGENT_CLUSTER_ADDR: clusterAddr,
    AGENT_SECRET: secret,
  });

  beforeAll(async () => {
    lab = await useLab();
    if (lab.unavailable) return;
    for (let i = 0; i < 3; i++) ports.push(await freePort());
    clusterAddr = ports.map((p) => `127.0.0.1:${p}`).join(',');
    for (let i = 0; i < 3; i++) {
      const a = await startAgent(agentEnv(i));
      if (!a) throw new Error(`the built agent (${AGENT_MAIN}) did not start in cluster mode`);
      agents.push(a);
    }
    node3Name = (await labCall<{ Name: string }>(3, 'GET', '/info')).body.Name;
    containerName = uniqueName('n3');
    const created = await labCall<{ Id: string }>(3, 'POST', `/containers/create?name=${containerName}`, {
      Image: 'local/busybox:latest',
      Cmd: ['sh', '-c', 'echo ready-on-node3; sleep 300'],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    containerId = created.body.Id;
    await labCall(3, 'POST', `/containers/${containerId}/start`);
    server = await TestServer.start({ env: { CAPSTAN_AGENT_SECRET: secret } });
    admin = await initAdmin(server);
    const r = await createAgentEnv({ server, admin }, `127.0.0.1:${ports[0] ?? 0}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    envId = r.body.Id;
    // The agents find each other within a few probe rounds: wait until node3's container is listed.
    for (let i = 0; i < 75; i++) {
      const list = await server.request<{ Id: string }[]>('GET', docker('/containers/json'), {
        token: admin,
      });
      if (list.status === 200 && list.body.some((c) => c.Id === containerId)) break;
      await sleep(200);
    }
  }, 120_000);

  afterAll(async () => {
    if (containerId) await labCall(3, 'DELETE', `/containers/${containerId}?force=1`).catch(() => undefined);
    for (const a of agents) a?.proc.kill('SIGTERM');
    await server?.dispose();
    lab?.release();
  });

  it('inspects, reads logs of and execs into a container on node3 without nodeName', async (ctx) => {
    if (!server) return ctx.skip(lab?.unavailable);
    const s = server;
    // Through node1's agent, untargeted: without resolution node1 would answer "No such container".
    for (const ref of [containerId, containerId.slice(0, 12), containerName]) {
      const inspect = await s.request<{ Id: string }>('GET', docker(`/containers/${ref}/json`), {
        token: admin,
      });
      expect(inspect.status, `${ref}: ${inspect.text}`).toBe(200);
      expect(inspect.body.Id).toBe(containerId);
    }
    const logs = await s.request('GET', docker(`/containers/${containerId}/logs?stdout=1`), { token: admin });
    expect(logs.status).toBe(200);
    expect(logs.text).toContain('ready-on-node3');
    const exec = await s.request<{ Id: string }>('POST', docker(`/containers/${containerName}/exec`), {
      token: admin,
      body: { AttachStdin: true, AttachStdout: true, Tty: true, Cmd: ['hostname'] },
    });
    expect(exec.status, exec.text).toBe(201);
    // The exec id alone: the server asks every member which one made it.
    const execInspect = await s.request<{ ContainerID: string }>(
      'GET',
      docker(`/exec/${exec.body.Id}/json`),
      {
        token: admin,
      },
    );
    expect(execInspect.status, execInspect.text).toBe(200);
    expect(execInspect.body.ContainerID).toBe(containerId);
    const ws = `${s.baseUrl.replace('http', 'ws')}/api/websocket`;
    const seen = await converse(
      `${ws}/exec?endpointId=${envId}&id=${exec.body.Id}&token=${admin}`,
      [],
      new RegExp(containerId.slice(0, 12)),
    );
    expect(seen).toContain(containerId.slice(0, 12));
    // Live logs by name, without nodeName.
    const line = await new Promise<string>((resolve, reject) => {
      const socket = new WebSocket(`${ws}/logs?endpointId=${envId}&id=${containerName}&token=${admin}`);
      const timer = setTimeout(() => reject(new Error('no log line')), 10_000);
      socket.on('message', (data: Buffer) => {
        clearTimeout(timer);
        socket.close();
        resolve(data.toString('utf8'));
      });
      socket.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      socket.on('error', reject);
    });
    expect(JSON.parse(line)).toMatchObject({ stream: 'stdout', line: 'ready-on-node3' });
    // A container that is nowhere still gets the agent's own 404.
    const missing = await s.request('GET', docker(`/containers/${uniqueName('nowhere')}/json`), {
      token: admin,
    });
    expect(missing.status).toBe(404);
  });

  it('names node3 when its agent is gone: lists answer with the header, the snapshot records it', async (ctx) => {
    if (!server) return ctx.skip(lab?.unavailable);
    const s = server;
    const complete = await s.request('GET', docker('/containers/json?all=1'), { token: admin });
    expect(complete.headers.get(CLUSTER_HEADERS.unreachable)).toBeNull();
    agents[2]?.proc.kill('SIGTERM');
    await new Promise((r) => agents[2]?.proc.once('exit', r));
    try {
      let missing: string[] = [];
      let body: { Id: string }[] = [];
      for (let i = 0; i < 50 && missing.length === 0; i++) {
        const r = await s.request<{ Id: string }[]>('GET', docker('/containers/json?all=1'), {
          token: admin,
        });
        expect(r.status, r.text).toBe(200);
        missing = parseUnreachableNodes(r.headers.get(CLUSTER_HEADERS.unreachable));
        body = r.body;
        if (missing.length === 0) await sleep(200);
      }
      expect(missing).toEqual([node3Name]);
      expect(body.some((c) => c.Id === containerId)).toBe(false);
      for (const path of ['/images/json', '/volumes', '/networks']) {
        const r = await s.request('GET', docker(path), { token: admin });
        expect(r.status, `${path}: ${r.text}`).toBe(200);
        expect(parseUnreachableNodes(r.headers.get(CLUSTER_HEADERS.unreachable)), path).toEqual([node3Name]);
      }
      // The live dashboard counts say they miss node3 too.
      const dash = await s.request<{ unreachableNodes: string[] }>('GET', `/api/docker/${envId}/dashboard`, {
        token: admin,
      });
      expect(dash.status, dash.text).toBe(200);
      expect(dash.body.unreachableNodes).toEqual([node3Name]);
      const snap = await s.request('POST', `/api/endpoints/${envId}/snapshot`, { token: admin });
      expect(snap.status, snap.text).toBe(204);
      const e = await s.request<{
        Status: number;
        Snapshots: { UnreachableNodes: string[]; NodeCount: number }[];
      }>('GET', `/api/endpoints/${envId}`, { token: admin });
      expect(e.body.Status).toBe(1);
      expect(e.body.Snapshots[0]?.UnreachableNodes).toEqual([node3Name]);
      expect(e.body.Snapshots[0]?.NodeCount).toBe(3);
    } finally {
      // node3's agent back, as the file found it.
      agents[2] = await startAgent(agentEnv(2));
    }
    expect(agents[2]).toBeDefined();
    let back: string[] = [node3Name];
    for (let i = 0; i < 75 && back.length > 0; i++) {
      const r = await s.request('GET', docker('/containers/json?all=1'), { token: admin });
      back = parseUnreachableNodes(r.headers.get(CLUSTER_HEADERS.unreachable));
      if (back.length > 0) await sleep(200);
    }
    expect(back).toEqual([]);
    const snap = await s.request('POST', `/api/endpoints/${envId}/snapshot`, { token: admin });
    expect(snap.status).toBe(204);
    const e = await s.request<{ Snapshots: { UnreachableNodes: string[] }[] }>(
      'GET',
      `/api/endpoints/${envId}`,
      {
        token: admin,
      },
    );
    expect(e.body.Snapshots[0]?.UnreachableNodes).toEqual([]);
  });
});
