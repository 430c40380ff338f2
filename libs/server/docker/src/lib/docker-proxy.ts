import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { AGENT_ERRORS } from '@capstan/contracts-agent';
import { UserRole } from '@capstan/contracts-api';
import {
  BadGatewayError,
  BadRequestError,
  EntryPipeline,
  ForbiddenError,
  mapError,
  setActivityPayload,
  PayloadTooLargeError,
  type CapstanLogger,
  DomainError,
  ServiceUnavailableError,
} from '@capstan/server-core';
import { ResourceControlType } from '@capstan/contracts-api';
import {
  EngineConnections,
  EnvironmentsService,
  SnapshotService,
  withAgentTarget,
  type EngineConnection,
} from '@capstan/server-environments';
import { AccessService } from '@capstan/server-rbac';
import { ImageUpdateChecker, RegistriesService, registryRefusal } from '@capstan/server-registries';
import { SettingsService } from '@capstan/server-settings';
import { AgentNodeResolver } from './agent/node-resolver';
import { DockerProxyCommand } from './docker-proxy-command';
import { classify, decide, engineRoute, type EngineOperation } from './proxy-policy';
import { changesSnapshot } from './snapshot-refresh';
import { EngineAnswerError, ProxyOwnership, type ProxyPlan, type Rewritten } from './proxy-ownership';

/** `POST [/v1.x]/images/{name}/push`: the image name (URL-encoded as sent). */
const PUSH_PATH = /^(?:\/v[\d.]+)?\/images\/(.+)\/push$/;

/** Request headers that belong to Capstan, not to the engine. */
const DROPPED_REQUEST_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'connection',
  'keep-alive',
  'authorization',
  'cookie',
  'x-api-key',
  'x-csrf-token',
  'proxy-authorization',
  'te',
  'trailer',
  'upgrade',
  // Agent signatures, target node and host browsing are the server's own: the engine client drops a caller's
  // (SERVER_OWNED_AGENT_HEADERS); the target node is taken from the query or header by the proxy's command.
]);
const DROPPED_RESPONSE_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade']);
const MAX_REWRITE_BYTES = 128 * 1024 * 1024;
/** Bodies Capstan reads to check them (container and service creation). */
const MAX_CHECKED_BODY_BYTES = 1024 * 1024;
/** Engine routes whose activity-log description comes from the body (describe-activity). */
const NAMED_BY_BODY = /^\/(?:volumes\/create|networks\/create|networks\/[^/]+\/(?:connect|disconnect))$/;
/** The proxy's routes: the environment id and the engine path, both judged by `DockerProxyCommand`. */
export const PROXY_PREFIX = /^\/api\/endpoints\/([^/]*)\/docker(\/.*)?$/;
/** Set on answers served from the last snapshot of an unreachable environment (ISO time of the snapshot). */
export const SNAPSHOT_HEADER = 'X-Capstan-Snapshot';

type Json = Record<string, unknown>;

/**
 * `/api/endpoints/{id}/docker/*`: the Docker Engine API, any version prefix, streamed both ways without
 * buffering (pull progress, logs, build contexts, exports). Registered as a raw Fastify route: bodies are
 * never parsed here, except the few that ownership must check. Lists and inspects are buffered (bounded) to
 * be filtered and decorated with their resource control.
 */
@Injectable()
export class DockerProxy {
  constructor(
    private readonly entry: EntryPipeline,
    private readonly environments: EnvironmentsService,
    private readonly settings: SettingsService,
    private readonly snapshots: SnapshotService,
    private readonly ownership: ProxyOwnership,
    private readonly nodes: AgentNodeResolver,
    private readonly engines: EngineConnections,
    private readonly registries: RegistriesService,
    private readonly checker: ImageUpdateChecker,
  ) {}

