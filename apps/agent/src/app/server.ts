import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

import { AGENT_API_VERSION, AGENT_HEADERS } from '@capstan/contracts-agent';

import { AgentConfig, AgentPlatform } from './config';

/** The Portainer agent version Capstan's agent speaks for; servers gate features on it. */
export const AGENT_VERSION = '2.23.0';

export interface AgentServer {
  server: Server;
  /** Resolves with the bound port (useful with port 0). */
  listen(): Promise<number>;
  close(): Promise<void>;
}

/** Plain HTTP for now; the classic agent's HTTPS listener with its self-signed certificate comes later. */
export function createAgentServer(config: AgentConfig): AgentServer {
  const server = createServer((req, res) => handle(req, res, config.platform));
  // Keep-alive sockets from the server's HTTP client must not hold a shutdown forever.
  server.keepAliveTimeout = 5_000;

  return {
    server,
    listen: () =>
      new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      }),
  };
}

function handle(req: IncomingMessage, res: ServerResponse, platform: AgentPlatform): void {
  // Portainer's agent sets these on every response (errors included); servers detect an agent by them.
  res.setHeader(AGENT_HEADERS.agent, AGENT_VERSION);
  res.setHeader(AGENT_HEADERS.apiVersion, AGENT_API_VERSION);
  res.setHeader(AGENT_HEADERS.platform, String(platform));

  const path = (req.url ?? '/').split('?')[0];
  if (path === '/ping' || path === '/v2/ping') {
    if (req.method === 'GET') {
      res.writeHead(204).end();
    } else {
      res.setHeader('Allow', 'GET');
      sendError(res, 405, 'Method not allowed', `${req.method ?? ''} ${path}`);
    }
    return;
  }
  sendError(res, 404, 'Not found', `no route for ${req.method ?? ''} ${path}`);
}

function sendError(res: ServerResponse, status: number, message: string, details: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ message, details }));
}
