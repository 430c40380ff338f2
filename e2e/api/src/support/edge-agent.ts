import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@capstan/testing';
import { AGENT_MAIN } from './agent';

export interface EdgeAgentProcess {
  proc: ChildProcess;
  output: () => string;
  dataPath: string;
}

/** The built agent in edge mode (EDGE=1) on loopback, with its own data dir; `env` adds EDGE_ID, EDGE_KEY, … */
export async function startEdgeAgent(env: Record<string, string>): Promise<EdgeAgentProcess> {
  const port = await freePort();
  const dataPath = mkdtempSync(join(tmpdir(), 'capstan-edge-agent-'));
  let output = '';
  const proc = spawn(process.execPath, [AGENT_MAIN], {
    env: {
      PATH: process.env['PATH'] ?? '',
      EDGE: '1',
      AGENT_HOST: '127.0.0.1',
      AGENT_PORT: String(port),
      DATA_PATH: dataPath,
      EDGE_INACTIVITY_TIMEOUT: '1m',
      LOG_LEVEL: 'INFO',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  return { proc, output: () => output, dataPath };
}

/** Polls `fn` every 100 ms until it returns something other than undefined. */
export async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