  async handle(request: FastifyRequest, reply: FastifyReply, logger: CapstanLogger): Promise<void> {
    const match = PROXY_PREFIX.exec(request.url.split('?')[0] ?? '');
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
    try {
      if (!match) throw new ForbiddenError('Invalid Docker proxy path', request.url.slice(0, 200));
      // Agent environments: Portainer's clients name the Swarm node by `?nodeName=` or X-PortainerAgent-Target.
      const command = DockerProxyCommand.parse({
        endpointId: match[1],
        nodeName:
          new URLSearchParams(query).get('nodeName') ??
          headerValue(request.headers['x-portaineragent-target']),
        path: match[2] ?? '/',
      });
      const user = await this.entry.authenticateHttp(request, reply);
      const envId = command.endpointId;
      const { env, access } = await this.environments.accessFor(user, envId);
      const enginePath = command.path;
      const security = env.security;
      const base = this.environments.connectionOf(env, 0);
      const searchParams = new URLSearchParams(query);
      // One classification of the call serves the role decision, the node lookup and the ownership plan.
      const op = classify(request.method, enginePath, searchParams);
      const decision = decide(access, request.method, enginePath, {
        op,
        query: searchParams,
        agent: base.agent !== undefined,
        allowVolumeBrowserForRegularUsers: security.allowVolumeBrowserForRegularUsers,
        enableHostManagementFeatures: security.enableHostManagementFeatures,
      });
      AccessService.assertDecision(decision);
      const targeted = await this.resolveNode(withAgentTarget(base, command.nodeName), op);
      // Host browsing through an agent (/browse/* without volumeID) is for administrators, as in Portainer.
      const connection =
        targeted.agent && user.role === UserRole.Administrator
          ? { ...targeted, agent: { ...targeted.agent, browseHost: true } }
          : targeted;
      const plan = await this.ownership.plan({
        user,
        envId,
        access,
        method: request.method,
        path: enginePath,
        query: searchParams,
        op,
        connection,
        security,
        readBody: () => readBounded(request.raw, MAX_CHECKED_BODY_BYTES),
      });
      // Portainer's clients name a stored registry (`{"registryId": N}`); the engine gets its real credentials,
      // after the registry access check (pulls, pushes, service create/update — any call carrying the header).
      const registryAuth = headerValue(request.headers['x-registry-auth']);
      const overrides: Record<string, string> = {};
      let registry: string | undefined;
      if (registryAuth !== undefined) {
        const resolved = await this.registries.resolveRegistryAuth(user, envId, registryAuth);
        overrides['x-registry-auth'] = resolved.header;
        registry = resolved.registry;
      }
      // The activity log names what a body names (a new volume or network, the container joining a network):
      // read those small bodies here when the plan did not, and forward the bytes read.
      const body =
        plan.body ??
        (request.method === 'POST' && NAMED_BY_BODY.test(engineRoute(enginePath))
          ? await readBounded(request.raw, MAX_CHECKED_BODY_BYTES)
          : undefined);
      if (body) setActivityPayload(jsonOf(body));
      const hidden = await this.hiddenFilter(request.method, enginePath);
      const rewrite = compose(hidden, plan.rewrite);
      const unchanged = hidden ? undefined : plan.unchanged;
      try {
        await this.forward(
          request,
          reply,
          connection,
          plan.call?.path ?? enginePath + query,
          { ...plan, body, rewrite, unchanged },
          { headers: overrides, registry },
        );
        // The home card's counts follow changes made here (debounced, after the answer went out).
        if (changesSnapshot(request.method, enginePath)) this.snapshots.refreshSoon(envId);
        // A push through Capstan changes the registry's digest for that tag: update detection asks again.
        const pushed = request.method === 'POST' ? PUSH_PATH.exec(enginePath) : null;
        if (pushed?.[1])
          this.checker.forget(`${decodedOr(pushed[1])}:${searchParams.get('tag') || 'latest'}`);
      } catch (e) {
        // Unreachable engine: lists can still be read from the last snapshot.
        if (
          (e instanceof BadGatewayError || e instanceof ServiceUnavailableError) &&
          !reply.raw.headersSent
        ) {
          const served = await this.fromSnapshot(envId, request.method, enginePath, rewrite);
          if (served) {
            reply.hijack();
            reply.raw.writeHead(served.status, {
              'Content-Type': 'application/json',
              [SNAPSHOT_HEADER]: served.time,
            });
            reply.raw.end(JSON.stringify(served.body));
            return;
          }
        }
        throw e;
      }
    } catch (e) {
      if (reply.raw.headersSent) {
        reply.raw.destroy();
        return;
      }
      reply.hijack();
      if (e instanceof EngineAnswerError) {
        // The engine's own answer to a lookup (404 No such container…), as it would have sent it.
        reply.raw.writeHead(e.status, { 'Content-Type': 'application/json' });
        reply.raw.end(JSON.stringify(e.body ?? { message: `engine answered ${e.status}` }));
        return;
      }
      const mapped = mapError(e);
      if (mapped.status >= 500) logger.write('error', 'docker proxy failed', { error: String(e) });
      reply.raw.writeHead(mapped.status, {
        ...mapped.headers,
        'Content-Type': 'application/json; charset=utf-8',
      });
      reply.raw.end(JSON.stringify(mapped.body));
    }
  }

