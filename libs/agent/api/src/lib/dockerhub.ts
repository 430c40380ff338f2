import { IncomingMessage, ServerResponse } from 'node:http';

import { DockerHubRateLimits } from '@capstan/contracts-agent';

import { AgentHttpError, messageOf, readJsonObject, sendJson } from './http-util';

export interface DockerHubEndpoints {
  auth: string;
  registry: string;
}

export const DOCKER_HUB: DockerHubEndpoints = {
  auth: 'https://auth.docker.io',
  registry: 'https://registry-1.docker.io',
};

const TIMEOUT_MS = 3_000;

/**
 * `POST /v2/dockerhub`: the Docker Hub pull rate limits as this node sees them (anonymous, or for the given
 * account), read from the `ratelimit-*` headers of a HEAD on Docker's preview repository.
 */
export async function dockerHubRateLimits(
  req: IncomingMessage,
  res: ServerResponse,
  hub: DockerHubEndpoints = DOCKER_HUB,
): Promise<void> {
  const body = await readJsonObject(req);
  const authentication = body.get('authentication') ?? false;
  if (typeof authentication !== 'boolean')
    throw new AgentHttpError('invalidPayload', 'Invalid authentication flag');
  const username = body.get('username');
  const password = body.get('password');
  if (authentication) {
    if (typeof username !== 'string' || !username)
      throw new AgentHttpError('invalidPayload', 'Invalid username');
    if (typeof password !== 'string' || !password)
      throw new AgentHttpError('invalidPayload', 'Invalid password');
  }

  let limits: DockerHubRateLimits | null;
  try {
    const headers: Record<string, string> = {};
    if (authentication) {
      headers['authorization'] =
        `Basic ${Buffer.from(`${String(username)}:${String(password)}`).toString('base64')}`;
    }
    const tokenReply = await fetch(
      `${hub.auth}/token?service=registry.docker.io&scope=repository:ratelimitpreview/test:pull`,
      { headers, signal: AbortSignal.timeout(TIMEOUT_MS) },
    );
    if (!tokenReply.ok) throw new Error(`Docker Hub authentication answered ${tokenReply.status}`);
    const { token } = (await tokenReply.json()) as { token?: string };
    const head = await fetch(`${hub.registry}/v2/ratelimitpreview/test/manifests/latest`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${token ?? ''}` },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const limit = parseLimit(head.headers.get('ratelimit-limit'));
    const remaining = parseLimit(head.headers.get('ratelimit-remaining'));
    limits = limit === null || remaining === null ? null : { remaining, limit };
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    throw new AgentHttpError(
      'dockerHubUnreachable',
      cause ? `${messageOf(err)}: ${messageOf(cause)}` : messageOf(err),
    );
  }
  sendJson(res, limits);
}

/** `100;w=21600` → 100. */
function parseLimit(value: string | null): number | null {
  const m = value ? /^(\d+)/.exec(value.trim()) : null;
  return m ? Number(m[1]) : null;
}
