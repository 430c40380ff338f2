#!/usr/bin/env node
// Snapshot pass over N environments pointing at the real engines (the Docker socket, and the Podman socket when
// present, alternately): wall time of POST /api/endpoints/snapshot (target ≤ 10 s for 100) and the server's peak
// RSS (VmHWM). Figures only.
//   node tools/bench/snapshot.mjs     (BENCH_ENVIRONMENTS=100)
import { existsSync, readFileSync } from 'node:fs';
import {
  adminAuth,
  cleanup,
  isMain,
  request,
  requireServerBuild,
  startServer,
  tempDir,
  waitForStatus,
} from './lib.mjs';

const SOCKETS = ['/var/run/docker.sock', '/run/podman/podman.sock'].filter((s) => existsSync(s));

function peakRssMb(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'));
  return Number(line?.split(/\s+/)[1] ?? 0) / 1024;
}

export async function snapshotPass({ environments = Number(process.env.BENCH_ENVIRONMENTS ?? 100) } = {}) {
  requireServerBuild();
  if (SOCKETS.length === 0) throw new Error('no Docker or Podman socket');
  const dir = tempDir('capstan-bench-snapshot-');
  const server = await startServer({ dataDir: dir });
  try {
    await waitForStatus(server);
    const auth = await adminAuth(server);
    for (let i = 0; i < environments; i++) {
      const socket = SOCKETS[i % SOCKETS.length];
      const body = {
        Name: `bench-${i}`,
        EndpointCreationType: '1',
        URL: `unix://${socket}`,
        ContainerEngine: socket.includes('podman') ? 'podman' : 'docker',
      };
      const r = await request(`${server.baseUrl}/api/endpoints`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body,
        timeout: 30_000,
      });
      if (r.status !== 200) throw new Error(`environment ${i}: ${r.status} ${r.body}`);
    }
    const t0 = process.hrtime.bigint();
    const pass = await request(`${server.baseUrl}/api/endpoints/snapshot`, {
      method: 'POST',
      headers: auth,
      timeout: 120_000,
    });
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    if (pass.status !== 200) throw new Error(`snapshot pass: ${pass.status} ${pass.body}`);
    const outcomes = JSON.parse(pass.body);
    return {
      environments,
      engines: SOCKETS.length,
      wallMs,
      up: outcomes.filter((o) => o.status === 1).length,
      peakRssMb: peakRssMb(server.pid),
    };
  } finally {
    await server.stop();
    cleanup(dir);
  }
}

if (isMain(import.meta)) {
  const r = await snapshotPass();
  console.log(
    `snapshot pass over ${r.environments} environments (${r.engines} real engines): ${(r.wallMs / 1000).toFixed(2)} s, ${r.up} up (target ≤ 10 s)`,
  );
  console.log(`server peak RSS: ${r.peakRssMb.toFixed(1)} MB`);
}