  /**
   * A Swarm agent environment called without a node: calls on one container (`/containers/{id}/…`) or exec
   * (`/exec/{id}/…`) go to the node that holds it, found before the call (cached), so a non-idempotent call is
   * never sent twice. Lists, creations and everything else stay with the agent's own routing.
   */
  private async resolveNode(c: EngineConnection, op: EngineOperation): Promise<EngineConnection> {
    if (!c.agent || c.agent.target) return c;
    if ((op.kind === 'inspect' || op.kind === 'resource') && op.type === ResourceControlType.Container)
      return this.nodes.forContainer(c, op.id);
    if (op.kind === 'console') return this.nodes.forContainer(c, op.containerId);
    if (op.kind === 'exec') return this.nodes.forExec(c, op.execId);
    return c;
  }

  /** Containers carrying a hidden label (settings) are left out of container lists, for everyone. */
  private async hiddenFilter(
    method: string,
    enginePath: string,
  ): Promise<((status: number, body: unknown) => Promise<Rewritten>) | undefined> {
    if (method !== 'GET' || engineRoute(enginePath) !== '/containers/json') return undefined;
    const hidden = (await this.settings.get()).BlackListedLabels;
    if (hidden.length === 0) return undefined;
    return (status, body) =>
      Promise.resolve({
        status,
        body: Array.isArray(body)
          ? body.filter(
              (c: { Labels?: Record<string, string> | null }) =>
                !hidden.some((l) => c.Labels?.[l.name] === l.value),
            )
          : body,
      });
  }

  /** The raw snapshot lists of a down environment, for read-only browsing (lists, info, version). */
  private async fromSnapshot(
    envId: number,
    method: string,
    enginePath: string,
    rewrite: ProxyPlan['rewrite'],
  ): Promise<(Rewritten & { time: string }) | undefined> {
    if (method !== 'GET') return undefined;
    const route = engineRoute(enginePath);
    const pick: Readonly<Record<string, (raw: Json) => unknown>> = {
      '/containers/json': (r) => r['Containers'],
      '/images/json': (r) => r['Images'],
      '/volumes': (r) => ({ Volumes: r['Volumes'], Warnings: null }),
      '/networks': (r) => r['Networks'],
      '/info': (r) => r['Info'],
      '/version': (r) => r['Version'],
    };
    const select = pick[route];
    if (!select) return undefined;
    const snapshot = await this.snapshots.rawWithTime(envId);
    if (!snapshot) return undefined;
    const body = select(snapshot.raw as unknown as Json);
    const out = rewrite ? await rewrite(200, body) : { status: 200, body };
    return { ...out, time: new Date(snapshot.time * 1000).toISOString() };
  }

