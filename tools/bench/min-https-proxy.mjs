#!/usr/bin/env node
// The cheapest HTTPS hop in front of the Docker socket: the floor the agent pass-through is compared with (same
// process model as the agent — TLS with a self-signed P-256 certificate, a keep-alive pool to the socket, the reply
// piped as it comes — and nothing else: no signature, no routing, no header filtering).
//   PORT=… SOCKET=/var/run/docker.sock TLS_MODULE=<bundle of libs/agent/api/src/lib/tls.ts> node tools/bench/min-https-proxy.mjs
// (agent-passthrough.mjs bundles it and starts this.)
import { createRequire } from 'node:module';
import http from 'node:http';
import https from 'node:https';

// The agent's own certificate code (libs/agent/api tls.ts), bundled by the bench into TLS_MODULE.
const { createSelfSignedTls } = createRequire(import.meta.url)(process.env.TLS_MODULE);
const { key, cert } = await createSelfSignedTls('127.0.0.1');

const socketPath = process.env.SOCKET ?? '/var/run/docker.sock';
const pool = new http.Agent({ keepAlive: true });
const server = https.createServer({ key, cert }, (req, res) => {
  const up = http.request(
    { socketPath, method: req.method, path: req.url, headers: { host: 'docker' }, agent: pool },
    (reply) => {
      res.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.pipe(res);
    },
  );
  up.on('error', () => res.destroy());
  req.pipe(up);
});
server.keepAliveTimeout = 5_000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
