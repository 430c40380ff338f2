/**
 * Transports and their cache, on a real HTTP server listening on a unix socket (the Docker API's own transport).
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_HEADERS } from '@capstan/contracts-agent';
import { withAgentTarget, type EngineConnection } from './engine-connection';
import { EngineConnections } from './engine-connections';
import { AGENT, TCP, TRANSPORTS, UNIX_SOCKET } from './transports';

const base = { tls: false, tlsSkipVerify: false, timeoutMs: 2000 };

describe('TRANSPORTS', () => {
  it('carries agents over the agent transport, sockets over the socket, TCP (with or without TLS) over TCP', () => {
    const pick = (c: EngineConnection) => TRANSPORTS.find((k) => k.accepts(c));
    expect(pick({ ...base, url: 'unix:///var/run/docker.sock' })).toBe(UNIX_SOCKET);
    expect(pick({ ...base, url: 'tcp://10.0.0.1:2375' })).toBe(TCP);
    expect(pick({ ...base, url: 'tcp://10.0.0.1:2376', tls: true })).toBe(TCP);
    expect(pick({ ...base, url: 'tcp://10.0.0.1:9001', agent: { headers: {} } })).toBe(AGENT);
  });
});

describe('EngineConnections (a real HTTP server on a unix socket)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'capstan-engine-'));
  const socket = join(dir, 'engine.sock');
  let server: Server;
  let connections = 0;
  const upgraded: import('node:stream').Duplex[] = [];
  const seen: { url?: string; host?: string; upgrade?: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url, host: req.headers.host });
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    server.on('connection', () => connections++);
    server.on('upgrade', (req, sock) => {
      upgraded.push(sock);
      seen.push({ url: req.url, upgrade: req.headers.upgrade });
      if (req.url?.startsWith('/exec/missing')) {
        sock.end(
          'HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 28\r\n\r\n{"message":"no such exec x"}',
        );
        return;
      }
      sock.write('HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\nhello ');
      sock.on('data', (d: Buffer) => sock.write(d)); // echo
    });
    await new Promise<void>((r) => server.listen(socket, r));
  });
  afterAll(async () => {
    for (const sock of upgraded) sock.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  const connection = (environmentId?: number): EngineConnection => ({
    ...base,
    url: `unix://${socket}`,
    environmentId,
  });

  it("reuses one environment's sockets across clients, and sends Docker's Host", async () => {
    const engines = new EngineConnections();
    const before = connections;
    for (let i = 0; i < 5; i++)
      expect((await engines.client(connection(1)).call('GET', '/_ping')).status).toBe(200);
    expect(connections - before).toBe(1);
    expect(seen.at(-1)?.host).toBe('docker');
    engines.onApplicationShutdown();
  });

  it('replaces the transport when the settings change, and closes it when the environment is forgotten', async () => {
    const engines = new EngineConnections();
    const before = connections;
    await engines.client(connection(2)).call('GET', '/a');
    await engines.client({ ...connection(2), timeoutMs: 500 }).call('GET', '/b'); // same engine, same pool
    expect(connections - before).toBe(1);
    // Another URL for the same environment (here: the same socket spelled differently) gets a new pool.
    await engines.client({ ...connection(2), url: `unix://${dir}/./engine.sock` }).call('GET', '/c');
    expect(connections - before).toBe(2);
    engines.forget(2);
    await engines.client(connection(2)).call('GET', '/d');
    expect(connections - before).toBe(3);
    engines.onApplicationShutdown();
  });

  it('hijacks an upgrade into a raw two-way stream, and turns a refusal into a 4xx error', async () => {
    const client = new EngineConnections().client(connection());
    const opened = await client.openConsole('exec', 'abc');
    expect(opened.kind).toBe('stream');
    if (opened.kind !== 'stream') return;
    const received: string[] = [];
    opened.stream.on('data', (d: Buffer) => received.push(d.toString()));
    opened.stream.write('ls\n');
    await new Promise((r) => setTimeout(r, 100));
    expect(received.join('')).toBe('hello ls\n');
    expect(seen.find((s) => s.url === '/exec/abc/start')?.upgrade).toBe('tcp');
    opened.stream.destroy();
    await expect(client.openConsole('exec', 'missing')).rejects.toMatchObject({
      message: 'No such exec instance',
      details: 'no such exec x',
    });
  });

  it("signs agent requests with the route's headers and target node", () => {
    const agent: EngineConnection = {
      ...base,
      url: 'tcp://127.0.0.1:9',
      agent: { headers: { [AGENT_HEADERS.publicKey]: 'ab', [AGENT_HEADERS.signature]: 'sig' } },
    };
    const sent: Record<string, unknown>[] = [];
    const fake = {
      url: agent.url,
      request: (req: { headers: Record<string, unknown>; route?: unknown }) => {
        sent.push({ ...req.headers, route: req.route });
        return { on: () => undefined, end: () => undefined };
      },
      close: () => undefined,
    };
    const engines = new (class extends EngineConnections {
      protected override readonly kinds = [
        { name: 'fake', accepts: () => true, create: () => fake as never },
      ];
    })();
    engines.client(withAgentTarget(agent, 'node2')).request('GET', '/info').end();
    expect(sent[0]?.['route']).toEqual({ ...agent.agent, target: 'node2' });
  });
});
