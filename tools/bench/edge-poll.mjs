#!/usr/bin/env node
// Edge poll throughput: BENCH_EDGE_ENVS edge environments (default 1000) are created and each polled once by its
// own simulated agent (edge id bench-<i>, binding it, keeping the ETag); then BENCH_CONNECTIONS keep-alive clients
// (default 50) poll random environments with their ETag for BENCH_DURATION_MS (default 10 s) — the unchanged
// answer, a 304 from memory — and, in the same run, the same clients read GET /api/users/me with a Bearer JWT
// (a plain authenticated GET) as the baseline. Prints req/s, p50, p99 and the load generator's own CPU time.
// Figures only; no assertions.
//   node tools/bench/edge-poll.mjs
import http from 'node:http';

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

/** `connections` loops; `next()` gives each request's path and headers; `ok(status)` says what counts. */
async function load(baseUrl, next, ok, { connections, durationMs }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies = [];
  let good = 0;
  let bad = 0;
  const deadline = Date.now() + durationMs;
  const cpu0 = process.cpuUsage();
  const started = process.hrtime.bigint();
  const one = () =>
    new Promise((res) => {
      const { path, headers } = next();
      const t0 = process.hrtime.bigint();
      const req = http.get(`${baseUrl}${path}`, { agent, headers }, (r) => {
        r.resume();
        r.on('end', () => {
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
          if (ok(r.statusCode)) good++;
          else bad++;
          res();
        });
      });
      req.on('error', () => {
        bad++;
        res();
      });
    });
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < deadline) await one();
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    reqPerSec: good / seconds,
    bad,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    generatorCpuPct: ((cpu.user + cpu.system) / 1e6 / seconds) * 100,
  };
}

export async function edgePoll({
  envs = Number(process.env.BENCH_EDGE_ENVS ?? 1000),
  connections = Number(process.env.BENCH_CONNECTIONS ?? 50),
  durationMs = Number(process.env.BENCH_DURATION_MS ?? 10_000),
} = {}) {
  requireServerBuild();
  const dataDir = tempDir('capstan-bench-edge-');
  const server = await startServer({ dataDir });
  try {
    await waitForStatus(server);
    const auth = await adminAuth(server);
    const agents = [];
    for (let i = 0; i < envs; i++) {
      const r = await request(`${server.baseUrl}/api/endpoints`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: { Name: `edge-${i}`, EndpointCreationType: 4, URL: server.baseUrl },
      });
      if (r.status !== 200) throw new Error(`creating edge-${i}: ${r.status} ${r.body}`);
      const id = JSON.parse(r.body).Id;
      const edgeId = `bench-${i}`;
      const p = await request(`${server.baseUrl}/api/endpoints/${id}/edge/status`, {
        headers: { 'X-PortainerAgent-EdgeID': edgeId },
      });
      if (p.status !== 200) throw new Error(`first poll of edge-${i}: ${p.status} ${p.body}`);
      agents.push({
        path: `/api/endpoints/${id}/edge/status`,
        headers: { 'X-PortainerAgent-EdgeID': edgeId, 'If-None-Match': p.headers.etag },
      });
    }
    // Warm-up (JIT, pools) of both paths before measuring either.
    const pick = () => agents[Math.floor(Math.random() * agents.length)];
    await load(server.baseUrl, pick, (s) => s === 304, { connections, durationMs: 2_000 });
    await load(
      server.baseUrl,
      () => ({ path: '/api/users/me', headers: auth }),
      (s) => s === 200,
      {
        connections,
        durationMs: 2_000,
      },
    );
    const poll = await load(server.baseUrl, pick, (s) => s === 304, { connections, durationMs });
    const baseline = await load(
      server.baseUrl,
      () => ({ path: '/api/users/me', headers: auth }),
      (s) => s === 200,
      {
        connections,
        durationMs,
      },
    );
    return { envs, connections, durationMs, poll, baseline, ratio: poll.reqPerSec / baseline.reqPerSec };
  } finally {
    await server.stop();
    cleanup(dataDir);
  }
}

if (isMain(import.meta)) {
  const r = await edgePoll();
  const fmt = (x) =>
    `${x.reqPerSec.toFixed(0)} req/s, p50 ${x.p50Ms.toFixed(2)} ms, p99 ${x.p99Ms.toFixed(2)} ms, ` +
    `load generator ${x.generatorCpuPct.toFixed(0)}% CPU, ${x.bad} unexpected`;
  console.log(`edge poll (304, ${r.envs} agents, ${r.connections} connections): ${fmt(r.poll)}`);
  console.log(`baseline GET /api/users/me (JWT):                ${fmt(r.baseline)}`);
  console.log(`ratio poll/baseline: ${r.ratio.toFixed(2)}`);
}
