#!/usr/bin/env node
// Async edge mode: BENCH_ASYNC_ENVS edge environments (default 100), each switched to async mode by a simulated
// agent's full snapshot of BENCH_CONTAINERS containers (default 30). Then BENCH_CONNECTIONS clients (default 20),
// each owning its share of the agents, send for BENCH_DURATION_MS (default 8 s) each of:
//   - snapshot patches (one container's state flips; the patch's hash is the server's base, so every one applies),
//   - full snapshots (the same snapshot, whole),
//   - command ticks (commandTimestamp, no snapshot: the queue read),
// and the same clients read GET /api/users/me (a plain authenticated GET) as the baseline. Prints req/s, p50, p99,
// the body sizes and the load generator's CPU. Figures only; no assertions.
//   node tools/bench/edge-async.mjs
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import jsonPatch from 'fast-json-patch';

import {
  adminAuth,
  cleanup,
  isMain,
  percentile,
  request,
  requireServerBuild,
  startServer,
  tempDir,
  waitForStatus,
} from './lib.mjs';

/** The async snapshot hash: FNV-1a-32 of the Go encoding/json bytes (agent protocol §5.10). */
function snapshotHash(value) {
  const text = JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026');
  let h = 0x811c9dc5;
  for (const b of Buffer.from(text, 'utf8')) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

function snapshot(containers, flip) {
  const list = Array.from({ length: containers }, (_, i) => ({
    Id: `c${i}`.padEnd(64, '0'),
    Names: [`/app-${i}`],
    Image: 'busybox:latest',
    ImageID: 'sha256:abc',
    Command: 'sleep 600',
    Created: 1_700_000_000 + i,
    State: i === 0 && flip ? 'exited' : 'running',
    Status: i === 0 && flip ? 'Exited (0) 1 second ago' : 'Up 3 minutes',
    Labels: { 'com.docker.compose.project': `p${i % 5}`, 'com.docker.compose.service': `s${i}` },
    Mounts: [],
    NetworkSettings: { Networks: { bridge: { IPAddress: `172.17.0.${i + 2}` } } },
    Env: ['PATH=/usr/bin', `N=${i}`],
  }));
  return {
    Time: 1_700_000_000,
    DockerVersion: '20.10.24',
    Swarm: false,
    TotalCPU: 2,
    TotalMemory: 4_000_000_000,
    ContainerCount: 0,
    RunningContainerCount: list.filter((c) => c.State === 'running').length,
    StoppedContainerCount: list.filter((c) => c.State !== 'running').length,
    HealthyContainerCount: 0,
    UnhealthyContainerCount: 0,
    VolumeCount: 1,
    ImageCount: 1,
    ServiceCount: 0,
    StackCount: 5,
    DockerSnapshotRaw: {
      Containers: list,
      Volumes: { Volumes: [{ Name: 'data', Driver: 'local' }], Warnings: null },
      Networks: [{ Name: 'bridge', Id: 'n1' }],
      Images: [{ Id: 'sha256:abc', RepoTags: ['busybox:latest'], Size: 1_000_000 }],
      Info: { Name: 'bench', NCPU: 2, MemTotal: 4_000_000_000 },
      Version: { Version: '20.10.24' },
    },
    NodeCount: 1,
    GpuUseAll: false,
    GpuUseList: [],
    IsPodman: false,
  };
}

/** `connections` loops, each over its own agents; `body(agent)` gives the next request of that agent. */
async function load(baseUrl, agents, body, { connections, durationMs, path = '/api/endpoints/edge/async' }) {
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies = [];
  let good = 0;
  let bad = 0;
  const deadline = Date.now() + durationMs;
  const cpu0 = process.cpuUsage();
  const started = process.hrtime.bigint();
  const one = (a) =>
    new Promise((res) => {
      const { method, headers, payload, ok } = body(a);
      const t0 = process.hrtime.bigint();
      const req = http.request(`${baseUrl}${path}`, { method, agent: httpAgent, headers }, (r) => {
        let text = '';
        r.on('data', (c) => (text += c));
        r.on('end', () => {
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
          if (ok(r.statusCode, text)) good++;
          else bad++;
          res();
        });
      });
      req.on('error', () => {
        bad++;
        res();
      });
      req.end(payload);
    });
  await Promise.all(
    Array.from({ length: connections }, async (_, c) => {
      const mine = agents.filter((_, i) => i % connections === c);
      for (let i = 0; Date.now() < deadline; i++) await one(mine[i % mine.length]);
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  httpAgent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    reqPerSec: good / seconds,
    bad,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    generatorCpuPct: ((cpu.user + cpu.system) / 1e6 / seconds) * 100,
  };
}

export async function edgeAsync({
  envs = Number(process.env.BENCH_ASYNC_ENVS ?? 100),
  containers = Number(process.env.BENCH_CONTAINERS ?? 30),
  connections = Number(process.env.BENCH_CONNECTIONS ?? 20),
  durationMs = Number(process.env.BENCH_DURATION_MS ?? 8_000),
} = {}) {
  requireServerBuild();
  const dataDir = tempDir('capstan-bench-async-');
  const server = await startServer({ dataDir });
  try {
    await waitForStatus(server);
    const auth = await adminAuth(server);
    const a = snapshot(containers, false);
    const b = snapshot(containers, true);
    const patches = {
      ab: gzipSync(
        JSON.stringify({ snapshot: { dockerPatch: jsonPatch.compare(a, b), dockerHash: snapshotHash(a) } }),
      ),
      ba: gzipSync(
        JSON.stringify({ snapshot: { dockerPatch: jsonPatch.compare(b, a), dockerHash: snapshotHash(b) } }),
      ),
    };
    const fulls = {
      a: gzipSync(JSON.stringify({ snapshot: { docker: a } })),
      b: gzipSync(JSON.stringify({ snapshot: { docker: b } })),
    };
    const agents = [];
    for (let i = 0; i < envs; i++) {
      const r = await request(`${server.baseUrl}/api/endpoints`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: { Name: `async-${i}`, EndpointCreationType: 4, URL: server.baseUrl },
      });
      if (r.status !== 200) throw new Error(`creating async-${i}: ${r.status} ${r.body}`);
      const id = JSON.parse(r.body).Id;
      const edgeId = `bench-async-${i}`;
      const first = await request(`${server.baseUrl}/api/endpoints/edge/async`, {
        method: 'POST',
        headers: { 'X-PortainerAgent-EdgeID': edgeId, 'Content-Type': 'application/json' },
        body: { endpointId: id, snapshot: { docker: a } },
      });
      if (first.status !== 200)
        throw new Error(`first snapshot of async-${i}: ${first.status} ${first.body}`);
      agents.push({ id, edgeId, atA: true });
    }
    const headers = (agent, extra = {}) => ({
      'X-PortainerAgent-EdgeID': agent.edgeId,
      'Content-Type': 'application/json',
      ...extra,
    });
    // The bodies are gzipped once and shared by every agent: they carry no endpointId, so the server finds each
    // environment by its edge id (as for a global key's agent), which costs the same one read as by id.
    const patchBody = (agent) => {
      const payload = agent.atA ? patches.ab : patches.ba;
      agent.atA = !agent.atA;
      return {
        method: 'POST',
        headers: headers(agent, { 'Content-Encoding': 'gzip' }),
        payload,
        ok: (s, text) => s === 200 && !text.includes('"needFullSnapshot":true'),
      };
    };
    // Full snapshots alternate too: each one changes what is stored, as a patch does.
    const fullBody = (agent) => {
      const payload = agent.atA ? fulls.b : fulls.a;
      agent.atA = !agent.atA;
      return {
        method: 'POST',
        headers: headers(agent, { 'Content-Encoding': 'gzip' }),
        payload,
        ok: (s) => s === 200,
      };
    };
    const tick = Buffer.from(JSON.stringify({ commandTimestamp: '2000-01-01T00:00:00Z' }));
    const tickBody = (agent) => ({
      method: 'POST',
      headers: headers(agent),
      payload: tick,
      ok: (s) => s === 200,
    });
    const baselineBody = () => ({ method: 'GET', headers: auth, payload: undefined, ok: (s) => s === 200 });
    const opts = { connections, durationMs };
    // Warm-up of every path before measuring.
    for (const f of [patchBody, fullBody, tickBody])
      await load(server.baseUrl, agents, f, { connections, durationMs: 1_500 });
    await load(server.baseUrl, agents, baselineBody, { ...opts, durationMs: 1_500, path: '/api/users/me' });
    const patch = await load(server.baseUrl, agents, patchBody, opts);
    const fullSnap = await load(server.baseUrl, agents, fullBody, opts);
    const ticks = await load(server.baseUrl, agents, tickBody, opts);
    const baseline = await load(server.baseUrl, agents, baselineBody, { ...opts, path: '/api/users/me' });
    return {
      envs,
      containers,
      connections,
      durationMs,
      bytes: { patch: patches.ab.length, full: fulls.a.length },
      patch,
      full: fullSnap,
      ticks,
      baseline,
    };
  } finally {
    await server.stop();
    cleanup(dataDir);
  }
}

if (isMain(import.meta)) {
  const r = await edgeAsync();
  const fmt = (x) =>
    `${x.reqPerSec.toFixed(0)} req/s, p50 ${x.p50Ms.toFixed(2)} ms, p99 ${x.p99Ms.toFixed(2)} ms, ` +
    `load generator ${x.generatorCpuPct.toFixed(0)}% CPU, ${x.bad} unexpected`;
  const ratio = (x) => (x.reqPerSec / r.baseline.reqPerSec).toFixed(2);
  console.log(`async edge, ${r.envs} agents, ${r.containers} containers each, ${r.connections} connections`);
  console.log(`patch (${r.bytes.patch} B gzip):     ${fmt(r.patch)}  ratio ${ratio(r.patch)}`);
  console.log(`full (${r.bytes.full} B gzip):     ${fmt(r.full)}  ratio ${ratio(r.full)}`);
  console.log(`command tick:               ${fmt(r.ticks)}  ratio ${ratio(r.ticks)}`);
  console.log(`baseline GET /api/users/me: ${fmt(r.baseline)}`);
}
