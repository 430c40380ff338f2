#!/usr/bin/env node
// `npm run bench`: cold start, throughput and portal size, then one table. Figures only: the exit code is 0
// whatever the figures; it is 1 only when a benchmark could not run (e.g. dist/ missing).
import { agentCluster } from './agent-cluster.mjs';
import { agentPassThrough } from './agent-passthrough.mjs';
import { coldStart } from './cold-start.mjs';
import { gitAutoUpdateBench } from './git-autoupdate.mjs';
import { portalContainers } from './portal-containers.mjs';
import { portalSize } from './portal-size.mjs';
import { proxyOverhead } from './proxy.mjs';
import { snapshotPass } from './snapshot.mjs';
import { stacksDeploy } from './stacks-deploy.mjs';
import { throughput } from './throughput.mjs';

const rows = [];
let failed = false;
const row = (metric, value, target, ok) => rows.push({ metric, value, target, verdict: ok ? 'ok' : 'OVER' });

async function step(name, fn) {
  console.error(`[bench] ${name}…`);
  try {
    await fn();
  } catch (err) {
    failed = true;
    rows.push({
      metric: name,
      value: 'not run',
      target: '',
      verdict: String(err instanceof Error ? err.message : err),
    });
  }
}

await step('cold start', async () => {
  const r = await coldStart();
  row('cold start, fresh data dir', `${r.freshMs.toFixed(0)} ms`, '≤ 2000 ms', r.freshMs <= 2000);
  row(
    `cold start, existing data dir (median of ${r.runs - 1})`,
    `${r.existingMedianMs.toFixed(0)} ms`,
    '≤ 2000 ms',
    r.existingMedianMs <= 2000,
  );
  row(
    'RSS after 5 s idle (median)',
    `${r.idleRssMedianMb.toFixed(1)} MB`,
    '≤ 120 MB',
    r.idleRssMedianMb <= 120,
  );
});
await step('throughput', async () => {
  const r = await throughput();
  row(
    `GET /api/users/me, ${r.connections} clients`,
    `${r.capstan.reqPerSec.toFixed(0)} req/s, p50 ${r.capstan.p50Ms.toFixed(1)} ms, p99 ${r.capstan.p99Ms.toFixed(1)} ms`,
    '',
    true,
  );
  row(
    '  bare node http, same JSON',
    `${r.baseline.reqPerSec.toFixed(0)} req/s, p50 ${r.baseline.p50Ms.toFixed(1)} ms, p99 ${r.baseline.p99Ms.toFixed(1)} ms`,
    '',
    true,
  );
  row('  ratio capstan / bare', r.ratio.toFixed(2), '≥ 0.4', r.ratio >= 0.4);
  if (r.capstan.nonOk || r.capstan.errors)
    row('  non-200 / errors', `${r.capstan.nonOk} / ${r.capstan.errors}`, '0', false);
});
await step('docker proxy', async () => {
  const r = await proxyOverhead();
  row(
    `containers/json?all=1, ${r.containers} containers, direct socket`,
    `p50 ${r.direct.p50.toFixed(1)} ms, p99 ${r.direct.p99.toFixed(1)} ms`,
    '',
    true,
  );
  row(
    '  through Capstan (administrator)',
    `p50 ${r.proxied.p50.toFixed(1)} ms, p99 ${r.proxied.p99.toFixed(1)} ms`,
    '',
    true,
  );
  row('  p50 ratio capstan / direct', r.ratio.toFixed(2), '≤ 1.3', r.ratio <= 1.3);
  row(
    `  through Capstan (Standard user, ${r.containers} resource controls)`,
    `p50 ${r.standard.p50.toFixed(1)} ms, p99 ${r.standard.p99.toFixed(1)} ms (direct again p50 ${r.directAgain.p50.toFixed(1)} ms)`,
    '',
    true,
  );
  row('  p50 ratio Standard user / direct', r.standardRatio.toFixed(2), '≤ 1.6', r.standardRatio <= 1.6);
  row(
    '  administrator, every item decorated (300 controls)',
    `p50 ${r.adminDecorated.p50.toFixed(1)} ms, ratio ${r.adminDecoratedRatio.toFixed(2)}`,
    '',
    true,
  );
});
await step('snapshot pass', async () => {
  const r = await snapshotPass();
  row(
    `snapshot pass, ${r.environments} environments (${r.engines} engines)`,
    `${(r.wallMs / 1000).toFixed(2)} s, ${r.up} up`,
    '≤ 10 s',
    r.wallMs <= 10_000,
  );
  row('  server peak RSS', `${r.peakRssMb.toFixed(1)} MB`, '', true);
});
await step('git auto-update check', async () => {
  const r = await gitAutoUpdateBench();
  for (const p of r.passes) {
    row(
      `git auto-update pass, ${p.label} (${r.concurrency} git commands at once)`,
      `wall ${(p.wallMs / 1000).toFixed(2)} s, server CPU ${(p.serverCpuMs / 1000).toFixed(2)} s, git server CPU ${(p.gitServerCpuMs / 1000).toFixed(2)} s`,
      '',
      true,
    );
  }
});
await step('stack deploy', async () => {
  const r = await stacksDeploy();
  row(
    `${r.services}-service compose stack: docker compose up -d / through Capstan (median of ${r.runs})`,
    `${r.directMs.toFixed(0)} / ${r.capstanMs.toFixed(0)} ms, ratio ${r.ratio.toFixed(2)}`,
    '',
    true,
  );
});
await step('portal size', async () => {
  const r = portalSize();
  row(
    `portal initial JS (${r.files.length} files, gzip -9)`,
    `${(r.totalGzipBytes / 1024).toFixed(1)} KB`,
    '≤ 300 KB',
    r.totalGzipBytes <= 300 * 1024,
  );
});

