import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { WebSocketServer, type WebSocket } from 'ws';
import { Permission } from '@capstan/contracts-api';
import { AccessService } from '@capstan/server-rbac';
import {
  AuthenticatorPort,
  BadGatewayError,
  BadRequestError,
  CapstanLogger,
  ForbiddenError,
  mapError,
  UnauthorizedError,
} from '@capstan/server-core';
import { EnvironmentsService, withAgentTarget, type EngineConnection } from '@capstan/server-environments';
import { openAgentConsole, relayConsole } from './agent/agent-console';
import { engineRequest } from './engine-request';
import { ProxyOwnership } from './proxy-ownership';
import { AgentNodeResolver } from './agent/node-resolver';
import { parseCookies, sameOrigin } from './upgrade-request';

export const CONSOLE_PATHS = new Set(['/api/websocket/exec', '/api/websocket/attach']);
const ID = /^[A-Za-z0-9_.-]{1,128}$/;
/** Stop reading the engine while the browser is this far behind. */
const HIGH_WATER_BYTES = 1024 * 1024;

/**
 * `/api/websocket/exec` and `/api/websocket/attach` (Portainer's query parameters: `id`, `endpointId`, `token`):
 * the Docker exec/attach stream hijacked from the engine and piped both ways over a WebSocket, with backpressure.
 * Resizing goes through the Docker proxy (`/exec/{id}/resize`, `/containers/{id}/resize`), as in Portainer.
 */
@Injectable()
export class ConsoleStreams {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });

  constructor(
    private readonly authenticator: AuthenticatorPort,
    private readonly environments: EnvironmentsService,
    private readonly logger: CapstanLogger,
    private readonly ownership: ProxyOwnership,
    private readonly nodes: AgentNodeResolver,
    private readonly access: AccessService,
  ) {}

  /** For the HTTP servers' `upgrade` event. Answers with a plain HTTP error before upgrading when refused. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    void this.open(req, socket, head).catch((e: unknown) => {
      const mapped = mapError(e);
      const body = JSON.stringify(mapped.body);
      socket.end(
        `HTTP/1.1 ${mapped.status} ${mapped.status === 401 ? 'Unauthorized' : mapped.status === 403 ? 'Forbidden' : 'Error'}\r\n` +
          `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    });
  }

  private async open(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://capstan');
    const kind = url.pathname === '/api/websocket/exec' ? 'exec' : 'attach';
    const query = Object.fromEntries(url.searchParams);
    const id = query['id'] ?? '';
    const envId = Number(query['endpointId']);
    if (!ID.test(id) || !Number.isInteger(envId) || envId < 1) {
      throw new BadRequestError(
        'Invalid query parameters',
        'id (exec or container id) and endpointId are required',
      );
    }
    const fake = {
      headers: req.headers,
      query,
      cookies: parseCookies(req.headers.cookie),
      method: 'GET',
    } as unknown as FastifyRequest;
    const user = await this.authenticator.authenticate(fake);
    if (!user) throw new UnauthorizedError('Unauthorized', 'A valid authorisation token is missing');
    // Cookie sessions are exposed to cross-site WebSocket hijacking: the origin must be ours.
    if (user.via === 'cookie' && !sameOrigin(req))
      throw new ForbiddenError('Cross-origin WebSocket refused', 'Origin does not match Host');
    const { env, access } = await this.environments.accessFor(user, envId);
    this.access.assert(access, Permission.ContainerConsole, 'Your role has no console in this environment');
    // Agent environments: the node that runs the container (Portainer's `nodeName`).
    // Without one on a Swarm agent, the node is found from the exec id or the container.
    const asked = withAgentTarget(this.environments.connectionOf(env, 0), query['nodeName']);
    const connection =
      kind === 'exec' ? await this.nodes.forExec(asked, id) : await this.nodes.forContainer(asked, id);
    // Users who own resources: only on containers their resource controls give them.
    await this.ownership.plan({
      user,
      envId,
      access,
      method: 'POST',
      path: kind === 'exec' ? `/exec/${id}/start` : `/containers/${id}/attach`,
      query: new URLSearchParams(),
      connection,
      security: env.security,
      readBody: () => Promise.resolve(Buffer.alloc(0)),
    });
    if (connection.agent) {
      const agent = await openAgentConsole(connection, kind, id);
      // The browser may have gone while the agent answered: the agent's side must not stay open.
      const orphan = () => agent.terminate();
      socket.once('close', orphan);
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        socket.off('close', orphan);
        relayConsole(ws, agent);
      });
      return;
    }
    const engine = await hijack(connection, kind, id);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.pipe(ws, engine));
  }

  private pipe(ws: WebSocket, engine: Duplex): void {
    const decoder = new StringDecoder('utf8');
    engine.on('data', (chunk: Buffer) => {
      const text = decoder.write(chunk);
      if (text) ws.send(text);
      if (ws.bufferedAmount > HIGH_WATER_BYTES) {
        engine.pause();
        const resume = setInterval(() => {
          if (ws.bufferedAmount < HIGH_WATER_BYTES / 2 || ws.readyState !== ws.OPEN) {
            clearInterval(resume);
            engine.resume();
          }
        }, 20);
      }
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      engine.write(isBinary ? data : data.toString('utf8'));
    });
    const close = () => {
      engine.destroy();
      if (ws.readyState === ws.OPEN) ws.close(1000);
    };
    engine.on('end', close).on('error', close);
    ws.on('close', () => engine.destroy()).on('error', () => engine.destroy());
    this.logger.write('debug', 'console opened');
  }
}

/** Starts the exec (or attach) with an HTTP upgrade and resolves with the raw bidirectional stream. */
function hijack(connection: EngineConnection, kind: 'exec' | 'attach', id: string): Promise<Duplex> {
  const path =
    kind === 'exec'
      ? `/exec/${encodeURIComponent(id)}/start`
      : `/containers/${encodeURIComponent(id)}/attach?stream=1&stdin=1&stdout=1&stderr=1&logs=0`;
  const body = kind === 'exec' ? JSON.stringify({ Detach: false, Tty: true }) : '';
  const headers = {
    Connection: 'Upgrade',
    Upgrade: 'tcp',
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(body)),
  };
  return new Promise((resolve, reject) => {
    const req: ClientRequest = engineRequest(connection, 'POST', path, headers);
    req.on('upgrade', (_res, socket, rest) => {
      if (rest.length > 0) socket.unshift(rest);
      resolve(socket);
    });
    req.on('response', (res) => {
      // No upgrade: the engine refused (unknown id, container not running...).
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let message = text;
        try {
          message = (JSON.parse(text) as { message?: string }).message ?? text;
        } catch {
          // plain text
        }
        const status = res.statusCode ?? 502;
        reject(
          status === 404
            ? new BadRequestError(`No such ${kind === 'exec' ? 'exec instance' : 'container'}`, message)
            : new BadGatewayError('The engine refused the console', message),
        );
      });
    });
    req.on('error', (e) =>
      reject(new BadGatewayError('Unable to reach the Docker engine', `${connection.url}: ${e.message}`)),
    );
    req.end(body);
  });
}
