/**
 * The local Docker endpoint of an environment (server-environments `LocalEndpoints`), integration test with real
 * components: the real `docker` CLI with DOCKER_HOST on the endpoint's socket, against the real local engine and
 * through a real agent (the built `dist/apps/agent`). The endpoint is a server-internal seam (no route), so it is
 * built here as the server builds it, on the same engine client.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox, type CapstanConfig, type KeyValueStore } from '@capstan/server-core';
import { AgentKeysService } from '../../../libs/server/environments/src/lib/agent/agent-keys.service';
import type { EngineConnection } from '../../../libs/server/environments/src/lib/engine/engine-connection';
import { EngineConnections } from '../../../libs/server/environments/src/lib/engine/engine-connections';
import { LocalEndpoints } from '../../../libs/server/environments/src/lib/engine/local-endpoints';
import { startAgent, type RealAgent } from './support/agent';
import { uniqueName } from './support/fixtures';

const SOCKET = '/var/run/docker.sock';
const hasDocker = existsSync(SOCKET) && existsSync('/usr/local/bin/docker');
if (!hasDocker && process.env['CI'] === 'true')
  throw new Error(`CI needs a Docker engine on ${SOCKET} and the docker CLI (tools/setup/docker.sh)`);
const IMAGE = 'capstan/busybox:local';
const LABEL = 'test.capstan=local-endpoint';
const run = promisify(execFile);

describe.runIf(hasDocker)('local Docker endpoint per environment (real docker CLI)', () => {
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

  it('forwards through an agent environment, signed: version, ps, run -d and logs', async (ctx) => {
    if (!agent) ctx.skip(); // dist/apps/agent not built
    const { dockerHost } = await endpoints.forEnvironment(2);
    expect((await docker(dockerHost, ['version', '--format', '{{.Server.APIVersion}}'])).trim()).toMatch(
      /^1\.\d+$/,
    );
    const name = uniqueName('capstan-endpoint');
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
    await docker(dockerHost, ['rm', '-f', id]);
  });
});
