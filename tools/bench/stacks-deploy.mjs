#!/usr/bin/env node
// A 10-service compose stack deployed through Capstan (POST /api/stacks/create/standalone/string: validation,
// files, `docker compose up -d` through the environment's local endpoint, record) against `docker compose up -d`
// of the same file straight on the same engine, in the same run, alternately, each followed by a `down`. Prints
// the medians and the ratio Capstan / direct. Figures only.
//   node tools/bench/stacks-deploy.mjs     (BENCH_STACK_RUNS=3, BENCH_STACK_SERVICES=10)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  adminAuth,
  cleanup,
  isMain,
  median,
  request,
  requireServerBuild,
  startServer,
  tempDir,
  waitForStatus,
} from './lib.mjs';

const SOCKET = '/var/run/docker.sock';
const PLUGIN = '/usr/local/lib/docker/cli-plugins/docker-compose';
const IMAGE = 'capstan/busybox:local';

const composeFile = (n) =>
  'services:\n' +
  Array.from(
    { length: n },
    (_, i) => `  s${i}:\n    image: ${IMAGE}\n    command: ["sleep", "3600"]\n    stop_grace_period: 1s\n`,
  ).join('');

const docker = (...args) => execFileSync('docker', ['-H', `unix://${SOCKET}`, ...args], { stdio: 'ignore' });

export async function stacksDeploy({
  runs = Number(process.env.BENCH_STACK_RUNS ?? 3),
  services = Number(process.env.BENCH_STACK_SERVICES ?? 10),
} = {}) {
  requireServerBuild();
  if (!existsSync(SOCKET)) throw new Error(`no Docker engine on ${SOCKET}`);
  if (!existsSync(PLUGIN)) throw new Error(`docker compose missing (${PLUGIN}): run tools/setup/compose.sh`);
  const content = composeFile(services);
  const work = mkdtempSync(join(tmpdir(), 'capstan-bench-compose-'));
  writeFileSync(join(work, 'docker-compose.yml'), content);
  const dir = tempDir('capstan-bench-stacks-');
  const server = await startServer({ dataDir: dir });
  const direct = [];
  const capstan = [];
  try {
    await waitForStatus(server);
    const auth = await adminAuth(server);
    const env = await request(`${server.baseUrl}/api/endpoints`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: { Name: 'bench-local', EndpointCreationType: '1' },
      timeout: 30_000,
    });
    if (env.status !== 200) throw new Error(`environment: ${env.status} ${env.body}`);
    const envId = JSON.parse(env.body).Id;
    for (let i = 0; i < runs; i++) {
      const project = `bench-direct-${process.pid}-${i}`;
      let t0 = performance.now();
      docker('compose', '-p', project, '-f', join(work, 'docker-compose.yml'), 'up', '-d');
      direct.push(performance.now() - t0);
      docker('compose', '-p', project, 'down', '--remove-orphans');

      const name = `bench-capstan-${process.pid}-${i}`;
      t0 = performance.now();
      const r = await request(`${server.baseUrl}/api/stacks/create/standalone/string?endpointId=${envId}`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: { Name: name, StackFileContent: content },
        timeout: 300_000,
      });
      capstan.push(performance.now() - t0);
      if (r.status !== 200) throw new Error(`stack create: ${r.status} ${r.body}`);
      const id = JSON.parse(r.body).Id;
      const d = await request(`${server.baseUrl}/api/stacks/${id}`, {
        method: 'DELETE',
        headers: auth,
        timeout: 300_000,
      });
      if (d.status !== 204) throw new Error(`stack delete: ${d.status} ${d.body}`);
    }
  } finally {
    await server.stop();
    cleanup(dir);
    rmSync(work, { recursive: true, force: true });
  }
  const directMs = median(direct);
  const capstanMs = median(capstan);
  return { runs, services, directMs, capstanMs, ratio: capstanMs / directMs };
}

if (isMain(import.meta)) {
  const r = await stacksDeploy();
  console.log(
    `${r.services}-service compose stack, median of ${r.runs}: docker compose up -d ${r.directMs.toFixed(0)} ms, ` +
      `through Capstan ${r.capstanMs.toFixed(0)} ms, ratio ${r.ratio.toFixed(2)}`,
  );
}
