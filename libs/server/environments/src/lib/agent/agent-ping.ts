import { request as httpsRequest } from 'node:https';
import { AGENT_HEADERS } from '@capstan/contracts-agent';
import { BadRequestError, UnprocessableError } from '@capstan/server-core';
import { normaliseEngineUrl } from '../connection-url';
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
export function pingAgent(url: string, timeoutMs: number): Promise<AgentIdentity> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const fail = (details: string) =>
      reject(new UnprocessableError('Unable to reach the agent', `${url}: ${details}`.slice(0, 500)));
    const req = httpsRequest(
      {
        host: hostname.replace(/^\[|\]$/g, ''),
        port: Number(port),
        path: agentCall('ping').path,
        method: agentCall('ping').method,
        rejectUnauthorized: false,
        timeout: timeoutMs,
      },
      (res) => {
        res.resume();
        const version = res.headers[AGENT_HEADERS.agent.toLowerCase()];
        const platform = res.headers[AGENT_HEADERS.platform.toLowerCase()];
        if (
          res.statusCode !== 204 ||
          typeof version !== 'string' ||
          version === '' ||
          typeof platform !== 'string'
        ) {
          reject(
            new UnprocessableError(
              'The URL does not lead to a Portainer agent',
              `${url}/ping answered ${res.statusCode ?? '?'}${typeof version === 'string' ? '' : ` without the ${AGENT_HEADERS.agent} header`}`,
            ),
          );
          return;
        }
        if (platform !== AGENT_PLATFORM_DOCKER) {
          reject(
            new UnprocessableError(
              'Unsupported agent platform',
              `${url} runs an agent for platform ${platform} (only 1, Docker, is supported as environment type 2)`,
            ),
          );
          return;
        }
        resolve({ version, platform });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e) => fail(e.message));
    req.end();
  });
}