  private forward(
    request: FastifyRequest,
    reply: FastifyReply,
    connection: ReturnType<EnvironmentsService['connectionOf']>,
    path: string,
    plan: ProxyPlan,
    extra: { headers: Readonly<Record<string, string>>; registry?: string },
  ): Promise<void> {
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(request.headers)) {
      if (v !== undefined && !DROPPED_REQUEST_HEADERS.has(k)) headers[k] = v;
    }
    Object.assign(headers, extra.headers);
    if (plan.body) {
      delete headers['transfer-encoding'];
      headers['content-length'] = String(plan.body.length);
    }
    return new Promise<void>((resolve, reject) => {
      if (plan.call) headers['content-type'] = 'application/json';
      const method = plan.call?.method ?? request.method;
      const upstream = this.engines
        .client(connection)
        .request(method, path, headers, (res: IncomingMessage) => {
          const status = res.statusCode ?? 502;
          const ok = status >= 200 && status < 300;
          const out: Record<string, string | string[]> = {};
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined && !DROPPED_RESPONSE_HEADERS.has(k)) out[k] = v;
          if (connection.agent && status === AGENT_ERRORS.dockerSocket.status) {
            // The agent answers but its engine does not (Portainer agent protocol: 500 "Unable to proxy the request
            // via the Docker socket"): the same 502 as a direct engine that is down, so lists fall back on the snapshot.
            // Any other 500 goes to the client as it is.
            const chunks: Buffer[] = [];
            let size = 0;
            const relay = (): void => {
              reply.hijack();
              reply.raw.writeHead(status, out);
              for (const c of chunks) reply.raw.write(c);
              res.pipe(reply.raw);
            };
            const onData = (c: Buffer): void => {
              chunks.push(c);
              size += c.length;
              if (size <= MAX_AGENT_ERROR_BYTES) return;
              res.off('data', onData).off('end', onEnd);
              res.on('end', () => resolve());
              relay(); // not an error body: streamed on unread
            };
            const onEnd = (): void => {
              const details = agentSocketErrorDetails(Buffer.concat(chunks));
              if (details !== null) {
                reject(
                  new BadGatewayError(
                    'Unable to reach the Docker engine',
                    `The agent at ${connection.url} cannot reach its engine: ${details || 'no details'}`,
                  ),
                );
                return;
              }
              relay();
              resolve();
            };
            res.on('data', onData).on('end', onEnd);
            res.on('error', (e) => {
              reply.raw.destroy(e);
              resolve();
            });
            return;
          }
          if (extra.registry !== undefined && status >= 400) {
            // A stored registry's credentials were used: the engine's refusal is worded with the registry's name.
            const registry = extra.registry;
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => {
              if (chunks.length < 64) chunks.push(c);
            });
            res.on('end', () => {
              const raw = Buffer.concat(chunks);
              const refusal = registryRefusal(registry, engineMessageOf(raw));
              if (refusal) {
                reject(new BadRequestError(refusal.message, refusal.details));
                return;
              }
              reply.hijack();
              reply.raw.writeHead(status, { ...out, 'content-length': String(raw.length) });
              reply.raw.end(raw);
              resolve();
            });
            res.on('error', (e) => reject(e));
            return;
          }
          // Bookkeeping after a successful removal (its resource control goes with it), done before the client hears
          // the answer, so a call right after it never finds the control lingering.
          const settle = async (): Promise<void> => {
            if (ok && plan.after) await plan.after().catch(() => undefined);
          };
          if (plan.rewrite && ok && String(res.headers['content-type']).includes('json')) {
            // A list or an object to filter or decorate: buffered (bounded), rewritten, sent whole.
            const rewrite = plan.rewrite;
            const chunks: Buffer[] = [];
            let size = 0;
            res.on('data', (c: Buffer) => {
              size += c.length;
              if (size > MAX_REWRITE_BYTES) res.destroy(new Error('response too large to filter'));
              else chunks.push(c);
            });
            res.on('end', () => {
              void (async () => {
                try {
                  const raw = Buffer.concat(chunks);
                  if (plan.unchanged && (await plan.unchanged(raw))) {
                    await settle();
                    reply.hijack();
                    reply.raw.writeHead(status, { ...out, 'content-length': String(raw.length) });
                    reply.raw.end(raw);
                    resolve();
                    return;
                  }
                  const parsed = JSON.parse(raw.toString('utf8')) as unknown;
                  const result = await rewrite(status, parsed);
                  const body = Buffer.from(JSON.stringify(result.body));
                  delete out['content-length'];
                  await settle();
                  reply.hijack();
                  reply.raw.writeHead(result.status, { ...out, 'content-length': String(body.length) });
                  reply.raw.end(body);
                  resolve();
                } catch (e) {
                  // A refusal decided on the answer (inspect of someone else's resource): the caller's error.
                  reject(e instanceof Error ? e : new Error(String(e)));
                }
              })();
            });
            res.on('error', (e) => {
              reply.raw.destroy(e);
              resolve();
            });
            return;
          }
          if (ok && plan.after) {
            // A removal's answer is small (204, or a short JSON list for images): buffered until settled.
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              void settle().then(() => {
                reply.hijack();
                reply.raw.writeHead(status, out);
                reply.raw.end(Buffer.concat(chunks));
                resolve();
              });
            });
            res.on('error', (e) => {
              reply.raw.destroy(e);
              resolve();
            });
            return;
          }
          reply.hijack();
          reply.raw.writeHead(status, out);
          res.pipe(reply.raw);
          res.on('end', () => resolve());
          res.on('error', (e) => {
            reply.raw.destroy(e);
            resolve();
          });
        });
      upstream.on('error', (e: NodeJS.ErrnoException) => {
        if (reply.raw.headersSent) {
          reply.raw.destroy(e);
          resolve();
          return;
        }
        // The transport's own refusal (an edge environment not connected: 503) is already clear.
        reject(
          e instanceof DomainError
            ? e
            : new BadGatewayError('Unable to reach the Docker engine', `${connection.url}: ${e.message}`),
        );
      });
      // The client went away: stop the engine work too (e.g. a followed log stream).
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) upstream.destroy();
      });
      if (plan.body) upstream.end(plan.body);
      else request.raw.pipe(upstream);
    });
  }
}

