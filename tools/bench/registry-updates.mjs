#!/usr/bin/env node
// Image update detection: 300 containers (created, not started) over 20 distinct image:tags from the test
// registry (tools/setup/registry.sh), reached through a counting HTTP relay on 127.0.0.1 so every registry request
// is seen. One GET /api/docker/{id}/containers/image_status cold (empty cache) and one warm: wall time and
// registry requests per pass (target: one request per distinct image:tag cold, none warm). Figures only.
//   node tools/bench/registry-updates.mjs     (BENCH_CONTAINERS=300, BENCH_IMAGES=20)
import http from 'node:http';
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

const SOCKET = '/var/run/docker.sock';
const LABEL = 'capstan.bench=registry-updates';

function docker(method, path, body, headers = {}) {
  return new Promise((res, rej) => {
    const req = http.request(
      { socketPath: SOCKET, method, path, headers: { 'Content-Type': 'application/json', ...headers } },
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

/** A relay to the registry that counts requests by method. */
function countingRelay(target) {
  const [host, port] = target.split(':');
  const counts = { total: 0, HEAD: 0, GET: 0, other: 0 };
  const server = http.createServer((req, res) => {
    counts.total++;
    counts[req.method === 'HEAD' || req.method === 'GET' ? req.method : 'other']++;
    const up = http.request(
      { host, port: Number(port), method: req.method, path: req.url, headers: req.headers },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, address: `127.0.0.1:${server.address().port}`, counts }),
    ),
  );
}

function registryEnv() {
  const file = '/tmp/capstan-registry.env';
  if (!existsSync(file)) throw new Error('tools/setup/registry.sh did not run');
  const vars = Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return {
    address: vars.CAPSTAN_TEST_REGISTRY,
    user: vars.CAPSTAN_TEST_REGISTRY_USER,
    password: vars.CAPSTAN_TEST_REGISTRY_PASSWORD,
  };
}

export async function registryUpdates({
  containers = Number(process.env.BENCH_CONTAINERS ?? 300),
  images = Number(process.env.BENCH_IMAGES ?? 20),
} = {}) {
  requireServerBuild();
  if (!existsSync(SOCKET)) throw new Error(`no Docker engine on ${SOCKET}`);
  const reg = registryEnv();
  const relay = await countingRelay(reg.address);
  const dataDir = tempDir('capstan-bench-registry-');
  const server = await startServer({ dataDir });
  const made = [];
  try {
    await waitForStatus(server);
    const auth = await adminAuth(server);
    const api = (method, path, body) =>
      request(`${server.baseUrl}${path}`, {
        method,
        headers: { ...auth, 'Content-Type': 'application/json' },
        body,
        timeout: 120_000,
      });
    const form = new FormData();
    form.append('Name', 'bench-local');
    form.append('EndpointCreationType', '1');
    const env = await fetch(`${server.baseUrl}/api/endpoints`, { method: 'POST', headers: auth, body: form });
    const envId = (await env.json()).Id;
    const created = await api('POST', '/api/registries', {
      Name: 'bench',
      Type: 3,
      URL: relay.address,
      Authentication: true,
      Username: reg.user,
      Password: reg.password,
    });
    if (created.status !== 200) throw new Error(`registry: ${created.status} ${created.body}`);
    const registryId = JSON.parse(created.body).Id;
    const xAuth = Buffer.from(
      JSON.stringify({ username: reg.user, password: reg.password, serveraddress: relay.address }),
    ).toString('base64');
    console.error(
      `[bench] ${images} tags in the registry, pulled through the relay; ${containers} containers…`,
    );
    const repo = `${relay.address}/capstan/busybox`;
    for (let i = 0; i < images; i++) {
      const tag = `bench-${i}`;
      const r = await api('POST', `/api/registries/${registryId}/retag`, {
        Repository: 'capstan/busybox',
        Tag: 'local',
        NewTag: tag,
      });
      if (r.status !== 200) throw new Error(`retag: ${r.status} ${r.body}`);
      const p = await docker(
        'POST',
        `/images/create?fromImage=${encodeURIComponent(repo)}&tag=${tag}`,
        undefined,
        { 'X-Registry-Auth': xAuth },
      );
      if (p.status !== 200 || p.body.includes('"error"')) throw new Error(`pull: ${p.body.slice(0, 300)}`);
    }
    for (let n = 0; n < containers; n++) {
      const c = await docker('POST', '/containers/create', {
        Image: `${repo}:bench-${n % images}`,
        Cmd: ['true'],
        Labels: { 'capstan.bench': 'registry-updates' },
      });
      if (c.status !== 201) throw new Error(`create: ${c.body}`);
      made.push(JSON.parse(c.body).Id);
    }
    const pass = async () => {
      const before = { ...relay.counts };
      const t0 = process.hrtime.bigint();
      const r = await api('GET', `/api/docker/${envId}/containers/image_status`);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r.status !== 200) throw new Error(`image_status: ${r.status} ${r.body}`);
      const statuses = Object.values(JSON.parse(r.body)).map((s) => s.Status);
      const mine = made.length;
      return {
        ms: Math.round(ms),
        requests: relay.counts.total - before.total,
        head: relay.counts.HEAD - before.HEAD,
        updated: statuses.filter((s) => s === 'updated').length,
        checked: mine,
      };
    };
    const cold = await pass();
    const warm = await pass();
    const result = { containers, images, cold, warm, target: `${images} requests cold (one per image:tag)` };
    console.log(JSON.stringify(result, null, 2));
    return result;
  } finally {
    for (const id of made) await docker('DELETE', `/containers/${id}?force=1`);
    for (let i = 0; i < images; i++)
      await docker('DELETE', `/images/${encodeURIComponent(`${relay.address}/capstan/busybox:bench-${i}`)}`);
    relay.server.close();
    await server.stop();
    cleanup(dataDir);
  }
}

if (isMain(import.meta)) await registryUpdates();
