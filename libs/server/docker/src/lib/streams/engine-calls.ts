import type { ClientRequest, IncomingMessage } from 'node:http';
import { BadGatewayError, NotFoundError } from '@capstan/server-core';
import type { EngineConnection } from '@capstan/server-environments';
import { engineCall, engineRequest } from '../engine-request';

/** A short engine call answered with JSON (inspect, ping). 404 → NotFoundError; other failures → 502. */
export async function engineJson<T>(
  connection: EngineConnection,
  path: string,
  notFound: string,
): Promise<T> {
  let answer: { status: number; body: unknown };
  try {
    answer = await engineCall(connection, 'GET', path);
  } catch (e) {
    throw new BadGatewayError(
      'Unable to reach the Docker engine',
      `${connection.url}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const message = (answer.body as { message?: unknown } | undefined)?.message;
  const details = typeof message === 'string' ? message : '';
  if (answer.status === 404) throw new NotFoundError(notFound, details);
  if (answer.status < 200 || answer.status >= 300)
    throw new BadGatewayError('The engine refused the request', details);
  return (answer.body ?? null) as T;
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
