#!/usr/bin/env node
// Agent cluster figures on the Swarm lab (tools/setup/swarm-lab.sh; root). One agent per node on loopback, each
// on its node's engine socket, peers given by AGENT_CLUSTER_ADDR: the real agent (apps/agent, bundled into a
// private dist; HTTPS) by default, or BENCH_AGENT=harness for the e2e suite's stand-in (the agent's router and
// the cluster lib, HTTP). BENCH_CONTAINERS_PER_NODE created containers per node; BENCH_REQUESTS sequential
// keep-alive signed requests per measurement:
//   aggregate:    GET /containers/json?all=1 through node1's agent (fan-out to 3 nodes) vs node1's own socket
//   pass-through: the same with X-PortainerAgent-Target: node1 (served locally) vs node1's own socket
// The three are measured interleaved, request by request. BENCH_AGENT_MAIN runs an already built agent.
// Targets: aggregate p50 ≤ 2× the direct call, pass-through p50 ≤ 1.3×. Figures only (exit 1 only if it cannot run).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

import { build } from 'esbuild';

import { bundleHarness } from '../../e2e/swarm/src/support/bundle-harness.mjs';
import { freePort, isMain, percentile, repoRoot, sleep, stopChild } from './lib.mjs';

const LAB = resolve(repoRoot, 'tools/setup/swarm-lab.sh');
const sock = (n) => `/run/capstan-swarm/node${n}.sock`;
const lab = (...args) =>
  execFileSync('bash', [LAB, ...args], { encoding: 'utf8', env: { ...process.env, SWARM_LAB_LOCKED: '1' } });

