import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { API_HEADERS } from '@capstan/contracts-api';
import { ActivityRecorder } from '@capstan/server-audit';
import {
  BadRequestError,
  CapstanConfig,
  CapstanLogger,
  requestContext,
  requestIdFrom,
} from '@capstan/server-core';
import { DockerProxy } from '@capstan/server-docker';
import { EDGE_ASYNC_PATH } from '@capstan/contracts-agent';
import { EDGE_ASYNC_WIRE_LIMIT, EdgeAsyncEndpoint, decodeEdgeAsyncBody } from '@capstan/server-edge';
import { AdminInitGate } from '@capstan/server-users';

export const JSON_BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * The Node request listener in front of Fastify: base-URL stripping, request id and context (AsyncLocalStorage
 * around the whole request), security headers and the access log. Both the HTTP and the HTTPS server use it.
 */
export function frontHandler(
  config: CapstanConfig,
  logger: CapstanLogger,
  fastify: RequestListener,
): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (config.baseUrl) {
      const url = req.url ?? '/';
      if (
        url === config.baseUrl ||
        url.startsWith(config.baseUrl + '/') ||
        url.startsWith(config.baseUrl + '?')
      ) {
        req.url = url.slice(config.baseUrl.length) || '/';
      } else {
        res.writeHead(404, { 'Content-Type': 'application/json; charset=utf-8' });
        res.end(
          JSON.stringify({ message: 'Not found', details: `Capstan is served under ${config.baseUrl}` }),
        );
        return;
      }
    }
    const requestId = requestIdFrom(req.headers);
    const startedAt = performance.now();
    res.setHeader(API_HEADERS.requestId, requestId);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'same-origin');
    res.on('finish', () => {
      const mutating = req.method !== 'GET' && req.method !== 'HEAD';
      const level = res.statusCode >= 500 ? 'error' : mutating || res.statusCode >= 400 ? 'info' : 'debug';
      if (!logger.isEnabled(level)) return;
      logger.write(level, 'request', {
        reqId: requestId,
        method: req.method,
        path: (req.url ?? '').split('?')[0],
        status: res.statusCode,
        ms: Math.round((performance.now() - startedAt) * 10) / 10,
      });
    });
    requestContext.run({ requestId, startedAt: Date.now() }, () => fastify(req, res));
  };
}

/**
 * Fastify-level layers: cookies, the admin-init gate and the activity log as hooks, API docs, and the portal's
 * files with client-side-routing fallback. Call before `app.init()`.
 */
export async function configureHttpPipeline(
  app: NestFastifyApplication,
  config: CapstanConfig,
  /** Built on the first request to /api/docs: the metadata scan costs memory a server never asked for. */
  openapi: () => OpenAPIObject,
): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  // JSON bodies: Fastify's parser (prototype-poisoning safe), its failures as Capstan's own 400.
  fastify.removeContentTypeParser('application/json');
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: JSON_BODY_LIMIT_BYTES },
    (request: FastifyRequest, body: string | Buffer, done: (err: Error | null, value?: unknown) => void) => {
      if (body === '') {
        done(null, undefined);
        return;
      }
      void parseJson(request, body.toString(), (err: Error | null, value?: unknown) =>
        err ? done(new BadRequestError('Malformed JSON body', err.message)) : done(null, value),
      );
    },
  );
  await app.register(fastifyCookie);
  // Multipart forms (environment creation with TLS files); each handler sets its own limits.
  await app.register(fastifyMultipart, { limits: { fileSize: 1024 * 1024, files: 10, fields: 50 } });

  const gate = app.get(AdminInitGate);
  const recorder = app.get(ActivityRecorder);
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (await gate.onRequest(request, reply)) return reply;
    return undefined;
  });
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    recorder.onResponse(request, reply);
    done();
  });

  // The Docker API proxy runs in its own Fastify context without body parsers: bodies stream to the engine.
  const proxy = app.get(DockerProxy);
  const logger = app.get(CapstanLogger);
  await fastify.register((scope: FastifyInstance, _opts: unknown, registered: () => void) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      (_request: FastifyRequest, _payload: unknown, done: (err: null) => void) => done(null),
    );
    scope.all('/api/endpoints/:id/docker', (request, reply) => proxy.handle(request, reply, logger));
    scope.all('/api/endpoints/:id/docker/*', (request, reply) => proxy.handle(request, reply, logger));
    registered();
  });
  // Async edge agents: gzipped bodies larger than the API's JSON limit, read by the edge module's own parser.
  const edgeAsync = app.get(EdgeAsyncEndpoint);
  await fastify.register((scope: FastifyInstance, _opts: unknown, registered: () => void) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: EDGE_ASYNC_WIRE_LIMIT },
      (request: FastifyRequest, body: string | Buffer, done: (err: null, value?: unknown) => void) => {
        const encoding = request.headers['content-encoding'];
        void decodeEdgeAsyncBody(
          Buffer.isBuffer(body) ? body : Buffer.from(body),
          Array.isArray(encoding) ? encoding[0] : encoding,
        ).then((value) => done(null, value));
      },
    );
    scope.post(EDGE_ASYNC_PATH, (request, reply) => edgeAsync.handle(request, reply, logger));
    registered();
  });

  SwaggerModule.setup('api/docs', app, openapi, {
    jsonDocumentUrl: 'api/docs/openapi.json',
    yamlDocumentUrl: 'api/docs/openapi.yaml',
    customSiteTitle: 'Capstan API',
    useGlobalPrefix: false,
  });

  const portalDir = config.portalDir ?? join(__dirname, '..', 'portal', 'browser');
  const index = join(portalDir, 'index.html');
  const csp =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    "font-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
  if (existsSync(portalDir)) {
    await app.register(fastifyStatic, {
      root: portalDir,
      prefix: '/',
      index: false,
      wildcard: false,
      decorateReply: false,
      cacheControl: false,
      setHeaders: (res, path) => {
        // Angular's hashed bundles (chunk-AZ6TWXPC.js) are immutable; everything else is revalidated.
        res.setHeader(
          'Cache-Control',
          /-[A-Z0-9]{8}\.(js|css)$/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  }
  // Anything else: unknown API paths get a JSON 404, other paths the portal (client-side routes).
  fastify.get('/*', async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (path === '/api' || path.startsWith('/api/')) {
      return reply
        .status(404)
        .type('application/json; charset=utf-8')
        .send(JSON.stringify({ message: `Cannot GET ${path}`, details: 'Not Found' }));
    }
    if (!existsSync(index)) {
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The portal is not built. Run `npm run build` (or `npm start`, which builds it).');
    }
    return reply
      .header('Content-Security-Policy', csp)
      .header('Cache-Control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(await readFile(index));
  });
}
