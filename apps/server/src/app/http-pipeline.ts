import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import express, { type NextFunction, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { API_HEADERS } from '@capstan/contracts-api';
import { CapstanConfig, CapstanLogger, requestContext, sendError } from '@capstan/server-core';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
export const JSON_BODY_LIMIT = '1mb';

/**
 * The Express layers in front of Nest's router: base-URL stripping, request id and context, security
 * headers, cookies, JSON bodies (errors in Portainer's shape), API docs and the portal's files.
 */
export function configureHttpPipeline(
  app: NestExpressApplication,
  config: CapstanConfig,
  logger: CapstanLogger,
  openapi: OpenAPIObject,
): void {
  app.set('x-powered-by', false);
  app.set('etag', false);
  app.setGlobalPrefix('api', { exclude: [] });

  if (config.baseUrl) {
    app.use((req: Request, res: Response, next: NextFunction) => {
      if (
        req.url === config.baseUrl ||
        req.url.startsWith(config.baseUrl + '/') ||
        req.url.startsWith(config.baseUrl + '?')
      ) {
        req.url = req.url.slice(config.baseUrl.length) || '/';
        req.originalUrl = req.url;
        next();
        return;
      }
      res
        .status(404)
        .type('application/json')
        .send(JSON.stringify({ message: 'Not found', details: `Capstan is served under ${config.baseUrl}` }));
    });
  }

  app.use((req: Request, res: Response, next: NextFunction) => {
    const incoming = req.header(API_HEADERS.requestId);
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
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
        path: req.originalUrl.split('?')[0],
        status: res.statusCode,
        ms: Math.round((performance.now() - startedAt) * 10) / 10,
      });
    });
    requestContext.run({ requestId, startedAt: Date.now() }, next);
  });

  app.use(cookieParser());
  const json = express.json({ limit: JSON_BODY_LIMIT, type: ['application/json', 'application/*+json'] });
  app.use((req: Request, res: Response, next: NextFunction) => {
    json(req, res, (err?: unknown) => (err ? sendError(res, req, err, logger) : next()));
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
  const serveStatic = express.static(portalDir, {
    index: false,
    setHeaders: (res, path) => {
      // Angular's hashed bundles (chunk-AZ6TWXPC.js) are immutable; everything else is revalidated.
      res.setHeader(
        'Cache-Control',
        /-[A-Z0-9]{8}\.(js|css)$/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  // API requests never touch the file system.
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (isApiPath(req.path)) next();
    else serveStatic(req, res, next);
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isApiPath(req.path)) {
      next();
      return;
    }
    if (!existsSync(index)) {
      res
        .status(503)
        .type('text/plain')
        .send('The portal is not built. Run `npm run build` (or `npm start`, which builds it).');
      return;
    }
    res.setHeader('Content-Security-Policy', csp);
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}

function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}