await step('portal containers page', async () => {
  const r = await portalContainers();
  row(
    `containers page, ${r.containers} containers: list response → first rows (median of ${r.loads})`,
    `${r.firstRowsMs.toFixed(0)} ms (max ${r.firstRowsMaxMs.toFixed(0)} ms)`,
    '≤ 500 ms',
    r.firstRowsMs <= 500,
  );
  row(
    `  scripted scroll at ${r.scroll.speed} px/s`,
    `${r.scroll.fps.toFixed(1)} fps, frame p95 ${r.scroll.p95.toFixed(1)} ms, ${r.scroll.long} frames > 50 ms`,
    '',
    true,
  );
});

await step('agent pass-through', async () => {
  const r = await agentPassThrough();
  for (const x of r.results) {
    row(
      `agent pass-through, containers/json, ${x.items} containers: direct / agent p50`,
      `${x.direct.p50.toFixed(2)} / ${x.agent.p50.toFixed(2)} ms, ratio ${x.ratio.toFixed(2)}`,
      '≤ 1.3',
      x.ratio <= 1.3,
    );
    row(
      `  floor: a bare HTTPS hop on the same socket (tools/bench/min-https-proxy.mjs)`,
      `${x.floor.p50.toFixed(2)} ms, ratio ${x.floorRatio.toFixed(2)}; agent / floor ${x.agentOverFloor.toFixed(2)}`,
      '',
      true,
    );
  }
});

// The Swarm lab needs root (network namespaces); elsewhere the row says why it did not run.
await step('agent cluster (Swarm lab)', async () => {
  if (process.getuid?.() !== 0) throw new Error('needs root (tools/setup/swarm-lab.sh)');
  const r = await agentCluster();
  row(
    `aggregate containers/json over 3 nodes (${r.perNode}/node) vs node1's socket, p50`,
    `${r.aggregate.p50.toFixed(2)} vs ${r.direct.p50.toFixed(2)} ms, ratio ${r.aggregateRatio.toFixed(2)}`,
    '≤ 2',
    r.aggregateRatio <= 2,
  );
  row(
    '  floor on this machine: the 3 sockets asked at once, no agent',
    `${r.parallel.p50.toFixed(2)} ms, ratio ${r.parallelRatio.toFixed(2)}; aggregate / floor ${r.aggregateOverParallel.toFixed(2)}`,
    '',
    true,
  );
  row(
    '  pass-through on the lab (target node1)',
    `${r.passThrough.p50.toFixed(2)} ms, ratio ${r.passThroughRatio.toFixed(2)}`,
    '',
    true,
  );
});

const widths = ['metric', 'value', 'target', 'verdict'].map((k) =>
  Math.max(k.length, ...rows.map((r) => String(r[k]).length)),
);
const line = (cells) => '| ' + cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ') + ' |';
console.log(line(['metric', 'value', 'target', 'verdict']));
console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
for (const r of rows) console.log(line([r.metric, r.value, r.target, r.verdict]));
process.exitCode = failed ? 1 : 0;
