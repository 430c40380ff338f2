import { readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { request } from 'node:https';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { engineCall, errorOf, RunningAgent, ServerKey, startAgent } from './support/agent';

const registry = readRegistry();

function readRegistry(): { host: string; user: string; password: string } | null {
  try {
    const env = Object.fromEntries(
      readFileSync('/tmp/capstan-registry.env', 'utf8')
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    return {
      host: env['CAPSTAN_TEST_REGISTRY'],
      user: env['CAPSTAN_TEST_REGISTRY_USER'],
      password: env['CAPSTAN_TEST_REGISTRY_PASSWORD'],
    };
  } catch {
    return null;
  }
}

/** Streams a response: resolves with the chunks and when each arrived, optionally stopping early. */
function stream(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  until?: (received: string) => boolean,
): Promise<{ status: number; chunks: { at: number; text: string }[] }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const chunks: { at: number; text: string }[] = [];
    const req = request(
      { host: '127.0.0.1', port, method, path, headers, rejectUnauthorized: false },
      (res) => {
        res.setEncoding('utf8');
        res.on('data', (text: string) => {
          chunks.push({ at: Date.now() - started, text });
          if (until?.(chunks.map((c) => c.text).join(''))) {
            req.destroy();
            resolve({ status: res.statusCode ?? 0, chunks });
          }
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, chunks }));
      },
    );
    req.on('error', (err) => (until ? undefined : reject(err)));
    req.end();
  });
}

describe('agent: Docker pass-through', () => {
  let agent: RunningAgent;
  const server = new ServerKey();
  const created: string[] = [];
  beforeAll(async () => (agent = await startAgent()));
  afterAll(async () => {
    for (const id of created) await engineCall('DELETE', `/containers/${id}?force=1`);
    await agent.stop();
  });

  it('passes the engine JSON through and strips a leading /vX.Y', async () => {
    const direct = (await engineCall('GET', '/version')).json as { ApiVersion: string; Version: string };
    const reply = await agent.call('GET', '/v1.41/version', { headers: server.headers() });
    expect(reply.status).toBe(200);
    expect(reply.headers['portainer-agent']).toBe('2.23.0');
    // The prefix was stripped, so the engine answers with its default API version.
    expect(reply.json()).toMatchObject({ ApiVersion: direct.ApiVersion, Version: direct.Version });
  });

  it('does not strip a version found later in the path', async () => {
    const reply = await agent.call('GET', '/containers/v1.41/json', { headers: server.headers() });
    expect(reply.status).toBe(404);
  });

  it('passes engine errors through with their status', async () => {
    const reply = await agent.call('GET', '/containers/capstan-agent-no-such-container/json', {
      headers: server.headers(),
    });
    expect(reply.status).toBe(404);
    expect((reply.json() as { message: string }).message).toMatch(/No such container/);
  });

  it('sends request bodies: create a container through the agent', async () => {
    const reply = await agent.call('POST', '/containers/create?name=capstan-agent-e2e-create', {
      headers: { ...server.headers(), 'Content-Type': 'application/json' },
      body: JSON.stringify({ Image: 'capstan/busybox:local', Cmd: ['true'] }),
    });
    expect(reply.status).toBe(201);
    const { Id } = reply.json() as { Id: string };
    created.push(Id);
    expect((await engineCall('GET', `/containers/${Id}/json`)).status).toBe(200);
  });

  it('streams followed logs as the container writes them', async () => {
    const create = await engineCall('POST', '/containers/create', {
      Image: 'capstan/busybox:local',
      Cmd: ['sh', '-c', 'echo first; sleep 2; echo second; sleep 30'],
    });
    const id = (create.json as { Id: string }).Id;
    created.push(id);
    await engineCall('POST', `/containers/${id}/start`);
    const result = await stream(
      agent.port,
      'GET',
      `/v1.41/containers/${id}/logs?follow=1&stdout=1`,
      server.headers(),
      (text) => text.includes('second'),
    );
    expect(result.status).toBe(200);
    const first = result.chunks.find((c) => c.text.includes('first'));
    const second = result.chunks.find((c) => c.text.includes('second'));
    expect(first && second).toBeTruthy();
    // "first" arrived about 2 s before "second": nothing was buffered until the end.
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThan(1_000);
  });

  it('streams an image export (tar) of several MB', async () => {
    const reply = await agent.call('GET', '/images/capstan%2Fbusybox:local/get', {
      headers: server.headers(),
    });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/x-tar');
    expect(reply.body.length).toBeGreaterThan(1_000_000);
    // ustar magic of the first header block
    expect(reply.body.subarray(257, 262).toString()).toBe('ustar');
  });

  it.skipIf(!registry)('streams a pull from the local registry (progress lines)', async () => {
    if (!registry) return;
    const image = `${registry.host}/capstan/busybox`;
    await engineCall('DELETE', `/images/${encodeURIComponent(image + ':local')}`);
    const auth = Buffer.from(
      JSON.stringify({
        username: registry.user,
        password: registry.password,
        serveraddress: registry.host,
      }),
    )
      // Docker decodes base64 URL-safe *with* padding.
      .toString('base64')
      .replace(/\+/g, '-')
      .replace(/\//g, '_');
    const result = await stream(
      agent.port,
      'POST',
      `/v1.41/images/create?fromImage=${encodeURIComponent(image)}&tag=local`,
      {
        ...server.headers(),
        'X-Registry-Auth': auth,
      },
    );
    expect(result.status).toBe(200);
    const lines = result.chunks
      .map((c) => c.text)
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { status?: string; error?: string });
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.some((l) => l.error)).toBe(false);
    expect(lines.at(-1)?.status).toMatch(/Downloaded newer image|Image is up to date/);
    expect((await engineCall('GET', `/images/${encodeURIComponent(image + ':local')}/json`)).status).toBe(
      200,
    );
  });

  it('answers 500 with the reference message when the socket is gone', async () => {
    // A stand-in engine socket that answers while the agent starts (it may read /info), then disappears.
    const socketPath = `/tmp/capstan-agent-e2e-${process.pid}.sock`;
    rmSync(socketPath, { force: true });
    const fake = createHttpServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({ Name: 'fake', Swarm: { LocalNodeState: 'inactive', ControlAvailable: false } }),
      );
    });
    await new Promise<void>((r) => fake.listen(socketPath, r));
    const orphan = await startAgent({ DOCKER_HOST: `unix://${socketPath}` });
    try {
      await new Promise<void>((r) => {
        fake.close(() => r());
        fake.closeAllConnections();
      });
      rmSync(socketPath, { force: true });
      const reply = await orphan.call('GET', '/containers/json', { headers: server.headers() });
      expect(reply.status).toBe(500);
      expect(reply.json()).toMatchObject({ message: errorOf('dockerSocket').message });
      expect((reply.json() as { details: string }).details).toMatch(
        /ENOENT|ECONNREFUSED|socket hang up|ECONNRESET/,
      );
    } finally {
      await orphan.stop();
    }
  });

  it('answers /agents with 503 on a standalone engine', async () => {
    for (const path of ['/agents', '/v2/agents', '/v1/agents']) {
      const reply = await agent.call('GET', path, { headers: server.headers() });
      expect(reply.status).toBe(503);
      expect(reply.json()).toEqual(errorOf('standaloneAgents'));
    }
  });
});
