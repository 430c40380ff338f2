import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Duplex } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { WebSocketServer, type WebSocket } from 'ws';
import { Permission } from '@capstan/contracts-api';
import { AccessService } from '@capstan/server-rbac';
import { CapstanLogger, WebSocketRoutes, type WebSocketEntry } from '@capstan/server-core';
import { EngineConnections, EnvironmentsService, withAgentTarget } from '@capstan/server-environments';
import { relayConsole } from './agent/agent-console';
import { ConsoleCommand } from './console-command';
import { ProxyOwnership } from './proxy-ownership';
import { AgentNodeResolver } from './agent/node-resolver';

/** Stop reading the engine while the browser is this far behind. */
const HIGH_WATER_BYTES = 1024 * 1024;

/**
 * `/api/websocket/exec` and `/api/websocket/attach` (Portainer's query parameters: `id`, `endpointId`, `token`):
 * the Docker exec/attach stream hijacked from the engine and piped both ways over a WebSocket, with backpressure.
 * Routes of core's WebSocket table (query, authentication and refusals are the entry pipeline's); audited, since a
 * console runs commands. Resizing goes through the Docker proxy (`/exec/{id}/resize`, `/containers/{id}/resize`),
 * as in Portainer.
 */
@Injectable()
export class ConsoleStreams implements OnModuleInit {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });

  constructor(
    private readonly routes: WebSocketRoutes,
    private readonly environments: EnvironmentsService,
    private readonly logger: CapstanLogger,
    private readonly ownership: ProxyOwnership,
    private readonly nodes: AgentNodeResolver,
    private readonly engines: EngineConnections,
  ) {}

  onModuleInit(): void {
    for (const kind of ['exec', 'attach'] as const)
      this.routes.register({
        path: `/api/websocket/${kind}`,
        command: ConsoleCommand,
        audit: { environmentOf: (q) => q.endpointId },
        open: (entry) => this.open(kind, entry),
      });
  }

  private async open(
    kind: 'exec' | 'attach',
    { user, command: query, req, socket, head }: WebSocketEntry<ConsoleCommand>,
  ): Promise<void> {
    const { id, endpointId: envId } = query;
    const { env, access } = await this.environments.accessFor(user, envId);
    AccessService.assert(access, Permission.ContainerConsole, 'Your role has no console in this environment');
    // Agent environments: the node that runs the container (Portainer's `nodeName`).
    // Without one on a Swarm agent, the node is found from the exec id or the container.
    const asked = withAgentTarget(this.environments.connectionOf(env, 0), query.nodeName);
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
    const engine = await this.engines.client(connection).openConsole(kind, id);
    if (engine.kind === 'websocket') {
      const agent = engine.socket;
      // The browser may have gone while the agent answered: the agent's side must not stay open.
      const orphan = () => agent.terminate();
      socket.once('close', orphan);
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        socket.off('close', orphan);
        relayConsole(ws, agent);
      });
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.pipe(ws, engine.stream));
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
