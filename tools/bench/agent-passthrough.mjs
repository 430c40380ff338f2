#!/usr/bin/env node
// Agent pass-through overhead on one node: GET /containers/json?all=1 with N created containers through the built
// agent (dist/apps/agent, HTTPS, standalone on the local engine, 127.0.0.1, signed keep-alive requests) vs the same
// call on the engine's socket, interleaved request by request in the same run (so a noisy moment hits both alike).
// A third side, the floor: the cheapest HTTPS hop on the same socket (tools/bench/min-https-proxy.mjs: TLS, a
// keep-alive pool, the reply piped — no signature, routing or header work), so the figure says how much of the
// overhead is the extra process hop itself on this machine and how much is the agent's.
// Prints p50/p99 and the p50 ratios for each container count (target p50 ≤ 1.3×). Figures only.
//   node tools/bench/agent-passthrough.mjs   (BENCH_SIZES=30,300 containers, BENCH_REQUESTS=300 per side)
// Needs dockerd, capstan/busybox:local (tools/setup) and `npx nx build agent`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

import { build } from 'esbuild';

import { freePort, isMain, percentile, repoRoot, sleep, stopChild } from './lib.mjs';

const SOCKET = '/var/run/docker.sock';
const LABEL = 'capstan.bench=agent-passthrough';
const AGENT_MAIN = resolve(process.env.BENCH_AGENT_MAIN ?? resolve(repoRoot, 'dist/apps/agent/main.js'));
const PATH = '/containers/json?all=1';

