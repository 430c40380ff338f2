import {
  request as httpRequest,
  type ClientRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { EngineConnection } from '@capstan/server-environments';

/**
 * One raw HTTP request to an engine (unix socket, TCP, TCP+TLS with the client certificate), for the proxy and
 * the consoles. The Host header is what TLS checks the engine's certificate against: the real host for TCP.
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
