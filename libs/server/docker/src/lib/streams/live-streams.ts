import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { CapstanLogger, WebSocketRoutes, type AuthenticatedUser } from '@capstan/server-core';
import {
  EngineConnections,
  EnvironmentsService,
  withAgentTarget,
  type EngineConnection,
} from '@capstan/server-environments';
import type { EnvironmentCommand } from '../environment-command';
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
import { EventsCommand, eventsPath, LogsCommand, logsPath, StatsCommand } from './stream-commands';

/**
 * `/api/websocket/logs`, `/api/websocket/stats` and `/api/websocket/events`: server-to-client streams of JSON text
 * messages read from the environment's engine, with backpressure. Routes of core's WebSocket table, so the query
 * (its command), authentication (`?token=`, cookie from the same origin, `X-API-Key`) and refusals as plain HTTP
 * errors before the upgrade are the entry pipeline's; access to the container or events is checked here.
 */
@Injectable()
export class LiveStreams implements OnModuleInit, OnApplicationShutdown {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 });

  constructor(
    private readonly routes: WebSocketRoutes,
    private readonly environments: EnvironmentsService,
    private readonly access: StreamAccessPolicy,
    private readonly logger: CapstanLogger,
    private readonly nodes: AgentNodeResolver,
    private readonly engines: EngineConnections,
  ) {}

  onModuleInit(): void {
    this.routes.register({
      path: '/api/websocket/logs',
      command: LogsCommand,
      open: async ({ user, command: q, req, socket, head }) => {
        const { caller, connection: asked } = await this.caller(user, q);
        const connection = await this.nodes.forContainer(asked, q.id);
        const container = await this.inspect(connection, q.id);
        await this.access.assertContainerReadable(caller, 'logs', container);
        // The inspected id, not the name asked for: what is streamed is what was checked.
        const path = logsPath({ ...q, id: container.Id });
        this.upgrade(req, socket, head, connection, path, logsTranslator(container));
      },
    });
    this.routes.register({
      path: '/api/websocket/stats',
      command: StatsCommand,
      open: async ({ user, command: q, req, socket, head }) => {
        const { caller, connection: asked } = await this.caller(user, q);
        const connection = await this.nodes.forContainer(asked, q.id);
        const container = await this.inspect(connection, q.id);
        await this.access.assertContainerReadable(caller, 'stats', container);
        this.upgrade(req, socket, head, connection, statsPath(container.Id), statsTranslator());
      },
    });
    this.routes.register({
      path: '/api/websocket/events',
      command: EventsCommand,
      open: async ({ user, command: q, req, socket, head }) => {
        const { caller, connection } = await this.caller(user, q);
        const filter = await this.access.eventFilter(caller);
        // The engine must answer before the upgrade, so that a down engine is a 502 and not a closed socket.
        await engineJson<unknown>(this.engines.client(connection), '/version', 'No engine');
        this.upgrade(req, socket, head, connection, eventsPath(q), eventsTranslator(filter));
      },
    });
  }

  onApplicationShutdown(): void {
    for (const ws of this.wss.clients) ws.close(1001, 'Server shutting down');
  }

  /** The caller's role on the environment, and its connection. */
  private async caller(
    user: AuthenticatedUser,
    q: EnvironmentCommand,
  ): Promise<{ caller: StreamCaller; connection: EngineConnection }> {
    const { env, access } = await this.environments.accessFor(user, q.endpointId);
    // Agent environments: the Swarm node holding the container (Portainer's `nodeName`), else the agent's choice.
    const connection = withAgentTarget(this.environments.connectionOf(env, 0), q.nodeName);
    return { caller: { user, envId: q.endpointId, access }, connection };
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