/** An agent's error body is small: a 500 longer than this is not one, and is relayed unread. */
const MAX_AGENT_ERROR_BYTES = 64 * 1024;

/** The details of the agent's "Unable to proxy the request via the Docker socket" body, or null for any other. */
function agentSocketErrorDetails(raw: Buffer): string | null {
  try {
    const body = JSON.parse(raw.toString('utf8')) as { message?: unknown; details?: unknown } | null;
    if (body?.message !== AGENT_ERRORS.dockerSocket.message) return null;
    return typeof body.details === 'string' ? body.details : '';
  } catch {
    return null;
  }
}

/** The engine's `{"message": …}` error, or its raw text. */
function engineMessageOf(raw: Buffer): string {
  const text = raw.toString('utf8').slice(0, 2000);
  try {
    const body = JSON.parse(text) as { message?: unknown };
    if (typeof body.message === 'string') return body.message;
  } catch {
    // not JSON
  }
  return text.trim();
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function compose(first: ProxyPlan['rewrite'], second: ProxyPlan['rewrite']): ProxyPlan['rewrite'] {
  if (!first) return second;
  if (!second) return first;
  return async (status, body) => {
    const a = await first(status, body);
    return second(a.status, a.body);
  };
}

/** A JSON body as parsed, or undefined when it is not JSON. */
function jsonOf(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function readBounded(stream: NodeJS.ReadableStream, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        stream.removeAllListeners('data');
        reject(new PayloadTooLargeError('Request body too large', `The limit is ${limit / 1024 / 1024} MB`));
      } else chunks.push(c);
    });
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function decodedOr(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
