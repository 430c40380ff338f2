#!/usr/bin/env node
// The git auto-update check for N git stacks, through the server's own wiring: the built server (dist/) with an
// environment on the local Docker socket and N stacks created with POST /api/stacks/create/standalone/repository
// from N repositories on a loopback `git http-backend` (its own process), each with AutoUpdate.Interval 1h so only
// the measured passes run. A pass is POST /api/stacks/git/check (administrators: every interval job now) — the real
// StackGitService port (record, /_ping of the environment, sealed remote) and GitAutoUpdater (8 `git ls-remote` at
// once). Pass 1: nothing changed (all skipped); pass 2: BENCH_CHANGED repositories got a new commit, redeployed by
// the server (checkout, compose config, compose up). The stacks' service has `replicas: 0` and no network, so the
// figures are the check's and the redeploy's, not containers starting. Wall time, and CPU per pass of the server
// (Node + its git/docker children) and of the git server (Node + http-backend children). Figures only.
//   node tools/bench/git-autoupdate.mjs      (BENCH_STACKS=200 BENCH_CHANGED=20)
import { build } from 'esbuild';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  adminAuth,
  cleanup,
  isMain,
  repoRoot,
  request,
  requireServerBuild,
  startServer,
  tempDir,
  waitForStatus,
} from './lib.mjs';

const SOCKET = '/var/run/docker.sock';
const COMPOSE = (tag) =>
  `services:\n  app:\n    image: capstan/busybox:local\n    network_mode: none\n    deploy:\n      replicas: 0\n    labels:\n      rev: "${tag}"\n`;

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
      contents: ["export { GitHttpServer } from './libs/testing/src/git-http-server';"].join('\n'),
      resolveDir: repoRoot,
      loader: 'ts',
    },
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
      const file = (tag) => ${JSON.stringify(COMPOSE('TAG'))}.replace('TAG', tag);
      for (let i = 0; i < n; i++) heads.push(s.createRepo('stack-' + i, { 'docker-compose.yml': file('0') }));
      process.stdout.write(JSON.stringify({ port: s.port, heads }) + '\\n');
      process.stdin.on('data', (d) => {
        const ids = JSON.parse(String(d));
        const heads = ids.map((i) => s.commit('stack-' + i, { 'docker-compose.yml': file(String(Date.now())) }));
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
      if (child.exitCode !== null) return rej(new Error(`git server exited (${child.exitCode})`));
      const take = () => (lines.length ? res(lines.shift()) : (waiter = take));
      child.once('exit', (code) => rej(new Error(`git server exited (${code})`)));
      take();
    });
  return { child, next };
}

export async function gitAutoUpdateBench({
  stacks = Number(process.env.BENCH_STACKS ?? 200),
  changed = Number(process.env.BENCH_CHANGED ?? 20),
} = {}) {
  requireServerBuild();
  execFileSync('docker', ['-H', `unix://${SOCKET}`, 'compose', 'version'], { stdio: 'ignore' });
  const dir = tempDir('capstan-bench-git-');
  const bundlePath = await bundle(dir);
  const git = startGitServer(bundlePath, join(dir, 'git'), stacks);
  const server = await startServer({ dataDir: join(dir, 'data') });
  const names = [];
  let auth;
  try {
    await waitForStatus(server);
    auth = await adminAuth(server);
    const api = async (method, path, body, timeout = 60_000) => {
      const r = await request(`${server.baseUrl}${path}`, {
        method,
        headers: { ...auth, 'Content-Type': 'application/json' },
        body,
        timeout,
      });
      if (r.status !== 200) throw new Error(`${method} ${path}: ${r.status} ${r.body}`);
      return JSON.parse(r.body);
    };
    const envId = (await api('POST', '/api/endpoints', { Name: 'bench-local', EndpointCreationType: '1' }))
      .Id;
    const { port } = await git.next();
    const t1 = Date.now();
    const run = Date.now().toString(36);
    for (let i = 0; i < stacks; i++) {
      const name = `bench-git-${run}-${i}`;
      names.push(name);
      if (i > 0 && i % 50 === 0) console.error(`[git-autoupdate] ${i} stacks created`);
      await api('POST', `/api/stacks/create/standalone/repository?endpointId=${envId}`, {
        Name: name,
        RepositoryURL: `http://127.0.0.1:${port}/stack-${i}.git`,
        RepositoryReferenceName: 'refs/heads/main',
        ComposeFile: 'docker-compose.yml',
        AutoUpdate: { Interval: '1h' },
      });
    }
    const createMs = Date.now() - t1;

    const pass = async (label) => {
      const serverBefore = procCpu(server.pid);
      const gitBefore = procCpu(git.child.pid);
      const wall0 = performance.now();
      const answer = await api('POST', '/api/stacks/git/check', {}, 600_000);
      const wallMs = performance.now() - wall0;
      const serverAfter = procCpu(server.pid);
      const gitAfter = procCpu(git.child.pid);
      const { Checked, DurationMs, ...outcomes } = answer;
      return {
        label,
        checked: Checked,
        wallMs: Math.round(wallMs),
        passMs: DurationMs,
        serverCpuMs: serverAfter.own - serverBefore.own + (serverAfter.children - serverBefore.children),
        serverNodeCpuMs: serverAfter.own - serverBefore.own,
        gitServerCpuMs: gitAfter.own - gitBefore.own + (gitAfter.children - gitBefore.children),
        outcomes,
      };
    };
    const unchanged = await pass(`${stacks} unchanged`);
    git.child.stdin.write(
      JSON.stringify([...Array(changed).keys()].map((i) => i * Math.floor(stacks / changed))) + '\n',
    );
    await git.next();
    const withChanges = await pass(`${changed} of ${stacks} changed`);
    return {
      stacks,
      concurrency: 8,
      createMs,
      passes: [unchanged, withChanges],
      redeploys: withChanges.outcomes.updated ?? 0,
    };
  } finally {
    await server.stop();
    git.child.kill('SIGTERM');
    // Nothing runs (replicas 0, no network); the projects have no resources to remove.
    cleanup(dir);
  }
}

if (isMain(import.meta)) {
  const r = await gitAutoUpdateBench();
  console.log(
    `git auto-update check through the server: ${r.stacks} git stacks, ${r.concurrency} git commands at once (created through the API in ${r.createMs} ms)`,
  );
  for (const p of r.passes) {
    console.log(
      `  ${p.label.padEnd(22)} wall ${String(p.wallMs).padStart(6)} ms  server CPU ${String(p.serverCpuMs).padStart(6)} ms (node ${p.serverNodeCpuMs} ms)  git server CPU ${String(p.gitServerCpuMs).padStart(6)} ms  ${JSON.stringify(p.outcomes)}`,
    );
  }
  console.log(`  redeploys triggered: ${r.redeploys}`);
}
