/**
 * The snapshot's lists through an agent (EngineDockerPort on an agent connection): signed HTTPS GETs whose
 * `X-Capstan-Agent-Unreachable` header is kept, on a real HTTPS server standing in for a Swarm agent.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_HEADERS, CLUSTER_HEADERS } from '@capstan/contracts-agent';
import { withAgentTarget, type EngineConnection } from './engine-connection';
import { EngineConnections } from './engine-connections';
import { EngineDockerPort } from './engine-reader';

describe('agent lists keep the unreachable nodes', () => {
  let server: Server;
  let url = '';
  const seen: { path: string; headers: IncomingHttpHeaders }[] = [];
  const missing: Record<string, string> = {
    '/containers/json?all=1': 'node3',
    '/images/json': 'node2, node3',
    '/volumes': '',
    '/networks': 'node2',
  };

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capstan-agent-lists-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-keyout',
        join(dir, 'k'),
        '-out',
        join(dir, 'c'),
      ],
      { stdio: 'ignore' },
    );
    server = createServer(
      { key: readFileSync(join(dir, 'k')), cert: readFileSync(join(dir, 'c')) },
      (req, res) => {
        const path = req.url ?? '';
        seen.push({ path, headers: req.headers });
        if (path === '/broken') {
          res.writeHead(502, { 'Content-Type': 'application/json' }).end('{"message":"no node answered"}');
          return;
        }
        const headers: Record<string, string> = { 'Content-Type': 'application/json' };
        if (missing[path]) headers[CLUSTER_HEADERS.unreachable] = missing[path];
        const body = path === '/volumes' ? { Volumes: [{ Name: 'v' }], Warnings: null } : [{ Id: path }];
        res.writeHead(200, headers).end(JSON.stringify(body));
      },
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const connection = (): EngineConnection => ({
    url,
    tls: false,
    tlsSkipVerify: false,
    timeoutMs: 3000,
    agent: { headers: { [AGENT_HEADERS.publicKey]: 'ab', [AGENT_HEADERS.signature]: 'sig' } },
  });

  it('collects the nodes named by every list, signed, sorted and without duplicates', async () => {
    const client = new EngineDockerPort(new EngineConnections()).connect(connection());
    expect(client.unreachableNodes?.()).toEqual([]);
    const [containers, images, volumes, networks] = await Promise.all([
      client.containers(),
      client.images(),
      client.volumes(),
      client.networks(),
    ]);
    expect(containers).toEqual([{ Id: '/containers/json?all=1' }]);
    expect(images).toEqual([{ Id: '/images/json' }]);
    expect(volumes).toEqual([{ Name: 'v' }]);
    expect(networks).toEqual([{ Id: '/networks' }]);
    expect(client.unreachableNodes?.()).toEqual(['node2', 'node3']);
    for (const s of seen) {
      expect(s.headers[AGENT_HEADERS.publicKey.toLowerCase()]).toBe('ab');
      expect(s.headers[AGENT_HEADERS.target.toLowerCase()]).toBeUndefined();
    }
  });

  it("turns an agent's error answer into an error naming the path and its message", async () => {
    await expect(new EngineConnections().client(connection()).get('/broken')).rejects.toThrow(
      '/broken: no node answered',
    );
  });

  it('shares /info among connections to the same engine, not across target nodes', async () => {
    const port = new EngineDockerPort(new EngineConnections());
    const infos = () => seen.filter((s) => s.path === '/info').length;
    const before = infos();
    await Promise.all([
      port.connect({ ...connection(), environmentId: 1 }).info(),
      port.connect({ ...connection(), environmentId: 2 }).info(),
      port.connect({ ...connection(), environmentId: 3 }).info(),
    ]);
    expect(infos() - before).toBe(1);
    await port.connect({ ...connection(), environmentId: 1 }).info();
    expect(infos() - before).toBe(1);
    const other = withAgentTarget({ ...connection(), environmentId: 1 }, 'node2');
    await port.connect(other).info();
    expect(infos() - before).toBe(2);
    expect(seen.at(-1)?.headers[AGENT_HEADERS.target.toLowerCase()]).toBe('node2');
  });
});
