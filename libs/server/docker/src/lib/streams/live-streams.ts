import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import {
  AuthenticatorPort,
  CapstanLogger,
  ForbiddenError,
  mapError,
  NotFoundError,
  UnauthorizedError,
  type AuthenticatedUser,
} from '@capstan/server-core';
import {
  EngineConnections,
  EnvironmentsService,
  withAgentTarget,
  type EngineConnection,
} from '@capstan/server-environments';
import { AgentNodeResolver } from '../agent/node-resolver';
import { containerStats, type EngineStatsSample } from './container-stats';
import { engineJson } from './engine-calls';
import { JsonLines, LogDecoder } from './log-lines';
import { pipeEngineStream, type Translator } from './stream-pipe';
import {
  StreamAccessPolicy,
  type EngineEvent,
  type EventPredicate,
  type InspectedContainer,
  type StreamCaller,
} from './stream-access';
import { eventsPath, logsPath, parseEventsQuery, parseLogsQuery, parseStatsQuery } from './stream-query';
import { parseCookies, sameOrigin } from '../upgrade-request';

export const STREAM_PATHS = new Set(['/api/websocket/logs', '/api/websocket/stats', '/api/websocket/events']);

/**
 * `/api/websocket/logs`, `/api/websocket/stats` and `/api/websocket/events`: server-to-client streams of JSON text
 * messages read from the environment's engine, with backpressure. Authenticated like the consoles (`?token=`,
 * cookie from the same origin, `X-API-Key`); every refusal is a plain HTTP error before the upgrade.
 */
