import { execFile, spawn } from 'node:child_process';
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

import { AGENT_HEADERS, generateAgentKeyPair, signAgentMessage } from '@capstan/contracts-agent';

const run = promisify(execFile);
export const LAB_SCRIPT = resolve(__dirname, '../../../../tools/setup/swarm-lab.sh');

export const LAB_LOCK = '/run/capstan-swarm.lock';

/**
 * Set by tools/test/run.sh for its lab phase: the runner holds the lab's lock and has brought the lab up; each
 * file still runs `up` (idempotent: it restarts a node an earlier file powered off) but neither locks nor takes
 * the lab down. Unset (a file run by hand), each file locks, brings up and takes down the lab itself.
 */
export const HELD_BY_RUNNER = process.env['CAPSTAN_SWARM_LAB'] === 'runner';

/** swarm-lab.sh, under the lock this suite holds (holdLab). */
export async function lab(...args: string[]): Promise<string> {
  return labWith({}, ...args);
}

/** swarm-lab.sh with extra environment (e.g. SWARM_MANAGERS for an `up` while nodes are promoted). */
export async function labWith(env: Record<string, string>, ...args: string[]): Promise<string> {
  const { stdout } = await run('bash', [LAB_SCRIPT, ...args], {
    maxBuffer: 16 << 20,
    env: { ...process.env, ...env, SWARM_LAB_LOCKED: '1' },
  });
  return stdout;
}

/** The end of a file: the lab goes down unless the runner holds it for the next suites. */
export async function labDown(): Promise<void> {
  if (!HELD_BY_RUNNER) await lab('down');
}

/**
 * Takes the lab's lock for the whole suite (another session's swarm-lab.sh up/down/stop waits meanwhile).
 * flock holds it while `cat` reads this process's pipe: ending the pipe — or this process dying — releases it.
 * Under the runner (HELD_BY_RUNNER) the runner holds it already: nothing to take.
 */
export async function holdLab(timeoutMs = 900_000): Promise<() => void> {
  if (HELD_BY_RUNNER) return () => undefined;
  const child = spawn(
    'flock',
    ['-o', '-w', String(timeoutMs / 1000), LAB_LOCK, '-c', 'echo locked; exec cat >/dev/null'],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolveLock, reject) => {
    child.stdout.once('data', () => resolveLock());
    child.once('exit', (code) =>
      reject(new Error(`could not lock the Swarm lab (${LAB_LOCK}): flock exited ${code ?? ''}`)),
    );
  });
  return () => child.stdin.end();
}

export const nodeSocket = (i: number): string => `/run/capstan-swarm/node${i}.sock`;

/** The client side of the protocol: a server key pair, every request signed (signAgentMessage). */
export class SignedClient {
  private readonly key = generateAgentKeyPair();

  /** `secret`: the agents run with AGENT_SECRET, the secret is the signed message (as the server's CAPSTAN_AGENT_SECRET). */
  constructor(private readonly secret?: string) {}

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      [AGENT_HEADERS.publicKey]: this.key.publicKeyHex,
      [AGENT_HEADERS.signature]: signAgentMessage(this.key.privateKeyPkcs8Der, this.secret),
      ...extra,
    };
  }
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = unknown>(): T;
}

/** One HTTP request to host:port or a unix socket (socketPath), answer buffered; `tls` for the agent's HTTPS. */
export function http(
  target: ({ port: number; host?: string } | { socketPath: string }) & { tls?: boolean },
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: unknown,
  timeoutMs = 20_000,
): Promise<Answer> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const send = target.tls ? httpsRequest : request;
  return new Promise((resolveAnswer, reject) => {
    const req = send(
      {
        rejectUnauthorized: false,
        // A new connection each time: each request stands alone (a node powered off between two requests cannot
        // leave a half-dead kept-alive connection in this client).
        agent: false,
        ...('socketPath' in target
          ? { socketPath: target.socketPath }
          : { host: target.host ?? '127.0.0.1', port: target.port }),
        method,
        path,
        headers: {
          ...headers,
          ...(payload
            ? { 'Content-Type': 'application/json', 'Content-Length': String(payload.length) }
            : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolveAnswer({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: <T>() => JSON.parse(text) as T,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    // A hung request fails with its path instead of the whole test timing out silently.
    req.setTimeout(timeoutMs, () =>
      req.destroy(new Error(`${method} ${path}: no answer in ${timeoutMs} ms`)),
    );
    req.end(payload);
  });
}

/**
 * Starts a Docker exec over an upgraded connection (`Connection: Upgrade`, `Upgrade: tcp`) and returns the
 * status line and everything the process wrote (TTY mode: no stream multiplexing).
 */
export function upgradedExec(
  port: number,
  execId: string,
  headers: Record<string, string>,
): Promise<{ statusLine: string; output: string }> {
  return new Promise((resolveExec, reject) => {
    const body = JSON.stringify({ Detach: false, Tty: true });
    const sock = connect(port, '127.0.0.1', () => {
      const lines = [
        `POST /exec/${execId}/start HTTP/1.1`,
        'Host: agent',
        'Connection: Upgrade',
        'Upgrade: tcp',
        'Content-Type: application/json',
        `Content-Length: ${Buffer.byteLength(body)}`,
        ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
      ];
      sock.write(`${lines.join('\r\n')}\r\n\r\n${body}`);
    });
    const chunks: Buffer[] = [];
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('error', reject);
    sock.setTimeout(20_000, () => sock.destroy(new Error('exec timed out')));
    sock.on('close', () => {
      const all = Buffer.concat(chunks).toString('utf8');
      const end = all.indexOf('\r\n\r\n');
      resolveExec({ statusLine: all.split('\r\n')[0], output: end >= 0 ? all.slice(end + 4) : '' });
    });
  });
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < until) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
}
