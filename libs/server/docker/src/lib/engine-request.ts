import {
  request as httpRequest,
  type ClientRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import { agentHeaders, type EngineConnection } from '@capstan/server-environments';

/**
 * One raw HTTP request to an engine (unix socket, TCP, TCP+TLS with the client certificate), for the proxy and
 * the consoles. The Host header is what TLS checks the engine's certificate against: the real host for TCP.
 * Through an agent: HTTPS without verification (the agent's certificate is self-signed and regenerated at every
 * start), signed, with the target node when one is set.
 */
export function engineRequest(
  connection: EngineConnection,
  method: string,
  path: string,
  headers: OutgoingHttpHeaders,
  onResponse?: (res: IncomingMessage) => void,
): ClientRequest {
  const url = new URL(connection.url);
  const withHost = { ...headers, host: url.protocol === 'unix:' ? 'docker' : url.host };
  if (connection.agent) {
    return httpsRequest(
      {
        host: url.hostname.replace(/^\[|\]$/g, ''),
        port: Number(url.port),
        path,
        method,
        headers: { ...withHost, ...agentHeaders(connection.agent) },
        rejectUnauthorized: false,
      },
      onResponse,
    );
  }
  if (url.protocol === 'unix:')
    return httpRequest({ socketPath: url.pathname, path, method, headers: withHost }, onResponse);
  const options = {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: Number(url.port),
    path,
    method,
    headers: withHost,
    ca: connection.ca,
    cert: connection.cert,
    key: connection.key,
    rejectUnauthorized: !connection.tlsSkipVerify,
  };
  return connection.tls ? httpsRequest(options, onResponse) : httpRequest(options, onResponse);
}

const MAX_JSON_BYTES = 32 * 1024 * 1024;

/**
 * A small JSON call to the engine (inspects before an ownership check, exec lookups). Rejects when the engine
 * cannot be reached; a non-2xx answer resolves with its status and parsed body.
 */
export function engineCall(
  connection: EngineConnection,
  method: string,
  path: string,
  timeoutMs = 10_000,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = engineRequest(connection, method, path, { accept: 'application/json' }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_JSON_BYTES) res.destroy(new Error('engine answer too large'));
        else chunks.push(c);
      });
      res.on('end', () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = undefined;
        try {
          body = text ? (JSON.parse(text) as unknown) : undefined;
        } catch {
          body = { message: text.slice(0, 500) };
        }
        resolve({ status: res.statusCode ?? 502, body });
      });
      res.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end();
  });
}
