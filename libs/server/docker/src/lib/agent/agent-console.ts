import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import { BadGatewayError, BadRequestError } from '@capstan/server-core';
import { agentHeaders, type EngineConnection } from '@capstan/server-environments';

/** Stop reading the agent while the browser is this far behind. */
const HIGH_WATER_BYTES = 1024 * 1024;
const OPEN_TIMEOUT_MS = 10_000;

/**
 * An exec or attach console through a classic agent: its `/websocket/{exec,attach}?id=` (agent protocol §1.5),
 * signed, with the target node. Resolves once the agent accepted the upgrade, so a refusal is still an HTTP
 * error for the browser.
 */
export function openAgentConsole(
  connection: EngineConnection,
  kind: 'exec' | 'attach',
  id: string,
): Promise<WebSocket> {
  const route = connection.agent;
  if (!route) throw new Error('openAgentConsole needs an agent connection');
  const { hostname, port } = new URL(connection.url);
  const host = hostname.includes(':') && !hostname.startsWith('[') ? `[${hostname}]` : hostname;
  const target = `wss://${host}:${port}/websocket/${kind}?id=${encodeURIComponent(id)}`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(target, {
      headers: agentHeaders(route),
      rejectUnauthorized: false,
      handshakeTimeout: OPEN_TIMEOUT_MS,
      maxPayload: 1024 * 1024,
    });
    ws.once('open', () => {
      ws.removeAllListeners('error');
      resolve(ws);
    });
    ws.once('unexpected-response', (_req, res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.length < 64 && chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let message = text.trim().slice(0, 500);
        try {
          const body = JSON.parse(text) as { message?: string; details?: string };
          message = [body.message, body.details].filter(Boolean).join(': ') || message;
        } catch {
          // plain text
        }
        const status = res.statusCode ?? 502;
        reject(
          status === 404
            ? new BadRequestError(`No such ${kind === 'exec' ? 'exec instance' : 'container'}`, message)
            : new BadGatewayError(`The agent refused the console (${status})`, message),
        );
      });
    });
    ws.once('error', (e) =>
      reject(new BadGatewayError('Unable to reach the agent', `${connection.url}: ${e.message}`)),
    );
  });
}

/** Both ways between the browser and the agent, with backpressure toward the agent; either side closing closes both. */
export function relayConsole(browser: WebSocket, agent: WebSocket): void {
  agent.on('message', (data: Buffer, isBinary: boolean) => {
    browser.send(isBinary ? data : data.toString('utf8'));
    if (browser.bufferedAmount > HIGH_WATER_BYTES && !agent.isPaused) {
      agent.pause();
      const resume = setInterval(() => {
        if (browser.bufferedAmount < HIGH_WATER_BYTES / 2 || browser.readyState !== browser.OPEN) {
          clearInterval(resume);
          agent.resume();
        }
      }, 20);
    }
  });
  browser.on('message', (data: Buffer, isBinary: boolean) => {
    if (agent.readyState === agent.OPEN) agent.send(isBinary ? data : data.toString('utf8'));
  });
  const close = (ws: WebSocket) => {
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(1000);
  };
  agent.on('close', () => close(browser)).on('error', () => browser.terminate());
  browser.on('close', () => close(agent)).on('error', () => agent.terminate());
}
