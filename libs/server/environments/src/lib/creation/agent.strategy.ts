import { Injectable } from '@nestjs/common';
import { EndpointCreationType, EnvironmentType } from '@capstan/contracts-api';
import { UnprocessableError } from '@capstan/server-core';
import { AgentKeysService } from '../agent/agent-keys.service';
import { normaliseAgentUrl } from '../agent/agent-ping';
import { DockerPort } from '../engine/engine-reader';
import { AgentPingPort } from './agent-ping.port';
import {
  CreationStrategy,
  PING_TIMEOUT_MS,
  type CheckedUrl,
  type CreateEnvironmentInput,
  type EnvironmentDraft,
} from './creation-strategy';

/**
 * `EndpointCreationType` 2, the classic agent: `GET /ping` must answer as an agent (version and platform kept),
 * then one signed call checks that the agent accepts this server's key (an agent pins the first server key it
 * verifies, or runs with AGENT_SECRET).
 */
@Injectable()
export class AgentCreation extends CreationStrategy {
  readonly creationType = EndpointCreationType.Agent;
  readonly environmentType = EnvironmentType.Agent;

  constructor(
    private readonly pinger: AgentPingPort,
    private readonly docker: DockerPort,
    private readonly agentKeys: AgentKeysService,
  ) {
    super();
  }

  draft(input: CreateEnvironmentInput): EnvironmentDraft {
    return {
      type: EnvironmentType.Agent,
      url: normaliseAgentUrl(input.URL),
      containerEngine: 'docker',
      tls: true,
      tlsSkipVerify: true,
    };
  }

  async probe(draft: EnvironmentDraft): Promise<EnvironmentDraft> {
    return { ...draft, agentVersion: await this.check(draft.url) };
  }

  /** A moved agent is checked like a new one (reachable, an agent, accepts this server's key). */
  async checkUrl(raw: string, current: CheckedUrl): Promise<CheckedUrl> {
    const url = normaliseAgentUrl(raw);
    if (url === current.url) return current;
    return { url, agentVersion: await this.check(url) };
  }

  private async check(url: string): Promise<string> {
    const identity = await this.pinger.ping(url, PING_TIMEOUT_MS);
    const client = this.docker.connect({
      url,
      tls: true,
      tlsSkipVerify: true,
      timeoutMs: PING_TIMEOUT_MS,
      agent: { headers: this.agentKeys.headers() },
    });
    try {
      await client.version();
    } catch (e) {
      const status = (e as { statusCode?: unknown }).statusCode;
      throw new UnprocessableError(
        status === 403
          ? 'The agent refused the server signature'
          : 'Unable to reach the Docker engine through the agent',
        status === 403
          ? `${url} is associated with another server's key or runs with a different AGENT_SECRET`
          : `${url}: ${e instanceof Error ? e.message : String(e)}`.slice(0, 500),
      );
    }
    return identity.version;
  }
}
