import { AGENT_HEADERS } from '@capstan/contracts-agent';
import { BadRequestError, UnprocessableError } from '@capstan/server-core';
import { normaliseEngineUrl } from '../connection-url';
import type { EngineAnswer } from '../engine/engine-client';
import type { EngineConnections } from '../engine/engine-connections';
import { agentCall } from './agent-routes';

export const AGENT_DEFAULT_PORT = 9001;
/** Portainer-Agent-Platform: 1 Docker (Podman too), 2 Kubernetes. */
export const AGENT_PLATFORM_DOCKER = '1';

export interface AgentIdentity {
  version: string;
  platform: string;
}

/**
 * An agent's URL as Portainer clients send it (`tcp://host:9001`, `host:9001`, `host`): stored as
 * `tcp://host:port`, the port defaulting to the agent's 9001. Unix sockets make no sense for an agent.
 */
export function normaliseAgentUrl(raw: string | undefined): string {
  const text = (raw ?? '').trim();
  if (text === '')
    throw new BadRequestError('Invalid environment URL', 'An agent environment needs a URL (host:9001)');
  const withScheme = /^[a-z]+:\/\//i.test(text) ? text : `tcp://${text}`;
  let withPort = withScheme;
  try {
    const url = new URL(withScheme);
    if (url.protocol !== 'unix:' && url.port === '' && url.pathname.replace(/\/$/, '') === '')
      withPort = `${url.protocol}//${url.host}:${AGENT_DEFAULT_PORT}`;
  } catch {
    // normaliseEngineUrl names the problem
  }
  const url = normaliseEngineUrl(withPort);
  if (!url.startsWith('tcp://'))
    throw new BadRequestError('Invalid environment URL', 'An agent is reached over TCP: tcp://host:9001');
  return url;
}

/**
 * Portainer's GetAgentVersionAndPlatform: `GET https://host:port/ping` (public, certificate not verified: the
 * agent's is self-signed and regenerated at every start) must answer 204 with the agent's headers.
 */
export async function pingAgent(
  engines: EngineConnections,
  url: string,
  timeoutMs: number,
): Promise<AgentIdentity> {
  const client = engines.client({ url, tls: true, tlsSkipVerify: true, timeoutMs, agent: { headers: {} } });
  const { method, path } = agentCall('ping');
  let answer: EngineAnswer;
  try {
    answer = await client.call(method, path);
  } catch (e) {
    throw new UnprocessableError(
      'Unable to reach the agent',
      `${url}: ${e instanceof Error ? e.message : String(e)}`.slice(0, 500),
    );
  }
  const version = answer.headers[AGENT_HEADERS.agent.toLowerCase()];
  const platform = answer.headers[AGENT_HEADERS.platform.toLowerCase()];
  if (
    answer.status !== 204 ||
    typeof version !== 'string' ||
    version === '' ||
    typeof platform !== 'string'
  ) {
    throw new UnprocessableError(
      'The URL does not lead to a Portainer agent',
      `${url}/ping answered ${answer.status}${typeof version === 'string' ? '' : ` without the ${AGENT_HEADERS.agent} header`}`,
    );
  }
  if (platform !== AGENT_PLATFORM_DOCKER) {
    throw new UnprocessableError(
      'Unsupported agent platform',
      `${url} runs an agent for platform ${platform} (only 1, Docker, is supported as environment type 2)`,
    );
  }
  return { version, platform };
}
