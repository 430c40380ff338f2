import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineConnections } from './engine-connections';

describe('EngineClient.call (a real HTTP server on a unix socket)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'capstan-webhooks-'));
  const socket = join(dir, 'engine.sock');
  const seen: { method?: string; url?: string; type?: string; body: string }[] = [];
  const seenHeaders: Record<string, unknown>[] = [];
  let server: Server;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, type: req.headers['content-type'], body });
        seenHeaders.push({ ...req.headers });
        if (req.url === '/slow') return; // never answers
        if (req.url === '/text') {
          res.end('plain failure');
          return;
        }
        res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(req.url === '/missing' ? { message: 'no such service' } : { ok: true }));
      });
    });
    await new Promise<void>((r) => server.listen(socket, r));
  });
  afterAll(async () => {
    engines.onApplicationShutdown();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  const engines = new EngineConnections();
  const call = async (c: ReturnType<typeof connection>, method: string, path: string, body?: unknown) => {
    const { status, body: parsed } = await engines.client(c).call(method, path, { body });
    return { status, body: parsed };
  };
  const connection = (timeoutMs = 2000) => ({
    url: `unix://${socket}`,
    tls: false,
    tlsSkipVerify: false,
    timeoutMs,
  });

  it('sends JSON bodies and parses answers, whatever the status', async () => {
    expect(await call(connection(), 'POST', '/services/x/update?version=3', { Name: 'x' })).toEqual({
      status: 200,
      body: { ok: true },
    });
    expect(seen.at(-1)).toEqual({
      method: 'POST',
      url: '/services/x/update?version=3',
      type: 'application/json',
      body: '{"Name":"x"}',
    });
    expect(await call(connection(), 'GET', '/missing')).toEqual({
      status: 404,
      body: { message: 'no such service' },
    });
    expect(await call(connection(), 'GET', '/text')).toEqual({
      status: 200,
      body: { message: 'plain failure' },
    });
  });

  it("never passes a caller's agent signature, target or host-browse headers to the engine", async () => {
    await engines.client(connection()).call('GET', '/version', {
      headers: {
        'X-PortainerAgent-Target': 'node9',
        'x-portaineragent-signature': 'forged',
        'X-PortainerAgent-PublicKey': 'forged',
        'X-Capstan-Agent-Browse-Host': '1',
        'X-Kept': 'yes',
      },
    });
    const sent = seenHeaders.at(-1) ?? {};
    expect(sent['x-kept']).toBe('yes');
    for (const name of [
      'x-portaineragent-target',
      'x-portaineragent-signature',
      'x-portaineragent-publickey',
      'x-capstan-agent-browse-host',
    ])
      expect(sent[name], name).toBeUndefined();
  });

  it('gives up on an engine that does not answer', async () => {
    await expect(call(connection(200), 'GET', '/slow')).rejects.toThrow(/no answer within 200 ms/);
  });
});
