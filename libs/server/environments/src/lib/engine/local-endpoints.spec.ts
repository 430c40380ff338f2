/**
 * Integration test with real components (DESIGN §4): the real `docker` CLI with DOCKER_HOST on an environment's
 * local endpoint, against the real local engine and through a real agent (the built `dist/apps/agent`, skipped when
 * it is not built). The endpoint is a server-internal seam (no route, never on TCP), so it is tested here rather
 * than through the API; the server builds it the same way (environments.module.ts).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox, type CapstanConfig, type KeyValueStore } from '@capstan/server-core';
import { AgentKeysService } from '../agent/agent-keys.service';
import type { EngineConnection } from './engine-connection';
import { EngineConnections } from './engine-connections';
import { LocalEndpoints } from './local-endpoints';

const SOCKET = '/var/run/docker.sock';
const hasDocker =
  existsSync(SOCKET) && ['/usr/local/bin/docker', '/usr/bin/docker'].some((p) => existsSync(p));
if (!hasDocker && process.env['CI'] === 'true')
  throw new Error(`CI needs a Docker engine on ${SOCKET} and the docker CLI (tools/setup/docker.sh)`);
if (!hasDocker) console.warn('local-endpoints.spec: no Docker engine or docker CLI here, skipped');
const AGENT_MAIN = resolve(__dirname, '../../../../../../dist/apps/agent/main.js');

interface RealAgent {
  port: number;
  proc: ChildProcess;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
    s.on('error', fail);
  });
}

/** The built agent in classic mode on a loopback port, once its public /ping answers; undefined if not built. */
async function startAgent(): Promise<RealAgent | undefined> {
  if (!existsSync(AGENT_MAIN)) return undefined;
  const port = await freePort();
  const proc = spawn(process.execPath, [AGENT_MAIN], {
    env: {
      PATH: process.env['PATH'] ?? '',
      AGENT_PORT: String(port),
      AGENT_HOST: '127.0.0.1',
      LOG_LEVEL: 'INFO',
    },
    cwd: mkdtempSync(join(tmpdir(), 'capstan-agent-')),
    stdio: 'ignore',
  });
  const answers = () =>
    new Promise<boolean>((ok) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/ping', rejectUnauthorized: false, timeout: 500 },
        (res) => {
          res.resume();
          ok(res.statusCode === 204);
        },
      );
      req.on('error', () => ok(false)).on('timeout', () => req.destroy());
      req.end();
    });
  for (const end = Date.now() + 15_000; Date.now() < end && proc.exitCode === null;) {
    if (await answers()) return { port, proc };
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill('SIGKILL');
  return undefined;
}
const IMAGE = 'capstan/busybox:local';
const LABEL = 'test.capstan=local-endpoint';
const run = promisify(execFile);

