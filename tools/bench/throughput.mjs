#!/usr/bin/env node
// Throughput of an authenticated API read: GET /api/users/me with a Bearer JWT from 50 concurrent keep-alive
// clients for ~10 s, against the built server and, in the same run, against a bare Node http server (its own
// process) answering the same JSON — the ceiling this machine's Node can reach. Prints req/s, p50, p99 and the
// ratio server/bare (target ≥ 0.4). Figures only; no assertions.
//   node tools/bench/throughput.mjs            (BENCH_CONNECTIONS=50, BENCH_DURATION_MS=10000)
import { spawn } from 'node:child_process';
import http from 'node:http';

import {
  adminAuth,
  cleanup,
  freePort,
  isMain,
  percentile,
  request,
  requireServerBuild,
  sleep,
  startServer,
  stopChild,
  tempDir,
  waitForStatus,
} from './lib.mjs';

const BARE_SERVER = `
const http = require('http');
const body = Buffer.from(process.env.BENCH_BODY);
http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length });
  res.end(body);
}).listen(Number(process.env.BENCH_PORT), '127.0.0.1', () => process.send && process.send('ready'));
`;

/** `connections` loops, each sending the next request when the previous answer ends, until the deadline. */
export async function load(url, { headers = {}, connections, durationMs }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies = [];
  const statuses = new Map();
  let errors = 0;
  const maxSamples = 5_000_000; // bound on memory, far above what 10 s can produce here
  const deadline = Date.now() + durationMs;
  const started = process.hrtime.bigint();

  const one = () =>
    new Promise((res) => {
      const t0 = process.hrtime.bigint();
      const req = http.get(url, { agent, headers }, (r) => {
        r.on('data', () => {});
        r.on('end', () => {
          if (latencies.length < maxSamples) latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
          statuses.set(r.statusCode, (statuses.get(r.statusCode) ?? 0) + 1);
          res();
        });
      });
      req.on('error', () => {
        errors++;
        res();
      });
    });

  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < deadline) await one();
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const ok = statuses.get(200) ?? 0;
  return {
    requests: latencies.length,
    ok,
    nonOk: latencies.length - ok,
    errors,
    statuses: Object.fromEntries(statuses),
    reqPerSec: ok / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

export async function throughput({
  connections = Number(process.env.BENCH_CONNECTIONS ?? 50),
  durationMs = Number(process.env.BENCH_DURATION_MS ?? 10_000),
} = {}) {
  requireServerBuild();
  const dataDir = tempDir('capstan-bench-tp-');
  const server = await startServer({ dataDir });
  let bare;
  try {
    await waitForStatus(server);
    const headers = await adminAuth(server);
    const me = await request(`${server.baseUrl}/api/users/me`, { headers });
    if (me.status !== 200) throw new Error(`GET /api/users/me answered ${me.status}: ${me.body}`);

    // Warm-up (JIT, connection pools) before measuring.
    await load(`${server.baseUrl}/api/users/me`, { headers, connections, durationMs: 1_000 });
    const capstan = await load(`${server.baseUrl}/api/users/me`, { headers, connections, durationMs });

    // Let the server go quiet so that it does not share the CPU with the baseline.
    await server.stop();
    const bareUrl = `http://127.0.0.1:${await freePort()}/api/users/me`;
    bare = spawn(process.execPath, ['-e', BARE_SERVER], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env: { ...process.env, BENCH_BODY: me.body, BENCH_PORT: new URL(bareUrl).port },
    });
    await Promise.race([
      new Promise((res) => bare.once('message', res)),
      sleep(10_000).then(() => {
        throw new Error('bare server did not start');
      }),
    ]);
    await load(bareUrl, { headers, connections, durationMs: 1_000 });
    const baseline = await load(bareUrl, { headers, connections, durationMs });
    return { connections, durationMs, capstan, baseline, ratio: capstan.reqPerSec / baseline.reqPerSec };
  } finally {
    await server.stop();
    if (bare) await stopChild(bare);
    cleanup(dataDir);
  }
}

const fmt = (r) =>
  `${r.reqPerSec.toFixed(0).padStart(7)} req/s   p50 ${r.p50Ms.toFixed(2).padStart(6)} ms   p99 ${r.p99Ms.toFixed(2).padStart(7)} ms   (${r.ok} ok, ${r.nonOk} non-200, ${r.errors} errors)`;

if (isMain(import.meta)) {
  const r = await throughput();
  console.log(`GET /api/users/me, ${r.connections} keep-alive clients, ${r.durationMs / 1000} s each`);
  console.log(`  capstan server  ${fmt(r.capstan)}`);
  console.log(`  bare node http  ${fmt(r.baseline)}`);
  console.log(`  ratio           ${r.ratio.toFixed(2)}   (target ≥ 0.4)`);
}