function call(target, path, { method = 'GET', headers = {}, body, agent } = {}) {
  const { tls, ...where } = target;
  return new Promise((res, rej) => {
    const req = (tls ? https : http).request(
      { ...where, method, path, headers, agent, rejectUnauthorized: false },
      (r) => {
        const chunks = [];
        r.on('data', (c) => chunks.push(c));
        r.on('end', () => res({ status: r.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
        r.on('error', rej);
      },
    );
    req.on('error', rej);
    req.end(body);
  });
}

const docker = (method, path, body) =>
  call({ socketPath: SOCKET }, path, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

async function benchContainers() {
  const r = await docker(
    'GET',
    `/containers/json?all=1&filters=${encodeURIComponent(JSON.stringify({ label: [LABEL] }))}`,
  );
  return JSON.parse(r.body).map((c) => c.Id);
}

async function setContainerCount(n) {
  const ids = await benchContainers();
  for (const id of ids.slice(n)) await docker('DELETE', `/containers/${id}?force=1`);
  for (let i = ids.length; i < n; i++) {
    const r = await docker('POST', '/containers/create', {
      Image: 'capstan/busybox:local',
      Cmd: ['true'],
      Labels: { 'capstan.bench': 'agent-passthrough' },
    });
    if (r.status !== 201) throw new Error(`container create: ${r.status} ${r.body}`);
  }
}

/** `requests` measured rounds (after 20 warm-up rounds): direct, agent and floor, in a rotating order. */
async function measurePairs(agentTarget, floorTarget, signed, requests) {
  const directAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const tlsAgent = new https.Agent({ keepAlive: true, maxSockets: 1, rejectUnauthorized: false });
  const floorAgent = new https.Agent({ keepAlive: true, maxSockets: 1, rejectUnauthorized: false });
  const direct = [];
  const viaAgent = [];
  const viaFloor = [];
  const items = { direct: 0, agent: 0, floor: 0 };
  const timed = async (target, opts, into, key) => {
    const t0 = process.hrtime.bigint();
    const r = await call(target, PATH, opts);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 200) throw new Error(`${PATH}: ${r.status} ${r.body.slice(0, 200)}`);
    items[key] = JSON.parse(r.body).length;
    if (into) into.push(ms);
  };
  for (let i = 0; i < requests + 20; i++) {
    const warm = i < 20;
    const d = () => timed({ socketPath: SOCKET }, { agent: directAgent }, warm ? null : direct, 'direct');
    const a = () =>
      timed(agentTarget, { agent: tlsAgent, headers: signed() }, warm ? null : viaAgent, 'agent');
    const f = () => timed(floorTarget, { agent: floorAgent }, warm ? null : viaFloor, 'floor');
    // Rotate the order so that no side always follows the same one.
    const sides = [d, a, f];
    for (let k = 0; k < sides.length; k++) await sides[(i + k) % sides.length]();
  }
  directAgent.destroy();
  tlsAgent.destroy();
  floorAgent.destroy();
  for (const xs of [direct, viaAgent, viaFloor]) xs.sort((x, y) => x - y);
  const stats = (xs) => ({ p50: percentile(xs, 50), p99: percentile(xs, 99) });
  return { items: items.direct, direct: stats(direct), agent: stats(viaAgent), floor: stats(viaFloor) };
}

export async function agentPassThrough({
  sizes = (process.env.BENCH_SIZES ?? '30,300').split(',').map(Number),
  requests = Number(process.env.BENCH_REQUESTS ?? 300),
} = {}) {
  if (!existsSync(AGENT_MAIN)) throw new Error('dist/apps/agent/main.js is missing: npx nx build agent');
  const signer = resolve(repoRoot, 'tmp/bench-sign/sign.cjs');
  await build({
    entryPoints: [resolve(repoRoot, 'libs/contracts/agent/src/index.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: signer,
    logLevel: 'warning',
  });
  const { generateAgentKeyPair, signAgentMessage } = createRequire(import.meta.url)(signer);
  // The floor proxy makes its certificate with the agent's own code.
  const tlsModule = resolve(repoRoot, 'tmp/bench-sign/tls.cjs');
  await build({
    entryPoints: [resolve(repoRoot, 'libs/agent/api/src/lib/tls.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: tlsModule,
    logLevel: 'warning',
  });
  const key = generateAgentKeyPair();
  const signed = () => ({
    'X-PortainerAgent-PublicKey': key.publicKeyHex,
    'X-PortainerAgent-Signature': signAgentMessage(key.privateKeyPkcs8Der),
  });
  const port = await freePort();
  const child = spawn(process.execPath, [AGENT_MAIN], {
    stdio: 'ignore',
    env: {
      ...process.env,
      AGENT_HOST: '127.0.0.1',
      AGENT_PORT: String(port),
      DOCKER_HOST: `unix://${SOCKET}`,
      LOG_LEVEL: 'WARN',
    },
  });
  const target = { host: '127.0.0.1', port, tls: true };
  const floorPort = await freePort();
  const floorChild = spawn(process.execPath, [resolve(repoRoot, 'tools/bench/min-https-proxy.mjs')], {
    stdio: 'ignore',
    env: { ...process.env, PORT: String(floorPort), SOCKET, TLS_MODULE: tlsModule },
  });
  const floorTarget = { host: '127.0.0.1', port: floorPort, tls: true };
  const results = [];
  try {
    const deadline = Date.now() + 20_000;
    while ((await call(target, '/ping').catch(() => null))?.status !== 204) {
      if (Date.now() > deadline) throw new Error('the agent did not answer /ping');
      await sleep(100);
    }
    while ((await call(floorTarget, '/_ping').catch(() => null))?.status !== 200) {
      if (Date.now() > deadline) throw new Error('the floor proxy did not answer /_ping');
      await sleep(100);
    }
    for (const size of sizes) {
      await setContainerCount(size);
      const r = await measurePairs(target, floorTarget, signed, requests);
      results.push({
        size,
        ...r,
        ratio: r.agent.p50 / r.direct.p50,
        floorRatio: r.floor.p50 / r.direct.p50,
        agentOverFloor: r.agent.p50 / r.floor.p50,
      });
    }
  } finally {
    await stopChild(child);
    await stopChild(floorChild);
    await setContainerCount(0);
  }
  return { requests, results };
}

if (isMain(import.meta)) {
  const r = await agentPassThrough();
  const f = (x) => x.toFixed(2);
  console.log(
    `agent pass-through (dist/apps/agent, HTTPS, standalone), ${r.requests} interleaved rounds per size`,
  );
  for (const x of r.results) {
    console.log(
      `${String(x.items).padStart(4)} containers: direct p50 ${f(x.direct.p50)} ms p99 ${f(x.direct.p99)} ms | ` +
        `agent p50 ${f(x.agent.p50)} ms p99 ${f(x.agent.p99)} ms | ratio ${f(x.ratio)} (target ≤ 1.3) | ` +
        `floor (bare HTTPS hop) p50 ${f(x.floor.p50)} ms, ratio ${f(x.floorRatio)}; agent / floor ${f(x.agentOverFloor)}`,
    );
  }
}
