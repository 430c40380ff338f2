#!/usr/bin/env node
// Cold start of the built server: time from spawn to the first 200 on /api/system/status, first on a fresh
// data directory (migrations, keys, certificate, admin creation), then on the existing one; and the
// resident memory after 5 s idle. Prints figures only; targets: ≤ 2 s, ≤ 120 MB.
//   node tools/bench/cold-start.mjs            (BENCH_RUNS=5, BENCH_IDLE_MS=5000)
import {
  cleanup,
  isMain,
  median,
  requireServerBuild,
  rssMb,
  sleep,
  startServer,
  tempDir,
  waitForStatus,
} from './lib.mjs';

export async function coldStart({
  runs = Number(process.env.BENCH_RUNS ?? 5),
  idleMs = Number(process.env.BENCH_IDLE_MS ?? 5_000),
} = {}) {
  requireServerBuild();
  const dataDir = tempDir('capstan-bench-cold-');
  const fresh = [];
  const existing = [];
  const rss = [];
  try {
    for (let i = 0; i < runs; i++) {
      const server = await startServer({ dataDir });
      try {
        const ms = await waitForStatus(server);
        (i === 0 ? fresh : existing).push(ms);
        await sleep(idleMs);
        rss.push(rssMb(server.pid));
        console.error(
          `[bench] cold-start run ${i + 1}/${runs}: ${ms.toFixed(0)} ms (${i === 0 ? 'fresh' : 'existing'} data dir), RSS ${rss.at(-1).toFixed(1)} MB`,
        );
      } finally {
        await server.stop();
      }
    }
  } finally {
    cleanup(dataDir);
  }
  return {
    freshMs: fresh[0],
    existingMedianMs: median(existing),
    existingMaxMs: Math.max(...existing),
    idleRssMedianMb: median(rss),
    idleRssMaxMb: Math.max(...rss),
    runs,
  };
}

if (isMain(import.meta)) {
  const r = await coldStart();
  console.log(`cold start, fresh data dir:      ${r.freshMs.toFixed(0)} ms   (target ≤ 2000 ms)`);
  console.log(
    `cold start, existing data dir:   median ${r.existingMedianMs.toFixed(0)} ms, max ${r.existingMaxMs.toFixed(0)} ms over ${r.runs - 1} runs`,
  );
  console.log(
    `RSS after idle:                  median ${r.idleRssMedianMb.toFixed(1)} MB, max ${r.idleRssMaxMb.toFixed(1)} MB   (target ≤ 120 MB)`,
  );
}
