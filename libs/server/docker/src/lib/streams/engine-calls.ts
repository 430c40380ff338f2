import { BadGatewayError, NotFoundError } from '@capstan/server-core';
import type { EngineClient } from '@capstan/server-environments';

/** A short engine call answered with JSON (inspect, ping). 404 → NotFoundError; other failures → 502. */
export async function engineJson<T>(engine: EngineClient, path: string, notFound: string): Promise<T> {
  let answer: { status: number; body: unknown };
  try {
    answer = await engine.call('GET', path);
  } catch (e) {
    throw new BadGatewayError(
      'Unable to reach the Docker engine',
      `${engine.connection.url}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const message = (answer.body as { message?: unknown } | undefined)?.message;
  const details = typeof message === 'string' ? message : '';
  if (answer.status === 404) throw new NotFoundError(notFound, details);
  if (answer.status < 200 || answer.status >= 300)
    throw new BadGatewayError('The engine refused the request', details);
  return (answer.body ?? null) as T;
}
