import type { ClientRequest, IncomingMessage } from 'node:http';
import { BadGatewayError, NotFoundError } from '@capstan/server-core';
import type { EngineConnection } from '@capstan/server-environments';
import { engineRequest } from '../engine-request';

const MAX_JSON_BYTES = 4 * 1024 * 1024;
const JSON_TIMEOUT_MS = 10_000;

/** A short engine call answered with JSON (inspect, ping). 404 → NotFoundError; other failures → 502. */
export function engineJson<T>(connection: EngineConnection, path: string, notFound: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const req = engineRequest(connection, 'GET', path, {}, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_JSON_BYTES) req.destroy(new Error('answer too large'));
        else chunks.push(c);
      });
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 502;
        if (status === 404) return reject(new NotFoundError(notFound, engineMessage(text)));
        if (status < 200 || status >= 300)
          return reject(new BadGatewayError('The engine refused the request', engineMessage(text)));
        try {
          resolve((text ? JSON.parse(text) : null) as T);
        } catch {
          reject(new BadGatewayError('The engine sent an invalid answer', text.slice(0, 200)));
        }
      });
    });
    req.setTimeout(JSON_TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${JSON_TIMEOUT_MS} ms`)));
    req.on('error', (e) =>
      reject(new BadGatewayError('Unable to reach the Docker engine', `${connection.url}: ${e.message}`)),
    );
    req.end();
  });
}

/**
 * A streamed engine call (logs, stats, events). Resolves with the response once the engine answered 2xx; the
 * body is left paused for the caller. Non-2xx answers are rejected with the engine's message.
 */
export function engineStream(
  connection: EngineConnection,
  path: string,
): { request: ClientRequest; response: Promise<IncomingMessage> } {
  let request!: ClientRequest;
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    request = engineRequest(connection, 'GET', path, {}, (res) => {
      const status = res.statusCode ?? 502;
      if (status >= 200 && status < 300) return resolve(res);
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.length < 64 && chunks.push(c));
      res.on('end', () =>
        reject(
          new BadGatewayError(
            `The engine answered ${status}`,
            engineMessage(Buffer.concat(chunks).toString('utf8')),
          ),
        ),
      );
    });
    request.on('error', (e) =>
      reject(new BadGatewayError('Unable to reach the Docker engine', `${connection.url}: ${e.message}`)),
    );
    request.end();
  });
  return { request, response };
}

/** Docker's error bodies are `{"message": "..."}`; anything else is passed as text. */
function engineMessage(text: string): string {
  try {
    const m = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof m === 'string') return m;
  } catch {
    // plain text
  }
  return text.trim().slice(0, 500);
}
