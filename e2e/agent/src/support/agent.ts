import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { Agent, request } from 'node:https';
import { AddressInfo, createServer } from 'node:net';
import { resolve } from 'node:path';

import {
  AGENT_ERRORS,
  AgentErrorName,
  generateAgentKeyPair,
  signAgentMessage,
} from '@capstan/contracts-agent';

const root = resolve(__dirname, '../../../..');
export const fixturesDir = resolve(root, 'libs/contracts/agent/fixtures');
export const fixture = <T>(name: string): T =>
  JSON.parse(readFileSync(resolve(fixturesDir, name), 'utf8')) as T;

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
  json: () => unknown;
}

export interface RunningAgent {
  port: number;
  process: ChildProcess;
  output: () => string;
  call(method: string, path: string, options?: CallOptions): Promise<Reply>;
  stop(): Promise<void>;
}

export interface CallOptions {
  headers?: Record<string, string>;
  body?: Buffer | string;
}

/** A server identity: its key pair and the headers it signs requests with. */
export class ServerKey {
  readonly pair = generateAgentKeyPair();
  headers(message?: string): Record<string, string> {
    return {
      'X-PortainerAgent-PublicKey': this.pair.publicKeyHex,
      'X-PortainerAgent-Signature': signAgentMessage(this.pair.privateKeyPkcs8Der, message),
    };
  }
}

const tlsAgent = new Agent({ rejectUnauthorized: false, keepAlive: false });

export function httpsCall(
  port: number,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Reply> {
  return new Promise((resolvePromise, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, headers: options.headers, agent: tlsAgent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolvePromise({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            text: body.toString('utf8'),
            json: () => JSON.parse(body.toString('utf8')) as unknown,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Starts the built agent on a free port with the given environment; resolves once it listens. */
export async function startAgent(env: Record<string, string> = {}): Promise<RunningAgent> {
  const bin = process.env['CAPSTAN_AGENT_BIN'] ?? resolve(root, 'dist/apps/agent/main.js');
  const child = spawn(process.execPath, [bin], {
    env: {
      PATH: process.env['PATH'] ?? '',
      AGENT_PORT: String(await freePort()),
      LOG_LEVEL: 'DEBUG',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent did not start:\n${output}`)), 15_000);
    const onData = (): void => {
      const m = /listening on https:\/\/[^:]+:(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolvePort(Number(m[1]));
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`agent exited (${code}):\n${output}`));
    });
  });
  return {
    port,
    process: child,
    output: () => output,
    call: (method, path, options) => httpsCall(port, method, path, options),
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

/** The exact error body of the contract's error table (details may be overridden by the agent). */
export function errorOf(name: AgentErrorName): { message: string; details: string } {
  const { message, details } = fixture<typeof AGENT_ERRORS>('errors.json')[name];
  return { message, details };
}

/** Direct calls to the local engine (test set-up, comparisons). */
export function engineCall(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  return new Promise((resolvePromise, reject) => {
    const req = httpRequest(
      { socketPath: '/var/run/docker.sock', method, path, headers: { 'Content-Type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = text;
          try {
            json = JSON.parse(text);
          } catch {
            // keep the text
          }
          resolvePromise({ status: res.statusCode ?? 0, json });
        });
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolvePort(port));
    });
  });
}
