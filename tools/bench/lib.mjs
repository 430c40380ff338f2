// Shared helpers for the benchmarks: free ports, starting the built server, polling, RSS.
// Everything stays on 127.0.0.1; every loop is bounded by a count or a deadline.
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, existsSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(new URL('../..', import.meta.url).pathname);
export const serverMain = join(repoRoot, 'dist/apps/server/main.js');
import { SERVER_NODE_FLAGS } from '../scripts/server-flags.mjs';
export const ADMIN_PASSWORD = 'bench-Admin-password-1234';

export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function requireServerBuild() {
  if (!existsSync(serverMain)) {
    throw new Error(`${serverMain} is missing: run NX_DAEMON=false npx nx build server`);
  }
}

/** Starts `node dist/apps/server/main.js`; its output goes to <dataDir>.log (never to a pipe that could fill). */
export async function startServer({ dataDir, logLevel = process.env.BENCH_LOG_LEVEL ?? 'warn' }) {
  const httpPort = await freePort();
  const httpsPort = await freePort();
  const tunnelPort = await freePort();
  const logFile = `${dataDir}.log`;
  const out = openSync(logFile, 'a');
  const t0 = process.hrtime.bigint();
  // Same V8 flags as `npm start` and the image (SERVER_NODE_FLAGS).
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, serverMain], {
    cwd: repoRoot,
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      CAPSTAN_DATA_DIR: dataDir,
      CAPSTAN_BIND_ADDRESS: '127.0.0.1',
      CAPSTAN_HTTP_PORT: String(httpPort),
      CAPSTAN_HTTPS_PORT: String(httpsPort),
      CAPSTAN_TUNNEL_PORT: String(tunnelPort),
      CAPSTAN_ADMIN_PASSWORD: ADMIN_PASSWORD,
      CAPSTAN_LOG_LEVEL: logLevel,
    },
  });
  let exited = null;
  child.once('exit', (code, signal) => (exited = { code, signal }));
  return {
    child,
    pid: child.pid,
    baseUrl: `http://127.0.0.1:${httpPort}`,
    t0,
    logFile,
    exited: () => exited,
    stop: () => stopChild(child),
  };
}

export function stopChild(child) {
  return new Promise((res) => {
    if (child.exitCode !== null || child.signalCode !== null) return res();
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      res();
    });
    child.kill('SIGTERM');
  });
}

/** One HTTP request; resolves {status, body, headers}. */
export function request(url, { method = 'GET', headers = {}, body, agent, timeout = 5_000 } = {}) {
  return new Promise((res, rej) => {
    const req = http.request(url, { method, headers, agent, timeout }, (r) => {
      const chunks = [];
      r.on('data', (c) => chunks.push(c));
      r.on('end', () =>
        res({ status: r.statusCode, headers: r.headers, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', rej);
    if (body !== undefined) req.end(typeof body === 'string' ? body : JSON.stringify(body));
    else req.end();
  });
}

/** Polls GET <path> every 10 ms until it answers 200; returns ms since `t0` (hrtime bigint). */
export async function waitForStatus(server, path = '/api/system/status', timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const gone = server.exited();
    if (gone) throw new Error(`server exited (${JSON.stringify(gone)}); see ${server.logFile}`);
    try {
      const r = await request(server.baseUrl + path, { timeout: 1_000 });
      if (r.status === 200) return Number(process.hrtime.bigint() - server.t0) / 1e6;
    } catch {
      // not listening yet
    }
    await sleep(10);
  }
  throw new Error(`no 200 on ${path} within ${timeoutMs} ms; see ${server.logFile}`);
}

export function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const median = (xs) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

export function cleanup(dir) {
  rmSync(dir, { recursive: true, force: true });
  rmSync(`${dir}.log`, { force: true });
}

/** True when the module is the script node was started with. */
export const isMain = (meta) => process.argv[1] && resolve(process.argv[1]) === new URL(meta.url).pathname;

/** Logs in as the administrator that startServer() creates; returns the Authorization header. */
export async function adminAuth(server) {
  const r = await request(`${server.baseUrl}/api/auth`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: { username: 'admin', password: ADMIN_PASSWORD },
  });
  if (r.status !== 200) throw new Error(`POST /api/auth answered ${r.status}: ${r.body}`);
  return { Authorization: `Bearer ${JSON.parse(r.body).jwt}` };
}
