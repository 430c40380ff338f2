import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, IncomingMessage, request, Server, ServerResponse } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { dispatchAgentRequest } from '@capstan/contracts-agent';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AgentCluster } from './cluster';
import { identityHeaders } from './identity';
import { NO_MANAGER_MESSAGE } from './route';

/**
 * AgentCluster's routing on real sockets: a fake engine on a unix socket (this node, `node2`, a Swarm worker) and a
 * fake peer agent on loopback (`node3`), found by discovery through AGENT_CLUSTER_ADDR. A front server plays the
 * agent router: it hands every request to the cluster and answers `299 local` when the cluster leaves it.
 */
interface Seen {
  method: string;
  url: string;
  target: string | undefined;
}

const listen = (server: Server, at: string | number): Promise<void> =>
  new Promise((r) => (typeof at === 'string' ? server.listen(at, r) : server.listen(at, '127.0.0.1', r)));
const portOf = (server: Server): number => (server.address() as AddressInfo).port;
const json = (res: ServerResponse, body: unknown): void => {
  res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
};

let dir: string;
let engine: Server;
let peer: Server;
let front: Server;
let cluster: AgentCluster;
const peerSaw: Seen[] = [];
const peerUpgrades: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'capstan-cluster-'));
  engine = createServer((req, res) => {
    req.resume();
    if (req.url === '/info')
      return json(res, { Name: 'node2', Swarm: { LocalNodeState: 'active', ControlAvailable: false } });
    if (req.url?.startsWith('/containers/json')) return json(res, [{ Id: 'on-node2' }]);
    res.writeHead(404).end();
  });
  await listen(engine, join(dir, 'docker.sock'));

  peer = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    if (req.url === '/ping') {
      const identity = { nodeName: 'node3', role: 'worker', leader: false, edgeKeySet: false } as const;
      res.writeHead(204, identityHeaders(identity)).end();
      return;
    }
    const target = req.headers['x-portaineragent-target'];
    peerSaw.push({ method: req.method ?? '', url: req.url ?? '', target: target as string | undefined });
    if (req.url?.startsWith('/containers/json')) return json(res, [{ Id: 'on-node3' }]);
    json(res, { servedBy: 'node3', url: req.url });
  });
  peer.on('upgrade', (req: IncomingMessage, socket) => {
    peerUpgrades.push(`${req.url ?? ''} ${String(req.headers['x-portaineragent-target'])}`);
    socket.end('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nnode3');
  });
  await listen(peer, 0);

  const started = await AgentCluster.start({
    socketPath: join(dir, 'docker.sock'),
    agentPort: 9001,
    clusterAddr: `127.0.0.1:${portOf(peer)}`,
    containerId: null,
    scheme: 'http',
    probeIntervalMs: 60_000,
  });
  if (!started) throw new Error('the fake engine is a Swarm node');
  cluster = started;

  front = createServer((req, res) => {
    const url = req.url ?? '/';
    const dispatch = dispatchAgentRequest(req.method ?? 'GET', url.split('?')[0]);
    if (!cluster.routeRequest(req, res, dispatch, url)) res.writeHead(299).end('local');
  });
  front.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
    const url = req.url ?? '/';
    const dispatch = dispatchAgentRequest('GET', url.split('?')[0]);
    if (!cluster.routeUpgrade(req, socket, head, dispatch, url)) socket.end('HTTP/1.1 299 Local\r\n\r\n');
  });
  await listen(front, 0);
});

afterAll(async () => {
  cluster.stop();
  for (const s of [front, peer, engine]) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
  rmSync(dir, { recursive: true, force: true });
});

function call(method: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: portOf(front), method, path, headers, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function upgrade(path: string, target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(portOf(front), '127.0.0.1', () =>
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: agent\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
          `X-PortainerAgent-Target: ${target}\r\n\r\n`,
      ),
    );
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => (text += c));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

const TO_NODE3 = { 'X-PortainerAgent-Target': 'node3' };

describe('AgentCluster routing (fake engine and peer on real sockets)', () => {
  it('knows itself and its peer', () => {
    expect(cluster.self()).toMatchObject({ nodeName: 'node2', role: 'worker', swarm: true });
    expect(cluster.members().map((m) => m.NodeName)).toEqual(['node2', 'node3']);
  });

  it('forwards a Docker call for another node without its version prefix, target set', async () => {
    const reply = await call('POST', '/v1.41/containers/abc/start?x=1', TO_NODE3);
    expect(JSON.parse(reply.body)).toEqual({ servedBy: 'node3', url: '/containers/abc/start?x=1' });
    expect(peerSaw.at(-1)).toEqual({ method: 'POST', url: '/containers/abc/start?x=1', target: 'node3' });
  });

  it('forwards host info and browse as received, and serves /agents here', async () => {
    expect(JSON.parse((await call('GET', '/v2/host/info', TO_NODE3)).body)).toMatchObject({
      url: '/v2/host/info',
    });
    const ls = await call('GET', '/browse/ls?volumeID=v&path=/', TO_NODE3);
    expect(JSON.parse(ls.body)).toMatchObject({ url: '/browse/ls?volumeID=v&path=/' });
    expect(await call('GET', '/agents', TO_NODE3)).toEqual({ status: 299, body: 'local' });
    expect(await call('GET', '/v2/host/info')).toEqual({ status: 299, body: 'local' });
  });

  it('fans a list out to every node and tags each item with its node', async () => {
    const reply = await call('GET', '/v1.41/containers/json?all=1');
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual([
      { Id: 'on-node2', Portainer: { Agent: { NodeName: 'node2' } } },
      { Id: 'on-node3', Portainer: { Agent: { NodeName: 'node3' } } },
    ]);
    expect(peerSaw.at(-1)).toEqual({ method: 'GET', url: '/containers/json?all=1', target: 'node3' });
  });

  it('refuses a manager operation on a worker when no manager answers', async () => {
    const reply = await call('GET', '/v1.41/services');
    expect(reply.status).toBe(500);
    expect(JSON.parse(reply.body)).toMatchObject({ message: NO_MANAGER_MESSAGE });
  });

  it('relays a WebSocket upgrade to its target node; leaves other upgrades here', async () => {
    expect(await upgrade('/v2/websocket/exec?id=abc', 'node3')).toContain('node3');
    expect(peerUpgrades.at(-1)).toBe('/v2/websocket/exec?id=abc node3');
    expect(await upgrade('/websocket/exec?id=abc', 'node2')).toMatch(/^HTTP\/1\.1 299/);
    expect(await upgrade('/containers/abc/attach', 'node3')).toMatch(/^HTTP\/1\.1 299/);
    expect(peerUpgrades).toHaveLength(1);
  });
});
