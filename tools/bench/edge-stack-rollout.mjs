#!/usr/bin/env node
// Edge stack rollout: BENCH_EDGE_AGENTS simulated standard edge agents (default 1000) poll the built server every
// BENCH_POLL_S seconds (default 5, start times spread over the interval) with their ETag, like the real agent. An
// edge stack for a dynamic edge group holding all of them is deployed (version 1) and, once every agent reports
// Running, updated (version 2). Each agent that sees a new version fetches the payload and reports Portainer's
// sequence (Acknowledged, Deploying, DeploymentReceived, Running) with the version. Measured for the update: time
// until all report Running v2, the server's CPU time (/proc/<pid>/stat) and its writes (/proc/<pid>/io: write
// syscalls and bytes — the SQLite main and audit stores and their WAL; the server logs at warn only). No Docker:
// the agents are simulated (the real agent's deploy is covered by e2e/api/src/edge-stacks.e2e.ts).
//   node tools/bench/edge-stack-rollout.mjs
import http from 'node:http';
import { readFileSync } from 'node:fs';

import {
  adminAuth,
  cleanup,
  isMain,
  request,
  requireServerBuild,
  sleep,
  startServer,
  tempDir,
  waitForStatus,
} from './lib.mjs';

const CLK_TCK = 100;

function cpuSeconds(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

function io(pid) {
  const out = {};
  for (const line of readFileSync(`/proc/${pid}/io`, 'utf8').split('\n')) {
    const [k, v] = line.split(': ');
    if (k) out[k] = Number(v);
  }
  return out;
}

export async function edgeStackRollout({
  agents = Number(process.env.BENCH_EDGE_AGENTS ?? 1000),
  pollS = Number(process.env.BENCH_POLL_S ?? 5),
} = {}) {
  requireServerBuild();
  const dataDir = tempDir('capstan-bench-edge-stack-');
  const server = await startServer({ dataDir });
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let stopped = false;
  try {
    await waitForStatus(server);
    const auth = await adminAuth(server);
    const json = { ...auth, 'Content-Type': 'application/json' };
    const api = async (method, path, body) => {
      const r = await request(`${server.baseUrl}${path}`, {
        method,
        headers: json,
        body,
        agent: httpAgent,
        timeout: 60_000,
      });
      if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.body}`);
      return r.body ? JSON.parse(r.body) : undefined;
    };
    const tag = await api('POST', '/api/tags', { Name: 'fleet' });
    const devices = [];
    for (let i = 0; i < agents; i++) {
      const env = await api('POST', '/api/endpoints', {
        Name: `device-${i}`,
        EndpointCreationType: 4,
        URL: server.baseUrl,
        TagIds: [tag.ID],
        EdgeCheckinInterval: pollS,
      });
      devices.push({ id: env.Id, edgeId: `bench-device-${i}`, etag: '', versions: new Map() });
    }
    const group = await api('POST', '/api/edge_groups', { Name: 'fleet', Dynamic: true, TagIDs: [tag.ID] });

    const call = (d, method, path, body) =>
      request(`${server.baseUrl}${path}`, {
        method,
        agent: httpAgent,
        timeout: 60_000,
        headers: {
          'X-PortainerAgent-EdgeID': d.edgeId,
          ...(d.etag && method === 'GET' && path.endsWith('/status') ? { 'If-None-Match': d.etag } : {}),
          ...(body ? { 'Content-Type': 'application/json' } : {}),
        },
        body,
      });
    let polls = 0;
    let reports = 0;
    const deploy = async (d, stack) => {
      const p = await call(
        d,
        'GET',
        `/api/endpoints/${d.id}/edge/stacks/${stack.ID}?version=${stack.Version}`,
      );
      if (p.status !== 200) return;
      for (const Status of [3, 8, 1, 7]) {
        const r = await call(d, 'PUT', `/api/edge_stacks/${stack.ID}/status`, {
          EndpointID: d.id,
          Status,
          Error: '',
          Time: Math.floor(Date.now() / 1000),
          Version: stack.Version,
        });
        reports++;
        if (r.status !== 200) throw new Error(`status report: ${r.status} ${r.body}`);
      }
      d.versions.set(stack.ID, stack.Version);
    };
    const loop = async (d, offsetMs) => {
      await sleep(offsetMs);
      while (!stopped) {
        const t0 = Date.now();
        try {
          const r = await call(d, 'GET', `/api/endpoints/${d.id}/edge/status`);
          polls++;
          if (r.status === 200) {
            d.etag = r.headers.etag;
            d.answer = JSON.parse(r.body);
          }
          for (const s of d.answer?.stacks ?? [])
            if ((d.versions.get(s.ID) ?? 0) < s.Version) await deploy(d, s);
        } catch (e) {
          if (!stopped) console.error(`device ${d.id}: ${e.message}`);
        }
        await sleep(Math.max(0, pollS * 1000 - (Date.now() - t0)));
      }
    };
    const loops = devices.map((d, i) => loop(d, Math.floor((i / devices.length) * pollS * 1000)));

    const compose = (cmd) => `services:\n  app:\n    image: busybox\n    command: ${cmd}\n`;
    const stack = await api('POST', '/api/edge_stacks/create/string', {
      Name: 'fleet-app',
      StackFileContent: compose('sleep 1'),
      EdgeGroups: [group.Id],
    });
    const allRunning = async (version, timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const s = await api('GET', `/api/edge_stacks/${stack.Id}`);
        const done = Object.values(s.Status).filter(
          (x) => x.DeploymentInfo.Version === version && x.Status.at(-1)?.Type === 7,
        ).length;
        if (done === agents) return;
        if (Date.now() > deadline) throw new Error(`only ${done}/${agents} at version ${version}`);
        await sleep(250);
      }
    };
    await allRunning(1, 10 * 60_000);

    // The measured update.
    const cpu0 = cpuSeconds(server.pid);
    const io0 = io(server.pid);
    const polls0 = polls;
    const reports0 = reports;
    const t0 = Date.now();
    await api('PUT', `/api/edge_stacks/${stack.Id}`, { StackFileContent: compose('sleep 2') });
    await allRunning(2, 10 * 60_000);
    const seconds = (Date.now() - t0) / 1000;
    const cpu = cpuSeconds(server.pid) - cpu0;
    const io1 = io(server.pid);
    stopped = true;
    await Promise.all(loops);
    return {
      agents,
      pollS,
      seconds,
      serverCpuSeconds: cpu,
      serverCpuPct: (cpu / seconds) * 100,
      writeSyscalls: io1.syscw - io0.syscw,
      writeBytes: io1.write_bytes - io0.write_bytes,
      polls: polls - polls0,
      reports: reports - reports0,
    };
  } finally {
    stopped = true;
    httpAgent.destroy();
    await server.stop();
    cleanup(dataDir);
  }
}

if (isMain(import.meta)) {
  const r = await edgeStackRollout();
  console.log(
    `edge stack update to ${r.agents} simulated agents (poll ${r.pollS} s): all Running v2 after ${r.seconds.toFixed(1)} s; ` +
      `server CPU ${r.serverCpuSeconds.toFixed(1)} s (${r.serverCpuPct.toFixed(0)}%); ` +
      `${r.polls} polls, ${r.reports} status reports; server writes ${r.writeSyscalls} syscalls, ` +
      `${(r.writeBytes / 1048576).toFixed(1)} MiB`,
  );
}