@Injectable()
export class LiveStreams implements OnApplicationShutdown {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 });

  constructor(
    private readonly authenticator: AuthenticatorPort,
    private readonly environments: EnvironmentsService,
    private readonly access: StreamAccessPolicy,
    private readonly logger: CapstanLogger,
    private readonly nodes: AgentNodeResolver,
    private readonly engines: EngineConnections,
  ) {}

  /** For the HTTP servers' `upgrade` event, for a path in STREAM_PATHS. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // The client may hang up while its access is being checked.
    socket.on('error', () => socket.destroy());
    void this.open(req, socket, head).catch((e: unknown) => {
      const mapped = mapError(e);
      if (mapped.status >= 500) this.logger.write('warn', 'live stream refused', { error: String(e) });
      const body = JSON.stringify(mapped.body);
      socket.end(
        `HTTP/1.1 ${mapped.status} ${STATUS_CODES[mapped.status] ?? 'Error'}\r\n` +
          `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
          `Connection: close\r\n\r\n${body}`,
      );
    });
  }

  onApplicationShutdown(): void {
    for (const ws of this.wss.clients) ws.close(1001, 'Server shutting down');
  }

  private async open(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://capstan');
    switch (url.pathname) {
      case '/api/websocket/logs': {
        const q = parseLogsQuery(url.searchParams);
        const { caller, connection: asked } = await this.caller(req, url, q.endpointId);
        const connection = await this.nodes.forContainer(asked, q.id);
        const container = await this.inspect(connection, q.id);
        await this.access.assertContainerReadable(caller, 'logs', container);
        // The inspected id, not the name asked for: what is streamed is what was checked.
        const path = logsPath({ ...q, id: container.Id });
        return this.upgrade(req, socket, head, connection, path, logsTranslator(container));
      }
      case '/api/websocket/stats': {
        const q = parseStatsQuery(url.searchParams);
        const { caller, connection: asked } = await this.caller(req, url, q.endpointId);
        const connection = await this.nodes.forContainer(asked, q.id);
        const container = await this.inspect(connection, q.id);
        await this.access.assertContainerReadable(caller, 'stats', container);
        return this.upgrade(req, socket, head, connection, statsPath(container.Id), statsTranslator());
      }
      case '/api/websocket/events': {
        const q = parseEventsQuery(url.searchParams);
        const { caller, connection } = await this.caller(req, url, q.endpointId);
        const filter = await this.access.eventFilter(caller);
        // The engine must answer before the upgrade, so that a down engine is a 502 and not a closed socket.
        await engineJson<unknown>(this.engines.client(connection), '/version', 'No engine');
        return this.upgrade(req, socket, head, connection, eventsPath(q), eventsTranslator(filter));
      }
      default:
        throw new NotFoundError('Unknown stream', url.pathname.slice(0, 100));
    }
  }

  /** Authentication (as for any route), the same-origin rule for cookies, and the caller's role there. */
  private async caller(
    req: IncomingMessage,
    url: URL,
    envId: number,
  ): Promise<{ caller: StreamCaller; connection: EngineConnection }> {
    const fake = {
      headers: req.headers,
      query: Object.fromEntries(url.searchParams),
      cookies: parseCookies(req.headers.cookie),
      method: 'GET',
    } as unknown as FastifyRequest;
    const user: AuthenticatedUser | undefined = await this.authenticator.authenticate(fake);
    if (!user) throw new UnauthorizedError('Unauthorized', 'A valid authorisation token is missing');
    // Cookie sessions are exposed to cross-site WebSocket hijacking: the origin must be ours.
    if (user.via === 'cookie' && !sameOrigin(req))
      throw new ForbiddenError('Cross-origin WebSocket refused', 'Origin does not match Host');
    const { env, roleId } = await this.environments.accessFor(user, envId);
    // Agent environments: the Swarm node holding the container (Portainer's `nodeName`), else the agent's choice.
    const connection = withAgentTarget(
      this.environments.connectionOf(env, 0),
      url.searchParams.get('nodeName') ?? undefined,
    );
    return { caller: { user, envId, roleId }, connection };
  }

  private inspect(connection: EngineConnection, id: string): Promise<InspectedContainer> {
    return engineJson<InspectedContainer>(
      this.engines.client(connection),
      `/containers/${encodeURIComponent(id)}/json`,
      'No such container',
    );
  }

  /** Upgrades, then opens the engine stream and pipes it as messages. */
  private upgrade(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    connection: EngineConnection,
    enginePath: string,
    translator: Translator,
  ): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      pipeEngineStream(ws, this.engines.client(connection).stream(enginePath), translator, {
        onFailure: (e) => this.logger.write('warn', 'live stream failed', { error: String(e) }),
      });
    });
  }
}

function statsPath(containerId: string): string {
  return `/containers/${encodeURIComponent(containerId)}/stats?stream=1`;
}

/**
 * Log lines. The container's TTY setting says whether the engine multiplexes stdout and stderr; engines from
 * API 1.42 also say it in the content type, which then wins.
 */
function logsTranslator(container: InspectedContainer): Translator {
  return (res) => {
    const type = res.headers['content-type'] ?? '';
    const tty = type.includes('vnd.docker.raw-stream')
      ? true
      : type.includes('vnd.docker.multiplexed-stream')
        ? false
        : container.Config?.Tty === true;
    const decoder = new LogDecoder(tty);
    return (chunk) => (chunk === null ? decoder.end() : decoder.push(chunk)).map((l) => JSON.stringify(l));
  };
}

/** One message per engine sample, computed as `docker stats` does. */
function statsTranslator(): Translator {
  return () => {
    const parser = new JsonLines();
    return (chunk) =>
      (chunk === null ? parser.end() : parser.push(chunk)).map((s) =>
        JSON.stringify(containerStats(s as EngineStatsSample)),
      );
  };
}

/** The engine's event objects as they are, those the caller may see. */
function eventsTranslator(visible: EventPredicate): Translator {
  return () => {
    const parser = new JsonLines();
    return async (chunk) => {
      const out: string[] = [];
      for (const event of (chunk === null ? parser.end() : parser.push(chunk)) as EngineEvent[])
        if (await visible(event)) out.push(JSON.stringify(event));
      return out;
    };
  };
}
