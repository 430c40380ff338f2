#!/usr/bin/env node
// The cheapest HTTPS hop in front of the Docker socket: the floor the agent pass-through is compared with (same
// process model as the agent — TLS with a self-signed P-256 certificate, a keep-alive pool to the socket, the reply
// piped as it comes — and nothing else: no signature, no routing, no header filtering).
//   PORT=… SOCKET=/var/run/docker.sock node tools/bench/min-https-proxy.mjs
import 'reflect-metadata';

import { webcrypto } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';

import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto);
const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
const cert = await x509.X509CertificateGenerator.createSelfSigned({
  serialNumber: '01',
  name: 'CN=localhost',
  notBefore: new Date(Date.now() - 60_000),
  notAfter: new Date(Date.now() + 86_400_000),
  keys,
  signingAlgorithm: alg,
});
const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
const key = `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g).join('\n')}\n-----END PRIVATE KEY-----\n`;

const socketPath = process.env.SOCKET ?? '/var/run/docker.sock';
const pool = new http.Agent({ keepAlive: true });
const server = https.createServer({ key, cert: cert.toString('pem') }, (req, res) => {
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
