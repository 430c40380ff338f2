import { Inject, Injectable } from '@nestjs/common';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { CapstanConfig } from '../config/capstan-config';
import { CAPSTAN_CONFIG } from '../config/config.tokens';
import { NotFoundError } from '../errors';
import { mapError } from '../http/error.filter';
import { requestContext, requestIdFrom, type AuthenticatedUser } from '../http/request-context';
import { CapstanLogger } from '../logging/logger';
import { ActivityPort } from './activity.port';
import type { Command } from './command';
import { EntryPipeline } from './entry-pipeline';

/** A command class: its `parse()` validates a query and makes the command, or throws the 400. */
export type CommandType<C extends Command> = (new () => C) & Pick<typeof Command, 'parse' | 'invalidMessage'>;

/** What a WebSocket route's handler receives: the caller, the validated command, and the upgrade to take over. */
export interface WebSocketEntry<C extends Command> {
  readonly user: AuthenticatedUser;
  readonly command: C;
  readonly req: IncomingMessage;
  readonly socket: Duplex;
  readonly head: Buffer;
}

export interface WebSocketRoute<C extends Command> {
  /** The exact path, under `/api/websocket/`. */
  readonly path: string;
  /** The query string's command. */
  readonly command: CommandType<C>;
  /**
   * Routes that change something (a console runs commands) are recorded in the activity log, with the
   * environment this gives, whatever the outcome. Read-only routes (logs, stats, events) are not.
   */
  readonly audit?: { environmentOf(command: C): number | null };
  /**
   * Checks access, then upgrades (or throws: refusals are answered as plain HTTP errors before the upgrade).
   * Resolves once the upgrade is done.
   */
  open(entry: WebSocketEntry<C>): Promise<void>;
}

/**
 * The one table of WebSocket routes. Modules register theirs at start-up (`onModuleInit`); the server hands every
 * upgrade here. Each upgrade goes through the entry pipeline — the route's command parses the query (400
 * `{message, details}`), the caller is authenticated as on every route (401, 403 for a cookie from another origin),
 * audited routes are recorded — before the route's handler checks access and upgrades. Unknown paths get a 404.
 */
@Injectable()
export class WebSocketRoutes {
  private readonly routes = new Map<string, WebSocketRoute<Command>>();

  constructor(
    private readonly pipeline: EntryPipeline,
    private readonly activity: ActivityPort,
    private readonly logger: CapstanLogger,
    @Inject(CAPSTAN_CONFIG) private readonly config: CapstanConfig,
  ) {}

  register<C extends Command>(route: WebSocketRoute<C>): void {
    if (this.routes.has(route.path)) throw new Error(`WebSocket route ${route.path} is registered twice`);
    this.routes.set(route.path, route);
  }

  /** The paths served, for documentation and tests. */
  paths(): string[] {
    return [...this.routes.keys()];
  }

  /** For the HTTP servers' `upgrade` event. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // The client may hang up while its access is being checked.
    socket.on('error', () => socket.destroy());
    requestContext.run({ requestId: requestIdFrom(req.headers), startedAt: Date.now() }, () => {
      void this.dispatch(req, socket, head);
    });
  }

  private async dispatch(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(this.withoutBaseUrl(req.url ?? '/'), 'http://capstan');
    const route = this.routes.get(url.pathname);
    if (!route) {
      this.refuse(
        socket,
        new NotFoundError('Not found', `No WebSocket endpoint at ${url.pathname.slice(0, 100)}`),
      );
      return;
    }
    let command: Command | undefined;
    let status = 101;
    try {
      command = route.command.parse(url.searchParams);
      const user = await this.pipeline.authenticateUpgrade(req, url.searchParams);
      await route.open({ user, command, req, socket, head });
    } catch (e) {
      status = this.refuse(socket, e);
    }
    if (route.audit)
      this.activity.record({
        method: req.method ?? 'GET',
        path: url.pathname,
        status,
        environmentId: command ? route.audit.environmentOf(command) : null,
        payload: command,
      });
  }

  /** Behind a reverse proxy's path prefix (`CAPSTAN_BASE_URL`), the path under it. */
  private withoutBaseUrl(url: string): string {
    const base = this.config.baseUrl;
    return base && url.startsWith(base + '/') ? url.slice(base.length) : url;
  }

  /** A refusal before the upgrade: a plain HTTP answer with the `{message, details}` body, then closed. */
  private refuse(socket: Duplex, error: unknown): number {
    const mapped = mapError(error);
    if (mapped.status >= 500) this.logger.write('warn', 'WebSocket refused', { error: String(error) });
    const body = JSON.stringify(mapped.body);
    socket.end(
      `HTTP/1.1 ${mapped.status} ${STATUS_CODES[mapped.status] ?? 'Error'}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
    return mapped.status;
  }
}
