#!/usr/bin/env node
// Docker proxy overhead: GET containers/json?all=1 with N containers (created, not started) through Capstan
// (administrator, then a Standard user owning each container through its own resource control) vs the same
// call on the Docker socket directly, in the same run. Prints p50/p99 and the p50 ratios (targets ≤ 1.3 admin,
// ≤ 1.6 Standard user). Figures only. Needs dockerd and the capstan/busybox:local image (tools/setup).
//   node tools/bench/proxy.mjs     (BENCH_CONTAINERS=300, BENCH_REQUESTS=200)
import http from 'node:http';
import { existsSync } from 'node:fs';
import {
  adminAuth,
  cleanup,
  isMain,
  percentile,
  request,
  requireServerBuild,
  startServer,
  tempDir,
  waitForStatus,
} from './lib.mjs';

const SOCKET = '/var/run/docker.sock';
const LABEL = 'capstan.bench=proxy';

function docker(method, path, body) {
  return new Promise((res, rej) => {
    const req = http.request(
      { socketPath: SOCKET, method, path, headers: { 'Content-Type': 'application/json' } },
      (r) => {
        const chunks = [];
        r.on('data', (c) => chunks.push(c));
        r.on('end', () => res({ status: r.statusCode, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', rej);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function removeBenchContainers() {
  const list = JSON.parse(
    (
      await docker(
        'GET',
        `/containers/json?all=1&filters=${encodeURIComponent(JSON.stringify({ label: [LABEL] }))}`,
      )
    ).body,
  );
  for (const c of list) await docker('DELETE', `/containers/${c.Id}?force=1`);
}

/** Sequential latency samples of one GET (one request in flight, keep-alive). */
async function sample(send, count) {
  const times = [];
  for (let i = 0; i < count + 10; i++) {
    const t0 = process.hrtime.bigint();
    const r = await send();
    if (r.status !== 200) throw new Error(`status ${r.status}: ${r.body.slice(0, 200)}`);
    if (i >= 10) times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return times.sort((a, b) => a - b);
}

export async function proxyOverhead({
  containers = Number(process.env.BENCH_CONTAINERS ?? 300),
  requests = Number(process.env.BENCH_REQUESTS ?? 200),
} = {}) {
  requireServerBuild();
  if (!existsSync(SOCKET)) throw new Error(`no Docker engine on ${SOCKET}`);
  await removeBenchContainers();
  console.error(`[bench] creating ${containers} containers…`);
  const ids = [];
  for (let i = 0; i < containers; i++) {
    const r = await docker('POST', '/containers/create', {
      Image: 'capstan/busybox:local',
      Cmd: ['true'],
      Labels: { 'capstan.bench': 'proxy' },
    });
    if (r.status !== 201) throw new Error(`container create: ${r.status} ${r.body}`);
    ids.push(JSON.parse(r.body).Id);
  }
  const dir = tempDir('capstan-bench-proxy-');
  const server = await startServer({ dataDir: dir });
  try {
    await waitForStatus(server);
    const auth = await adminAuth(server);
    const boundary = 'capstanbench';
    const form = `--${boundary}\r\nContent-Disposition: form-data; name="Name"\r\n\r\nlocal\r\n--${boundary}\r\nContent-Disposition: form-data; name="EndpointCreationType"\r\n\r\n1\r\n--${boundary}--\r\n`;
    const created = await request(`${server.baseUrl}/api/endpoints`, {
      method: 'POST',
      headers: {
        ...auth,
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
      },
      body: form,
    });
    if (created.status !== 200) throw new Error(`environment create: ${created.status} ${created.body}`);
    const envId = JSON.parse(created.body).Id;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const direct = await sample(() => docker('GET', '/containers/json?all=1'), requests);
    const proxied = await sample(
      () =>
        request(`${server.baseUrl}/api/endpoints/${envId}/docker/containers/json?all=1`, {
          headers: auth,
          agent,
          timeout: 30_000,
        }),
      requests,
    );
    agent.destroy();
    // A Standard user who owns every container through one resource control each: the same list size, filtered.
    const json = { ...auth, 'Content-Type': 'application/json' };
    const user = await request(`${server.baseUrl}/api/users`, {
      method: 'POST',
      headers: json,
      body: { username: 'bench-standard', password: 'bench-standard-password', role: 2 },
    });
    if (user.status !== 200) throw new Error(`user create: ${user.status} ${user.body}`);
    const userId = JSON.parse(user.body).Id;
    const policy = await request(`${server.baseUrl}/api/endpoints/${envId}`, {
      method: 'PUT',
      headers: json,
      body: { UserAccessPolicies: { [userId]: { RoleId: 3 } } },
    });
    if (policy.status !== 200) throw new Error(`access policy: ${policy.status} ${policy.body}`);
    console.error(`[bench] creating ${ids.length} resource controls…`);
    for (const id of ids) {
      const rc = await request(`${server.baseUrl}/api/resource_controls`, {
        method: 'POST',
        headers: json,
        body: { ResourceID: id, Type: 1, Users: [userId], EndpointID: envId },
      });
      if (rc.status !== 200) throw new Error(`resource control: ${rc.status} ${rc.body}`);
    }
    const login = await request(`${server.baseUrl}/api/auth`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: { username: 'bench-standard', password: 'bench-standard-password' },
    });
    const standardAuth = { Authorization: `Bearer ${JSON.parse(login.body).jwt}` };
    const agent2 = new http.Agent({ keepAlive: true, maxSockets: 1 });
    let seen = 0;
    const standard = await sample(async () => {
      const r = await request(`${server.baseUrl}/api/endpoints/${envId}/docker/containers/json?all=1`, {
        headers: standardAuth,
        agent: agent2,
        timeout: 30_000,
      });
      if (r.status === 200) seen = JSON.parse(r.body).filter((c) => ids.includes(c.Id)).length;
      return r;
    }, requests);
    // The administrator again, now that every container has a control (each item decorated).
    const adminDecorated = await sample(
      () =>
        request(`${server.baseUrl}/api/endpoints/${envId}/docker/containers/json?all=1`, {
          headers: auth,
          agent: agent2,
          timeout: 30_000,
        }),
      requests,
    );
    agent2.destroy();
    if (seen !== ids.length) throw new Error(`the standard user saw ${seen} of ${ids.length} containers`);
    const directAgain = await sample(() => docker('GET', '/containers/json?all=1'), requests);
    const stats = (t) => ({ p50: percentile(t, 50), p99: percentile(t, 99) });
    const result = {
      containers,
      requests,
      direct: stats(direct),
      directAgain: stats(directAgain),
      proxied: stats(proxied),
      standard: stats(standard),
      adminDecorated: stats(adminDecorated),
    };
    return {
      ...result,
      ratio: result.proxied.p50 / result.direct.p50,
      standardRatio: result.standard.p50 / result.directAgain.p50,
      adminDecoratedRatio: result.adminDecorated.p50 / result.directAgain.p50,
    };
  } finally {
    await server.stop();
    cleanup(dir);
    await removeBenchContainers();
  }
}

if (isMain(import.meta)) {
  const r = await proxyOverhead();
  console.log(
    `GET containers/json?all=1 with ${r.containers} containers, ${r.requests} sequential requests each`,
  );
  console.log(`  direct socket   p50 ${r.direct.p50.toFixed(2)} ms   p99 ${r.direct.p99.toFixed(2)} ms`);
  console.log(`  capstan (admin) p50 ${r.proxied.p50.toFixed(2)} ms   p99 ${r.proxied.p99.toFixed(2)} ms`);
  console.log(`  p50 ratio       ${r.ratio.toFixed(2)}   (target ≤ 1.3)`);
  console.log(
    `  direct again    p50 ${r.directAgain.p50.toFixed(2)} ms   p99 ${r.directAgain.p99.toFixed(2)} ms`,
  );
  console.log(
    `  capstan (standard, ${r.containers} resource controls) p50 ${r.standard.p50.toFixed(2)} ms   p99 ${r.standard.p99.toFixed(2)} ms`,
  );
  console.log(`  p50 ratio       ${r.standardRatio.toFixed(2)}   (target ≤ 1.6)`);
  console.log(
    `  capstan (admin, every item decorated) p50 ${r.adminDecorated.p50.toFixed(2)} ms   p99 ${r.adminDecorated.p99.toFixed(2)} ms`,
  );
  console.log(
    `  p50 ratio       ${r.adminDecoratedRatio.toFixed(2)}   (no target; the admin target is measured without controls)`,
  );
}
