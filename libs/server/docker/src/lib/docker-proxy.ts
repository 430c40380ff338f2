import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import {
  AuthenticatorPort,
  BadGatewayError,
  enforceCsrf,
  ForbiddenError,
  mapError,
  requestContext,
  UnauthorizedError,
  type CapstanLogger,
} from '@capstan/server-core';
import { EnvironmentsService } from '@capstan/server-environments';
import { SettingsService } from '@capstan/server-settings';
import { engineRequest } from './engine-request';
import { decide, engineRoute } from './proxy-policy';

/** Request headers that belong to Capstan, not to the engine. */
const DROPPED_REQUEST_HEADERS = new Set([
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
]);
const DROPPED_RESPONSE_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade']);
const MAX_REWRITE_BYTES = 128 * 1024 * 1024;
export const PROXY_PREFIX = /^\/api\/endpoints\/(\d{1,10})\/docker(\/.*)?$/;

/**
 * `/api/endpoints/{id}/docker/*`: the Docker Engine API, any version prefix, streamed both ways without
 * buffering (pull progress, logs, build contexts, exports). Registered as a raw Fastify route: bodies are
 * never parsed here.
 */
@Injectable()
export class DockerProxy {
  constructor(
    private readonly authenticator: AuthenticatorPort,
    private readonly environments: EnvironmentsService,
    private readonly settings: SettingsService,
  ) {}

  async handle(request: FastifyRequest, reply: FastifyReply, logger: CapstanLogger): Promise<void> {
    const match = PROXY_PREFIX.exec(request.url.split('?')[0] ?? '');
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
    try {
      if (!match) throw new ForbiddenError('Invalid Docker proxy path', request.url.slice(0, 200));
      const user = await this.authenticator.authenticate(request);
      if (!user) throw new UnauthorizedError('Unauthorized', 'A valid authorisation token is missing');
      const store = requestContext.getStore();
      if (store) store.user = user;
      enforceCsrf(request, reply, user, this.authenticator);
      const { env, roleId } = await this.environments.accessFor(user, Number(match[1]));
      const enginePath = match[2] ?? '/';
      const decision = decide(roleId, request.method, enginePath);
      if (!decision.allowed) throw new ForbiddenError('Access denied to resource', decision.reason);
      await this.forward(
        request,
        reply,
        this.environments.connectionOf(env, 0),
        enginePath + query,
        await this.listFilter(request.method, enginePath),
      );
    } catch (e) {
      if (reply.raw.headersSent) {
        reply.raw.destroy();
        return;
      }
      const mapped = mapError(e);
      if (mapped.status >= 500) logger.write('error', 'docker proxy failed', { error: String(e) });
      reply.hijack();
      reply.raw.writeHead(mapped.status, {
        ...mapped.headers,
        'Content-Type': 'application/json; charset=utf-8',
      });
      reply.raw.end(JSON.stringify(mapped.body));
    }
  }

  /** Containers carrying a hidden label (settings) are left out of container lists, for everyone. */
  private async listFilter(
    method: string,
    enginePath: string,
  ): Promise<((body: unknown) => unknown) | undefined> {
    if (method !== 'GET' || engineRoute(enginePath) !== '/containers/json') return undefined;
    const hidden = (await this.settings.get()).BlackListedLabels;
    if (hidden.length === 0) return undefined;
    return (body) =>
      Array.isArray(body)
        ? body.filter(
            (c: { Labels?: Record<string, string> | null }) =>
              !hidden.some((l) => c.Labels?.[l.name] === l.value),
          )
        : body;
  }

  private forward(
    request: FastifyRequest,
    reply: FastifyReply,
    connection: ReturnType<EnvironmentsService['connectionOf']>,
    path: string,
    rewrite?: (body: unknown) => unknown,
  ): Promise<void> {
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(request.headers)) {
      if (v !== undefined && !DROPPED_REQUEST_HEADERS.has(k)) headers[k] = v;
    }
    return new Promise<void>((resolve, reject) => {
      const upstream = engineRequest(connection, request.method, path, headers, (res: IncomingMessage) => {
        reply.hijack();
        const out: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(res.headers))
          if (v !== undefined && !DROPPED_RESPONSE_HEADERS.has(k)) out[k] = v;
        if (rewrite && res.statusCode === 200 && String(res.headers['content-type']).includes('json')) {
          // A list to filter: buffered (bounded), rewritten, sent whole.
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_REWRITE_BYTES) res.destroy(new Error('response too large to filter'));
            else chunks.push(c);
          });
          res.on('end', () => {
            try {
              const body = Buffer.from(
                JSON.stringify(rewrite(JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown)),
              );
              delete out['content-length'];
              reply.raw.writeHead(200, { ...out, 'content-length': String(body.length) });
              reply.raw.end(body);
            } catch (e) {
              reply.raw.destroy(e as Error);
            }
            resolve();
          });
          res.on('error', (e) => {
            reply.raw.destroy(e);
            resolve();
          });
          return;
        }
        reply.raw.writeHead(res.statusCode ?? 502, out);
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
        reject(new BadGatewayError('Unable to reach the Docker engine', `${connection.url}: ${e.message}`));
      });
      // The client went away: stop the engine work too (e.g. a followed log stream).
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) upstream.destroy();
      });
      request.raw.pipe(upstream);
    });
  }
}
