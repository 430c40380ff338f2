import { createServer, IncomingHttpHeaders, request, Server } from 'node:http';
import { AddressInfo, connect } from 'node:net';

import { generateAgentKeyPair, signAgentMessage } from '@capstan/contracts-agent';
import { vi } from 'vitest';

import { AgentRouteHandler, AgentRouter, AgentRouteTable, AgentUpgradeHandler } from './router';

/** A server key and the headers its requests carry. */
export function serverKey(): Record<string, string> {
  const pair = generateAgentKeyPair();
  return {
    'X-PortainerAgent-PublicKey': pair.publicKeyHex,
    'X-PortainerAgent-Signature': signAgentMessage(pair.privateKeyPkcs8Der),
  };
}

/** A route table of spies that answer `200 <route name>` (upgrades: `101`-less `200 <name>` on the socket). */
export function spyTable() {
  const answer = (name: string) =>
    vi.fn<AgentRouteHandler>((_call, res) => {
      res.writeHead(200).end(name);
    });
  const upgrade = (name: string) =>
    vi.fn<AgentUpgradeHandler>((_call, socket) => {
      socket.end(`HTTP/1.1 200 OK\r\nContent-Length: ${name.length}\r\nConnection: close\r\n\r\n${name}`);
    });
  return {
    routes: {
      ping: vi.fn<AgentRouteHandler>((_call, res) => {
        res.writeHead(204).end();
      }),
      agents: answer('agents'),
      hostInfo: answer('hostInfo'),
      browseLs: answer('browseLs'),
      browseGet: answer('browseGet'),
      browseDelete: answer('browseDelete'),
      browseRename: answer('browseRename'),
      browsePut: answer('browsePut'),
      dockerHub: answer('dockerHub'),
    },
    upgrades: { websocketAttach: upgrade('websocketAttach'), websocketExec: upgrade('websocketExec') },
    docker: answer('docker'),
    key: answer('key'),
    kubernetes: answer('kubernetes'),
  } satisfies AgentRouteTable;
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * The router on a plain HTTP server on loopback: the router does not know which server accepted the connection
 * (the classic agent's HTTPS listener, the edge tunnel's local one).
 */
export async function served(router: AgentRouter) {
  const server: Server = createServer();
  router.serve(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    call: (method: string, path: string, headers: Record<string, string> = {}): Promise<Reply> =>
      new Promise((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
        });
        req.on('error', reject);
        req.end();
      }),
    /** A raw upgrade request: the whole answer as text (the connection closes after a refusal). */
    upgrade: (path: string, headers: Record<string, string> = {}): Promise<string> =>
      new Promise((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => {
          const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
          socket.write(
            `GET ${path} HTTP/1.1\r\nHost: agent\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
              `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${lines.join('')}\r\n`,
          );
        });
        let text = '';
        socket.setEncoding('utf8');
        socket.on('data', (c: string) => (text += c));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      }),
    close: (): Promise<void> =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
