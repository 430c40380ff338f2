import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { agentHeaders, type EngineConnection } from '@capstan/server-environments';

/** A Swarm service as `GET /services/{id}` returns it (the parts a webhook needs). */
export interface ServiceInspect {
  ID: string;
  Version: { Index: number };
  Spec: {
    Name?: string;
    Labels?: Record<string, string>;
    TaskTemplate?: { ForceUpdate?: number; ContainerSpec?: { Image?: string } } & Record<string, unknown>;
  } & Record<string, unknown>;
}

export interface EngineAnswer {
  status: number;
  body: unknown;
}

/** The two engine calls of a webhook, as a port: unit tests replace it. */
export abstract class ServiceEnginePort {
  abstract call(
    connection: EngineConnection,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<EngineAnswer>;
}

const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

/**
 * Node's HTTP client on the environment's socket, TCP or TCP+TLS (with its client certificate), or through its
 * agent (HTTPS to a self-signed certificate, signed; the agent sends /services calls to a manager).
 */
export class HttpServiceEngine extends ServiceEnginePort {
  call(
    connection: EngineConnection,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<EngineAnswer> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const url = new URL(connection.url);
    const headers: Record<string, string | number> = {
      accept: 'application/json',
      host: url.protocol === 'unix:' ? 'docker' : url.host,
      ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
    };
    const timeoutMs = connection.timeoutMs > 0 ? connection.timeoutMs : 15_000;
    return new Promise((resolve, reject) => {
      const onResponse = (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_ANSWER_BYTES) res.destroy(new Error('engine answer too large'));
          else chunks.push(c);
        });
        res.on('error', reject);
        res.on('end', () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text ? (JSON.parse(text) as unknown) : undefined;
          } catch {
            parsed = { message: text.slice(0, 500) };
          }
          resolve({ status: res.statusCode ?? 502, body: parsed });
        });
      };
      const host = url.hostname.replace(/^\[|\]$/g, '');
      const req = connection.agent
        ? httpsRequest(
            {
              host,
              port: Number(url.port),
              path,
              method,
              headers: { ...headers, ...agentHeaders(connection.agent) },
              rejectUnauthorized: false,
            },
            onResponse,
          )
        : url.protocol === 'unix:'
          ? httpRequest({ socketPath: url.pathname, path, method, headers }, onResponse)
          : (connection.tls ? httpsRequest : httpRequest)(
              {
                host,
                port: Number(url.port),
                path,
                method,
                headers,
                ca: connection.ca,
                cert: connection.cert,
                key: connection.key,
                rejectUnauthorized: !connection.tlsSkipVerify,
              },
              onResponse,
            );
      const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      req.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      req.end(payload);
    });
  }
}
