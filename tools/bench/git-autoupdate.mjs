#!/usr/bin/env node
// The git auto-update check for N deployments (stacks) against a loopback `git http-backend`: the server's own
// code (GitAutoUpdater + GitClient from libs/server/git, bundled with esbuild) runs one pass over N scheduled
// deployments, each on its own repository; the deployments side is an in-memory port (no engine: the pass
// measures the check, not compose). Pass 1: nothing changed (all skipped); pass 2: BENCH_CHANGED repositories got
// a new commit (detected, "redeployed" by the port). Wall time, and CPU per pass of the checking process
// (Node + its git children) and of the git server (its Node process + http-backend children). Figures only.
//   node tools/bench/git-autoupdate.mjs      (BENCH_STACKS=200 BENCH_CHANGED=20 BENCH_CONCURRENCY=8)
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { cleanup, isMain, repoRoot, tempDir } from './lib.mjs';

const TICK_MS = 10; // USER_HZ 100 on Linux

/** utime+stime and cutime+cstime (waited-for children) of a process, in ms. */
function procCpu(pid = 'self') {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const n = (i) => Number(fields[i - 3]) * TICK_MS; // fields are numbered from 1; [0] here is field 3
  return { own: n(14) + n(15), children: n(16) + n(17) };
}

async function bundle(dir) {
  const out = join(dir, 'bench-git.cjs');
  await build({
    stdin: {
      contents: [
        "export { GitAutoUpdater } from './libs/server/git/src/lib/auto-update';",
        "export { GitClient } from './libs/server/git/src/lib/git-client';",
        "export { GitHttpServer } from './libs/testing/src/git-http-server';",
      ].join('\n'),
      resolveDir: repoRoot,
      loader: 'ts',
    },
    // The git client only needs core's error classes, not the Nest module behind core's index.
    alias: { '@capstan/server-core': resolve(repoRoot, 'libs/server/core/src/lib/errors.ts') },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: out,
    logLevel: 'warning',
  });
  return out;
}

/** The git server in its own process, so its CPU is counted apart: prints its port, then serves until killed. */
function startGitServer(bundlePath, root, stacks) {
  const script = `
    const { GitHttpServer } = require(${JSON.stringify(bundlePath)});
    (async () => {
      const s = await GitHttpServer.start({ root: ${JSON.stringify(root)} });
      const n = ${stacks};
      const heads = [];
      for (let i = 0; i < n; i++) heads.push(s.createRepo('stack-' + i, { 'docker-compose.yml': 'services:\\n  app:\\n    image: busybox\\n' }));
      process.stdout.write(JSON.stringify({ port: s.port, heads }) + '\\n');
      process.stdin.on('data', (d) => {
        const ids = JSON.parse(String(d));
        const heads = ids.map((i) => s.commit('stack-' + i, { 'docker-compose.yml': 'services:\\n  app:\\n    image: busybox:' + Date.now() + '\\n' }));
        process.stdout.write(JSON.stringify({ heads }) + '\\n');
      });
    })();`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  let buffered = '';
  const lines = [];
  let waiter;
  child.stdout.on('data', (d) => {
    buffered += d;
    let i;
    while ((i = buffered.indexOf('\n')) >= 0) {
      lines.push(JSON.parse(buffered.slice(0, i)));
      buffered = buffered.slice(i + 1);
      waiter?.();
    }
  });
  const next = () =>
    new Promise((res, rej) => {
      const take = () => (lines.length ? res(lines.shift()) : (waiter = take));
      child.once('exit', (code) => rej(new Error(`git server exited (${code})`)));
      take();
    });
  return { child, next };
}

export async function gitAutoUpdateBench({
  stacks = Number(process.env.BENCH_STACKS ?? 200),
  changed = Number(process.env.BENCH_CHANGED ?? 20),
  concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8),
} = {}) {
  const dir = tempDir('capstan-bench-git-');
  const bundlePath = await bundle(dir);
  const { GitAutoUpdater, GitClient } = createRequire(import.meta.url)(bundlePath);
  const server = startGitServer(bundlePath, join(dir, 'git'), stacks);
  try {
    const t0 = Date.now();
    const { port, heads } = await server.next();
    const seedMs = Date.now() - t0;
    const deployments = new Map();
    heads.forEach((commit, i) =>
      deployments.set(i + 1, {
        remote: { url: `http://127.0.0.1:${port}/stack-${i}.git` },
        reference: 'main',
        deployedCommit: commit,
        forceUpdate: false,
      }),
    );
    let redeploys = 0;
    const port_ = {
      load: async (id) => deployments.get(id) ?? null,
      environmentUp: async () => true,
      redeploy: async (id, commit) => {
        redeploys++;
        deployments.get(id).deployedCommit = commit;
      },
    };
    const updater = new GitAutoUpdater(port_, new GitClient({ timeoutMs: 30_000 }), { concurrency });
    updater.restore([...deployments.keys()].map((id) => ({ id, intervalMs: 3_600_000 })));

    const pass = async (label) => {
      const selfBefore = procCpu();
      const gitBefore = procCpu(server.child.pid);
      const wall0 = performance.now();
      const results = await updater.checkAll();
      const wallMs = performance.now() - wall0;
      const selfAfter = procCpu();
      const gitAfter = procCpu(server.child.pid);
      const outcomes = {};
      for (const r of results.values()) outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
      return {
        label,
        wallMs: Math.round(wallMs),
        checkerCpuMs: selfAfter.own - selfBefore.own + (selfAfter.children - selfBefore.children),
        checkerNodeCpuMs: selfAfter.own - selfBefore.own,
        gitServerCpuMs: gitAfter.own - gitBefore.own + (gitAfter.children - gitBefore.children),
        outcomes,
      };
    };
    const unchanged = await pass(`${stacks} unchanged`);
    server.child.stdin.write(
      JSON.stringify([...Array(changed).keys()].map((i) => i * Math.floor(stacks / changed))) + '\n',
    );
    await server.next();
    const withChanges = await pass(`${changed} of ${stacks} changed`);
    updater.stop();
    return { stacks, concurrency, seedMs, passes: [unchanged, withChanges], redeploys };
  } finally {
    server.child.kill('SIGTERM');
    cleanup(dir);
  }
}

if (isMain(import.meta)) {
  const r = await gitAutoUpdateBench();
  console.log(
    `git auto-update check: ${r.stacks} deployments, ${r.concurrency} git commands at once (seeded in ${r.seedMs} ms)`,
  );
  for (const p of r.passes) {
    console.log(
      `  ${p.label.padEnd(22)} wall ${String(p.wallMs).padStart(6)} ms  checker CPU ${String(p.checkerCpuMs).padStart(6)} ms (node ${p.checkerNodeCpuMs} ms)  git server CPU ${String(p.gitServerCpuMs).padStart(6)} ms  ${JSON.stringify(p.outcomes)}`,
    );
  }
  console.log(`  redeploys triggered: ${r.redeploys}`);
}
