/**
 * The built agent (dist/apps/agent/main.js) as a child process, and the server-side calls the agent tests share:
 * adding an agent environment, talking to a console WebSocket. Used by the agent API files (classic, local
 * engine) and the lab files (cluster mode on the lab's nodes).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';
import { agentAnswers, freePort } from '@capstan/testing';
import { uniqueName, type AdminServer } from './fixtures';

export const AGENT_MAIN = resolve(__dirname, '../../../../dist/apps/agent/main.js');

export interface RealAgent {
  port: number;
  proc: ChildProcess;
  output: () => string;
}

/** The built agent in classic mode on a free loopback port; undefined when it is not built or not HTTPS yet. */
export async function startAgent(extraEnv: Record<string, string> = {}): Promise<RealAgent | undefined> {
  if (!existsSync(AGENT_MAIN)) return undefined;
  const port = extraEnv['AGENT_PORT'] ? Number(extraEnv['AGENT_PORT']) : await freePort();
  let output = '';
  const proc = spawn(process.execPath, [AGENT_MAIN], {
    env: {
      PATH: process.env['PATH'] ?? '',
      AGENT_PORT: String(port),
      AGENT_HOST: '127.0.0.1',
      LOG_LEVEL: 'INFO',
      ...extraEnv,
    },
    cwd: mkdtempSync(join(tmpdir(), 'capstan-agent-')),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && proc.exitCode === null) {
    if (await agentAnswers(port)) return { port, proc, output: () => output };
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill('SIGKILL');
  return undefined;
}

export async function createAgentEnv(
  server: AdminServer,
  url: string,
  name = uniqueName('agent'),
): Promise<{ status: number; body: { Id: number; Type: number; URL: string; Agent?: { Version: string } } }> {
  const f = new FormData();
  f.append('Name', name);
  f.append('EndpointCreationType', '2');
  f.append('URL', url);
  const r = await fetch(`${server.server.baseUrl}/api/endpoints`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.admin}` },
    body: f,
  });
  return { status: r.status, body: (await r.json()) as never };
}

/** Opens a console WebSocket, sends `send`, collects text until `until` matches. */
export function converse(url: string, send: string[], until: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    let seen = '';
    const timer = setTimeout(() => {
      ws.close();
      reject(new Error(`timed out; got: ${JSON.stringify(seen)}`));
    }, 10_000);
    ws.on('open', () => send.forEach((s, i) => setTimeout(() => ws.send(s), 150 * (i + 1))));
    ws.on('message', (data: Buffer) => {
      seen += data.toString('utf8');
      if (until.test(seen)) {
        clearTimeout(timer);
        ws.close();
        resolve(seen);
      }
    });
    ws.on('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      reject(new Error(`HTTP ${res.statusCode}`));
    });
    ws.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}
