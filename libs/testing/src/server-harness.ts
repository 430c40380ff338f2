/**
 * Test harness: runs the built server (dist/apps/server/main.js) as a real process with a fresh data dir,
 * on free loopback ports, against SQLite or (CAPSTAN_TEST_DB=postgres) a fresh PostgreSQL database.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';

const root = resolve(__dirname, '../../..');
const MAIN = join(root, 'dist/apps/server/main.js');

export interface ServerOptions {
  env?: Record<string, string>;
  /** Reuse a data dir / database (restart tests). */
  dataDir?: string;
  databaseUrl?: string;
}

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  token?: string;
  apiKey?: string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

export const usePostgres = process.env['CAPSTAN_TEST_DB'] === 'postgres';

/** A fresh PostgreSQL database for one server, made with the CREATEDB test role. */
export async function createTestDatabase(): Promise<string> {
  const base = process.env['CAPSTAN_TEST_DATABASE_URL'];
  if (!base)
    throw new Error(
      'CAPSTAN_TEST_DB=postgres needs CAPSTAN_TEST_DATABASE_URL (tools/setup/postgres.sh prints it)',
    );
  const name = `capstan_t_${randomBytes(6).toString('hex')}`;
  const client = new Client({ connectionString: base });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

export class TestServer {
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  baseUrl = '';
  /** The edge tunnel port (CAPSTAN_TUNNEL_PORT) of the running server. */
  tunnelPort = 0;
  httpsUrl = '';
  private proc: ChildProcess | undefined;
  private output = '';

  private constructor(
    private readonly opts: ServerOptions,
    dataDir: string,
    databaseUrl: string | undefined,
  ) {
    this.dataDir = dataDir;
    this.databaseUrl = databaseUrl;
  }

  static async start(opts: ServerOptions = {}): Promise<TestServer> {
    if (!existsSync(MAIN))
      throw new Error(`${MAIN} is missing: build the server first (npx nx build server)`);
    const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'capstan-api-'));
    const databaseUrl = opts.databaseUrl ?? (usePostgres ? await createTestDatabase() : undefined);
    const server = new TestServer(opts, dataDir, databaseUrl);
    await server.boot();
    return server;
  }

  get logs(): string {
    return this.output;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Starts the process on fresh ports; retries when another process grabbed a port first. */
  async boot(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.bootOnce();
        return;
      } catch (e) {
        if (attempt >= 3 || !/already in use/.test(String(e))) throw e;
      }
    }
  }

  private async bootOnce(): Promise<void> {
    const httpPort = await freePort();
    let httpsPort = await freePort();
    while (httpsPort === httpPort) httpsPort = await freePort();
    let tunnelPort = await freePort();
    while (tunnelPort === httpPort || tunnelPort === httpsPort) tunnelPort = await freePort();
    this.tunnelPort = tunnelPort;
    this.baseUrl = `http://127.0.0.1:${httpPort}`;
    this.httpsUrl = `https://127.0.0.1:${httpsPort}`;
    this.output = '';
    const env: Record<string, string> = {
      PATH: process.env['PATH'] ?? '',
      CAPSTAN_DATA_DIR: this.dataDir,
      CAPSTAN_HTTP_PORT: String(httpPort),
      CAPSTAN_HTTPS_PORT: String(httpsPort),
      CAPSTAN_TUNNEL_PORT: String(tunnelPort),
      CAPSTAN_LOG_FORMAT: 'json',
      CAPSTAN_LOG_LEVEL: 'info',
      ...(this.databaseUrl ? { CAPSTAN_DATABASE_URL: this.databaseUrl } : {}),
      ...this.opts.env,
    };
    const proc = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    proc.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    // Ready means our own process said so: a status reply could come from another server on a reused port.
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}:\n${this.output}`);
      if (this.output.includes('Capstan is ready on')) return;
      await sleep(50);
    }
    proc.kill('SIGKILL');
    throw new Error(`server did not become ready:\n${this.output}`);
  }

  async request<T = unknown>(method: string, path: string, o: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token) headers['Authorization'] = `Bearer ${o.token}`;
    if (o.apiKey) headers['X-API-Key'] = o.apiKey;
    let body: string | undefined = o.raw;
    if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['Content-Type'] ??= 'application/json';
    } else if (o.raw !== undefined) {
      headers['Content-Type'] ??= 'application/json';
    }
    const r = await fetch(`${this.baseUrl}${path}`, { method, headers, body, redirect: 'manual' });
    const text = await r.text();
    let parsed: unknown = text;
    if ((r.headers.get('content-type') ?? '').includes('application/json') && text !== '')
      parsed = JSON.parse(text);
    return { status: r.status, headers: r.headers, body: parsed as T, text };
  }

  /** Graceful stop (SIGTERM). */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  /** Abrupt death: no shutdown hooks, no flush. */
  async kill9(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** Stops and starts the same server (same data); `env` adds or overrides variables from now on. */
  async restart(env?: Record<string, string>): Promise<void> {
    await this.stop();
    if (env) this.opts.env = { ...this.opts.env, ...env };
    await this.boot();
  }

  async dispose(): Promise<void> {
    await this.stop();
    if (!this.opts.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((res) => proc.once('exit', () => res()));
    proc.kill(sig);
    await Promise.race([exited, sleep(10_000).then(() => proc.kill('SIGKILL'))]);
    await exited;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
