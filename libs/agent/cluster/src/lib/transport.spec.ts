import { createServer, IncomingMessage, request, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { identityHeaders } from './identity';
import { Member } from './members';
import { PeerTransport } from './transport';

/**
 * The peer transport against real peers on loopback (plain HTTP). A peer can turn into a "black hole": it keeps
 * its connections open and answers nothing — what a powered-off node looks like to a kept-alive socket (no reply,
 * no reset), which loopback cannot produce by closing a server.
 */
class Peer {
  blackHole = false;
  listDelayMs = 0;
  readonly server: Server;
  private readonly held: ServerResponse[] = [];

  constructor(readonly nodeName: string) {
    this.server = createServer((req, res) => this.answer(req, res));
  }

  async listen(): Promise<Member> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    const { port } = this.server.address() as AddressInfo;
    return {
      nodeName: this.nodeName,
      role: 'worker',
      leader: false,
      edgeKeySet: false,
      address: '127.0.0.1',
      port,
      lastSeen: 0,
    };
  }

  close(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    if (this.blackHole) {
      this.held.push(res);
      return;
    }
    if (req.url === '/ping') {
      res.writeHead(
        204,
        identityHeaders({ nodeName: this.nodeName, role: 'worker', leader: false, edgeKeySet: false }),
      );
      res.end();
      return;
    }
    setTimeout(() => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify([{ Id: 'c1', Target: req.headers['x-portaineragent-target'] }]));
    }, this.listDelayMs);
  }
}

const peers: Peer[] = [];
const fronts: Server[] = [];
let transport: PeerTransport | undefined;

async function peer(name: string): Promise<{ p: Peer; member: Member }> {
  const p = new Peer(name);
  peers.push(p);
  return { p, member: await p.listen() };
}

function newTransport(): PeerTransport {
  transport = new PeerTransport({ scheme: 'http', connectTimeoutMs: 300, livenessAfterMs: 200 });
  return transport;
}

afterEach(async () => {
  transport?.close();
  await Promise.all(peers.splice(0).map((p) => p.close()));
  for (const f of fronts.splice(0)) {
    f.closeAllConnections();
    f.close();
  }
});

describe('PeerTransport liveness', () => {
  it('gives up a kept-alive peer that went silent after one liveness check, then fails it at once', async () => {
    const t = newTransport();
    const { p, member } = await peer('node2');
    const first = await t.fetchJson(member, 'GET', '/containers/json', {}, Buffer.alloc(0));
    expect(first).toEqual({
      nodeName: 'node2',
      ok: true,
      status: 200,
      body: [{ Id: 'c1', Target: 'node2' }],
    });

    p.blackHole = true; // the next request goes out on the kept-alive socket and is never answered
    const t0 = Date.now();
    const second = await t.fetchJson(member, 'GET', '/containers/json', {}, Buffer.alloc(0));
    const waited = Date.now() - t0;
    expect(second.ok).toBe(false);
    expect(!second.ok && second.error).toMatch(/did not answer a liveness check/);
    // One check (200 ms) plus the probe's own budget (300 ms), not the 120 s fan-out budget.
    expect(waited).toBeGreaterThanOrEqual(200);
    expect(waited).toBeLessThan(2_000);
    expect(t.isSilent(member)).toBe(true);

    const t1 = Date.now();
    const third = await t.fetchJson(member, 'GET', '/containers/json', {}, Buffer.alloc(0));
    expect(!third.ok && third.error).toMatch(/last liveness check/);
    expect(Date.now() - t1).toBeLessThan(100);

    // Back: a probe that hears it clears the mark, and requests go through again.
    p.blackHole = false;
    expect(await t.probe(member.address, member.port)).toMatchObject({ nodeName: 'node2' });
    expect(t.isSilent(member)).toBe(false);
    expect((await t.fetchJson(member, 'GET', '/containers/json', {}, Buffer.alloc(0))).ok).toBe(true);
  });

  it('waits for a slow peer that still answers its liveness checks', async () => {
    const t = newTransport();
    const { p, member } = await peer('node3');
    p.listDelayMs = 1_000; // five checks' worth
    const r = await t.fetchJson(member, 'GET', '/containers/json', {}, Buffer.alloc(0));
    expect(r).toEqual({ nodeName: 'node3', ok: true, status: 200, body: [{ Id: 'c1', Target: 'node3' }] });
    expect(t.isSilent(member)).toBe(false);
  });

  it('forwards to a peer, and answers the original 500 quickly when the peer is a black hole', async () => {
    const t = newTransport();
    const { p, member } = await peer('node2');
    const front = createServer((req, res) => t.forward(req, res, member, req.url ?? '/'));
    fronts.push(front);
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
    const { port } = front.address() as AddressInfo;
    const get = (): Promise<{ status: number; body: string }> =>
      new Promise((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/containers/abc/json' }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });

    const ok = await get();
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual([{ Id: 'c1', Target: 'node2' }]);

    p.blackHole = true;
    const t0 = Date.now();
    const refused = await get();
    expect(refused.status).toBe(500);
    expect(JSON.parse(refused.body)).toEqual({
      message: 'The agent was unable to contact any other agent',
      details: expect.stringMatching(/^Unable to reach the agent on node2: .*liveness check/),
    });
    expect(Date.now() - t0).toBeLessThan(2_000);
  });
});