describe.runIf(hasDocker)('LocalEndpoints (integration: real docker CLI, engine and agent)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'capstan-endpoints-'));
  const engines = new EngineConnections();
  const connections = new Map<number, EngineConnection>();
  const endpoints = new LocalEndpoints(join(dir, 'engines'), engines, (id) => {
    const c = connections.get(id);
    return c ? Promise.resolve(c) : Promise.reject(new Error(`No environment ${id}`));
  });
  let agent: RealAgent | undefined;

  const docker = async (dockerHost: string, args: string[], input?: string): Promise<string> => {
    if (input === undefined) {
      const { stdout } = await run('docker', args, {
        env: { ...process.env, DOCKER_HOST: dockerHost },
        timeout: 30_000,
      });
      return stdout;
    }
    return new Promise((resolve, reject) => {
      const child = spawn('docker', args, { env: { ...process.env, DOCKER_HOST: dockerHost } });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('close', (code) =>
        code === 0 ? resolve(out) : reject(new Error(`docker ${args[0]}: ${code} ${err}`)),
      );
      child.stdin.end(input);
    });
  };

  beforeAll(async () => {
    connections.set(1, {
      url: `unix://${SOCKET}`,
      tls: false,
      tlsSkipVerify: false,
      timeoutMs: 0,
      environmentId: 1,
    });
    agent = await startAgent();
    if (agent) {
      const box = new SecretBox('local-endpoint-test');
      const store = { getOrCreate: (_k: string, create: () => string) => Promise.resolve(create()) };
      const keys = new AgentKeysService(
        store as unknown as KeyValueStore,
        box,
        {} as unknown as CapstanConfig,
      );
      await keys.onModuleInit();
      connections.set(2, {
        url: `tcp://127.0.0.1:${agent.port}`,
        tls: true,
        tlsSkipVerify: true,
        timeoutMs: 0,
        environmentId: 2,
        agent: { headers: keys.headers() },
      });
    }
  });
  afterAll(async () => {
    await run('sh', ['-c', `docker ps -aq --filter label=${LABEL} | xargs -r docker rm -f`]).catch(
      () => undefined,
    );
    await endpoints.closeAll();
    engines.onApplicationShutdown();
    agent?.proc.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens a private socket (directory 0700, socket 0600) and runs docker version, run, logs -f and exec -i', async () => {
    const { dockerHost } = await endpoints.forEnvironment(1);
    const path = dockerHost.replace('unix://', '');
    expect(path.startsWith(join(dir, 'engines'))).toBe(true);
    expect(statSync(join(dir, 'engines')).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect((await endpoints.forEnvironment(1)).dockerHost).toBe(dockerHost);

    expect((await docker(dockerHost, ['version', '--format', '{{.Server.APIVersion}}'])).trim()).toMatch(
      /^1\.\d+$/,
    );
    // Attached run: create, attach (an upgrade), start, wait, remove.
    expect(await docker(dockerHost, ['run', '--rm', '--label', LABEL, IMAGE, 'echo', 'hi'])).toBe('hi\n');
    const id = (
      await docker(dockerHost, [
        'run',
        '-d',
        '--label',
        LABEL,
        IMAGE,
        'sh',
        '-c',
        'echo one; sleep 1; echo two; sleep 3',
      ])
    ).trim();
    // Followed logs: "two" arrives a second after "one", through the streamed answer.
    const logs = spawn('docker', ['logs', '-f', id], { env: { ...process.env, DOCKER_HOST: dockerHost } });
    let followed = '';
    logs.stdout.on('data', (d: Buffer) => (followed += d.toString()));
    for (const end = Date.now() + 10_000; !followed.includes('two') && Date.now() < end;)
      await new Promise((r) => setTimeout(r, 100));
    expect(followed).toBe('one\ntwo\n');
    logs.kill();
    // exec with stdin: the hijacked stream both ways.
    expect(await docker(dockerHost, ['exec', '-i', id, 'sh', '-c', 'read x; echo got $x'], 'ping\n')).toBe(
      'got ping\n',
    );
    await docker(dockerHost, ['rm', '-f', id]);
  });

  it('refuses an unknown environment, and removes the socket on close and when the environment is forgotten', async () => {
    await expect(endpoints.forEnvironment(99)).rejects.toThrow('No environment 99');
    const { dockerHost } = await endpoints.forEnvironment(1);
    const path = dockerHost.replace('unix://', '');
    await endpoints.close(1);
    expect(existsSync(path)).toBe(false);
    const again = (await endpoints.forEnvironment(1)).dockerHost.replace('unix://', '');
    expect(existsSync(again)).toBe(true);
    engines.forget(1);
    for (const end = Date.now() + 2000; existsSync(again) && Date.now() < end;)
      await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(again)).toBe(false);
  });

  it('forwards through an agent environment, signed: version, ps, run -d, logs, exec -i and an attached run', async (ctx) => {
    if (!agent && process.env['CI'] === 'true')
      throw new Error(`CI needs the built agent at ${AGENT_MAIN} (npm test builds it before the unit suite)`);
    if (!agent) ctx.skip(); // dist/apps/agent not built
    const { dockerHost } = await endpoints.forEnvironment(2);
    expect((await docker(dockerHost, ['version', '--format', '{{.Server.APIVersion}}'])).trim()).toMatch(
      /^1\.\d+$/,
    );
    const name = `capstan-endpoint-${randomBytes(4).toString('hex')}`;
    const id = (
      await docker(dockerHost, [
        'run',
        '-d',
        '--name',
        name,
        '--label',
        LABEL,
        IMAGE,
        'sh',
        '-c',
        'echo via-agent; sleep 30',
      ])
    ).trim();
    expect(await docker(dockerHost, ['ps', '--filter', `name=${name}`, '--format', '{{.Names}}'])).toBe(
      `${name}\n`,
    );
    for (let i = 0; i < 50 && !(await docker(dockerHost, ['logs', id])).includes('via-agent'); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(await docker(dockerHost, ['logs', id])).toBe('via-agent\n');
    // exec with stdin and an attached run: the agent passes the engine's connection upgrade through.
    expect(await docker(dockerHost, ['exec', '-i', id, 'sh', '-c', 'read x; echo got $x'], 'ping\n')).toBe(
      'got ping\n',
    );
    expect(await docker(dockerHost, ['run', '--rm', '--label', LABEL, IMAGE, 'echo', 'hi'])).toBe('hi\n');
    await docker(dockerHost, ['rm', '-f', id]);
  });
});