/** Holds the lab's lock for the whole run (see swarm-lab.sh): flock is released when its stdin ends. */
async function holdLab() {
  const child = spawn(
    'flock',
    ['-o', '-w', '900', '/run/capstan-swarm.lock', '-c', 'echo locked; exec cat >/dev/null'],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  await new Promise((res, rej) => {
    child.stdout.once('data', res);
    child.once('exit', (code) => rej(new Error(`could not lock the Swarm lab: flock exited ${code}`)));
  });
  return () => child.stdin.end();
}

function get(target, path, headers = {}, agent) {
  const { tls, ...where } = target;
  return new Promise((res, rej) => {
    const req = (tls ? https : http).request(
      { ...where, path, headers, agent, rejectUnauthorized: false },
      (r) => {
        const chunks = [];
        r.on('data', (c) => chunks.push(c));
        r.on('end', () =>
          res({ status: r.statusCode, headers: r.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        r.on('error', rej);
      },
    );
    req.on('error', rej);
    req.end();
  });
}

/**
 * `n` rounds (after 10 warm-up rounds) of one measurement per target, in an order that rotates every round, so a
 * noisy moment on the shared 2-core machine hits every target alike. A target is one or more sources asked at
 * once (several sources: the time until all have answered, their items summed). Sorted times per target.
 */
async function measureInterleaved(targets, path, n) {
  const pools = targets.map((t) =>
    t.sources.map((src) =>
      src.tls
        ? new https.Agent({ keepAlive: true, maxSockets: 1, rejectUnauthorized: false })
        : new http.Agent({ keepAlive: true, maxSockets: 1 }),
    ),
  );
  const times = targets.map(() => []);
  const items = targets.map(() => 0);
  for (let i = 0; i < n + 10; i++) {
    for (let k = 0; k < targets.length; k++) {
      const j = (i + k) % targets.length;
      const headers = targets[j].headers();
      const t0 = process.hrtime.bigint();
      const answers = await Promise.all(
        targets[j].sources.map((src, s) => get(src, path, headers, pools[j][s])),
      );
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      for (const r of answers) {
        if (r.status !== 200)
          throw new Error(`${targets[j].name} ${path}: ${r.status} ${r.body.slice(0, 200)}`);
      }
      if (i >= 10) times[j].push(ms);
      items[j] = answers.reduce((sum, r) => sum + JSON.parse(r.body).length, 0);
    }
  }
  pools.flat().forEach((a) => a.destroy());
  return targets.map((t, j) => {
    const sorted = times[j].sort((a, b) => a - b);
    return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), items: items[j] };
  });
}

export async function agentCluster({
  perNode = Number(process.env.BENCH_CONTAINERS_PER_NODE ?? 30),
  requests = Number(process.env.BENCH_REQUESTS ?? 200),
  kind = process.env.BENCH_AGENT ?? 'agent',
} = {}) {
  if (process.getuid?.() !== 0) throw new Error('the Swarm lab needs root');
  const release = await holdLab();
  const wasUp = existsSync(sock(1));
  const children = [];
  const made = [];
  try {
    lab('up');
    const signer = resolve(repoRoot, 'tmp/swarm-harness/sign.cjs');
    await build({
      entryPoints: [resolve(repoRoot, 'libs/contracts/agent/src/index.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: signer,
      logLevel: 'warning',
    });
    const { generateAgentKeyPair, signAgentMessage } = createRequire(import.meta.url)(signer);
    const key = generateAgentKeyPair();
    const signed = (extra = {}) => ({
      'X-PortainerAgent-PublicKey': key.publicKeyHex,
      'X-PortainerAgent-Signature': signAgentMessage(key.privateKeyPkcs8Der),
      ...extra,
    });

    for (let n = 1; n <= 3; n++) {
      for (let i = 0; i < perNode; i++) {
        const out = execFileSync(
          'docker',
          [
            '-H',
            `unix://${sock(n)}`,
            'create',
            '--label',
            'capstan.bench=agent',
            'local/busybox:latest',
            'true',
          ],
          {
            encoding: 'utf8',
          },
        );
        made.push([n, out.trim()]);
      }
    }

    let program;
    if (kind === 'harness') {
      program = await bundleHarness();
    } else if (process.env.BENCH_AGENT_MAIN) {
      program = resolve(process.env.BENCH_AGENT_MAIN);
    } else {
      const out = resolve(repoRoot, 'tmp/bench-agent');
      execFileSync(
        'npx',
        ['webpack-cli', 'build', '--config', 'apps/agent/webpack.config.js', '--output-path', out],
        {
          cwd: repoRoot,
          stdio: 'ignore',
        },
      );
      program = resolve(out, 'main.js');
    }
    const ports = [await freePort(), await freePort(), await freePort()];
    const clusterAddr = ports.map((p) => `127.0.0.1:${p}`).join(',');
    for (let n = 1; n <= 3; n++) {
      children.push(
        spawn(process.execPath, [program], {
          stdio: 'ignore',
          env: {
            ...process.env,
            DOCKER_SOCKET: sock(n),
            DOCKER_HOST: `unix://${sock(n)}`,
            AGENT_HOST: '127.0.0.1',
            AGENT_PORT: String(ports[n - 1]),
            AGENT_CLUSTER_ADDR: clusterAddr,
            LOG_LEVEL: 'WARN',
          },
        }),
      );
    }
    const node1 = { host: '127.0.0.1', port: ports[0], tls: kind !== 'harness' };
    const deadline = Date.now() + 30_000;
    for (;;) {
      const r = await get(node1, '/agents', signed()).catch(() => null);
      if (r?.status === 200 && JSON.parse(r.body).length === 3) break;
      if (Date.now() > deadline) throw new Error('the 3 agents did not find each other');
      await sleep(200);
    }

    const path = '/containers/json?all=1';
    // "3 sockets at once" is what the fan-out costs here with no agent at all: the three engines answer in
    // parallel on the same 2 cores. It is the floor for the aggregate on this machine.
    const [direct, parallel, aggregate, passThrough] = await measureInterleaved(
      [
        { name: 'direct', sources: [{ socketPath: sock(1) }], headers: () => ({}) },
        {
          name: '3 sockets at once',
          sources: [1, 2, 3].map((n) => ({ socketPath: sock(n) })),
          headers: () => ({}),
        },
        { name: 'aggregate', sources: [node1], headers: () => signed() },
        {
          name: 'pass-through',
          sources: [node1],
          headers: () => signed({ 'X-PortainerAgent-Target': 'node1' }),
        },
      ],
      path,
      requests,
    );
    const directP50 = direct.p50;
    return {
      kind,
      perNode,
      requests,
      direct: { ...direct, p50: directP50 },
      parallel,
      aggregate,
      passThrough,
      aggregateRatio: aggregate.p50 / directP50,
      parallelRatio: parallel.p50 / directP50,
      aggregateOverParallel: aggregate.p50 / parallel.p50,
      passThroughRatio: passThrough.p50 / directP50,
    };
  } finally {
    await Promise.all(children.map((c) => stopChild(c)));
    for (let n = 1; n <= 3; n++) {
      const ids = made.filter(([m]) => m === n).map(([, id]) => id);
      if (ids.length > 0)
        execFileSync('docker', ['-H', `unix://${sock(n)}`, 'rm', '-f', ...ids], { stdio: 'ignore' });
    }
    if (!wasUp) lab('down');
    release();
  }
}

if (isMain(import.meta)) {
  const r = await agentCluster();
  const f = (x) => x.toFixed(2);
  console.log(
    `${r.kind === 'harness' ? 'stand-in agents (HTTP)' : 'apps/agent (HTTPS)'}; containers per node: ${r.perNode}, ${r.requests} interleaved rounds`,
  );
  console.log(
    `direct node1 socket      p50 ${f(r.direct.p50)} ms  p99 ${f(r.direct.p99)} ms  (${r.direct.items} items)`,
  );
  console.log(
    `3 sockets at once (no agent) p50 ${f(r.parallel.p50)} ms  p99 ${f(r.parallel.p99)} ms  (${r.parallel.items} items)  ratio ${f(r.parallelRatio)}`,
  );
  console.log(
    `aggregate via node1 agent p50 ${f(r.aggregate.p50)} ms  p99 ${f(r.aggregate.p99)} ms  (${r.aggregate.items} items, 3 nodes)  ratio ${f(r.aggregateRatio)} (target ≤ 2), ${f(r.aggregateOverParallel)}× the 3 sockets at once`,
  );
  console.log(
    `pass-through node1 agent p50 ${f(r.passThrough.p50)} ms  p99 ${f(r.passThrough.p99)} ms  (${r.passThrough.items} items)  ratio ${f(r.passThroughRatio)} (target ≤ 1.3)`,
  );
}
