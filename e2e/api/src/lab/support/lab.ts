/**
 * The Swarm lab for the API tests in e2e/api/src/lab (tools/setup/swarm-lab.sh: node1 manager, node2 and node3
 * workers, each a dockerd on /run/capstan-swarm/nodeN.sock).
 *
 * Under `npm test` the runner brings the lab up, loads capstan/busybox:local on every node and holds the lab's lock
 * for the whole lab phase (CAPSTAN_SWARM_LAB=runner): a lab that does not answer then is a failure. Run by hand
 * (`npx vitest run -c tools/test/vitest.lab-api.config.mts`), a file takes the lock itself for its run and skips,
 * with a message, when the lab is not up (a failure when CI=true).
 */
import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { engineAnswers } from '@capstan/testing';

export const LAB_LOCK = '/run/capstan-swarm.lock';
export const labSocket = (i: number): string => `/run/capstan-swarm/node${i}.sock`;
export const HELD_BY_RUNNER = process.env['CAPSTAN_SWARM_LAB'] === 'runner';
const HOW =
  'run `sudo tools/setup/swarm-lab.sh up && sudo tools/setup/swarm-lab.sh load capstan/busybox:local`, ' +
  'or `CAPSTAN_TEST_ONLY=swarm-api npm test`';

export interface LabHold {
  /** Why the lab is not usable (the tests skip with it); undefined when it is. */
  unavailable?: string;
  release(): void;
}

/**
 * For a file's beforeAll: the lab is up (all three nodes answer) and locked for this file's run. Throws when the
 * runner said it is up and it is not, or in CI; otherwise returns the reason to skip.
 */
export async function useLab(waitSeconds = 300): Promise<LabHold> {
  const down = async (): Promise<string | undefined> => {
    for (const i of [1, 2, 3])
      if (!(await engineAnswers(labSocket(i)))) return `the Swarm lab's node${i} does not answer (${HOW})`;
    return undefined;
  };
  let reason = await down();
  let release = (): void => undefined;
  if (!reason && !HELD_BY_RUNNER) {
    const held = await holdLock(waitSeconds);
    if (!held) reason = `the Swarm lab is busy (${LAB_LOCK} held by another session for ${waitSeconds} s)`;
    else {
      release = held;
      reason = await down(); // it may have been taken down while we waited
    }
  }
  if (reason && (HELD_BY_RUNNER || process.env['CI'] === 'true')) {
    release();
    throw new Error(reason);
  }
  if (reason) console.warn(`lab tests skipped: ${reason}`);
  return { unavailable: reason, release };
}

/** flock on the lab's lock, held while `cat` reads our pipe (this process dying releases it too). */
function holdLock(waitSeconds: number): Promise<(() => void) | undefined> {
  const child = spawn(
    'flock',
    ['-o', '-w', String(waitSeconds), LAB_LOCK, '-c', 'echo locked; exec cat >/dev/null'],
    { stdio: ['pipe', 'pipe', 'ignore'] },
  );
  return new Promise((resolve) => {
    child.stdout.once('data', () => resolve(() => child.stdin.end()));
    child.once('exit', () => resolve(undefined));
    child.once('error', () => resolve(undefined));
  });
}

/** A JSON call straight to one lab node's engine (set-up and clean-up, not what is tested). */
export function labCall<T>(
  node: number,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(
      {
        socketPath: labSocket(node),
        method,
        path,
        headers: payload
          ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) }
          : {},
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            // /_ping answers plain text
          }
          resolve({ status: res.statusCode ?? 0, body: parsed as T });
        });
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('lab call timed out')));
    req.end(payload);
  });
}
