import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import {
  CapstanLogger,
  ConfigError,
  loadConfig,
  MAX_PATH_PARAM_LENGTH,
  prepareDataDir,
  sendError,
  WebSocketRoutes,
} from '@capstan/server-core';
import { AppModule } from './app/app.module';
import { configureHttpPipeline, frontHandler, JSON_BODY_LIMIT_BYTES } from './app/http-pipeline';
import { buildOpenApi } from './app/openapi';
import { loadOrCreateTls } from './app/tls';

async function main(): Promise<void> {
  const openapiOut = argValue('--openapi');
  let config;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const logger = new CapstanLogger(openapiOut ? 'error' : config.logLevel, config.logFormat);

  if (openapiOut !== undefined) {
    // Preview mode builds the route table without connecting to databases.
    const app = await NestFactory.create<NestFastifyApplication>(
      AppModule.register({ config, logger, secretKey: 'openapi-generation-only-key' }),
      new FastifyAdapter(),
      { logger, preview: true },
    );
    app.setGlobalPrefix('api');
    writeFileSync(openapiOut, JSON.stringify(buildOpenApi(app), null, 2) + '\n');
    await app.close();
    return;
  }

  const secretKey = prepareDataDir(config);
  const tls = await loadOrCreateTls(config);
  // Fastify routes requests; the HTTP and HTTPS servers are ours, both in front of it.
  const servers: { server: Server; https: boolean }[] = [];
  let route: RequestListener | undefined;
  const front = frontHandler(config, logger, (req, res) => route?.(req, res));
  const adapter = new FastifyAdapter({
    bodyLimit: JSON_BODY_LIMIT_BYTES,
    maxParamLength: MAX_PATH_PARAM_LENGTH,
    // Errors the router raises before any route (bad percent-encoding, an over-long `:param`): the same
    // `{message, details}` body as every other error, not Fastify's own shape.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) =>
      sendError(reply, request, error, logger),
    trustProxy: false,
    return503OnClosing: true,
    serverFactory: (handler: RequestListener) => {
      route = handler;
      if (!config.httpDisabled) servers.push({ server: createHttpServer(front), https: false });
      servers.push({ server: createHttpsServer({ cert: tls.cert, key: tls.key }, front), https: true });
      return servers[0].server;
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register({ config, logger, secretKey }),
    adapter,
    // The HTTP pipeline installs its own JSON parser.
    { logger, abortOnError: false, bodyParser: false },
  );
  app.setGlobalPrefix('api');
  await configureHttpPipeline(app, config, () => buildOpenApi(app));
  await app.init();
  await app.getHttpAdapter().getInstance().ready();

  // WebSocket upgrades bypass Fastify: they go to the one table of WebSocket routes, which the modules fill.
  const websockets = app.get(WebSocketRoutes);
  for (const { server } of servers) server.on('upgrade', websockets.handleUpgrade.bind(websockets));

  const urls: string[] = [];
  for (const { server, https } of servers) {
    const port = https ? config.httpsPort : config.httpPort;
    await listen(server, port, config.bindAddress);
    urls.push(
      `${https ? 'https' : 'http'}://${hostFor(config.bindAddress)}:${port}${config.baseUrl}${https && tls.selfSigned ? ' (self-signed)' : ''}`,
    );
  }
  logger.write('info', `Capstan is ready on ${urls.join(' and ')}`, {
    dataDir: config.dataDir,
    database: config.databaseUrl ? 'postgres' : 'sqlite',
  });

  const shutdown = (signal: string): void => {
    logger.write('info', `received ${signal}, shutting down`);
    for (const { server } of servers) {
      server.close();
      server.closeIdleConnections();
    }
    void app.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

function listen(server: Server, port: number, host: string): Promise<Server> {
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 0; // Streams (logs, pulls, exports) may run long.
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new Error(e.code === 'EADDRINUSE' ? `Port ${port} on ${host} is already in use` : e.message)),
    );
    server.listen(port, host, () => resolve(server));
  });
}

function hostFor(bind: string): string {
  return bind === '0.0.0.0' || bind === '::' ? 'localhost' : bind.includes(':') ? `[${bind}]` : bind;
}

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i === -1 ? undefined : (process.argv[i + 1] ?? '/dev/stdout');
}

main().catch((e: unknown) => {
  // Configuration errors exit earlier with their own message; anything else deserves its stack.
  process.stderr.write(
    `Capstan failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
  );
  process.exit(1);
});
