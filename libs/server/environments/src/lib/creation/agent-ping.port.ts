import { Injectable } from '@nestjs/common';
import { pingAgent, type AgentIdentity } from '../agent/agent-ping';
import { EngineConnections } from '../engine/engine-connections';

/** The agent's public `GET /ping` as a port, so the agent strategy's rules are tested without a network. */
export abstract class AgentPingPort {
  abstract ping(url: string, timeoutMs: number): Promise<AgentIdentity>;
}

@Injectable()
export class HttpsAgentPing extends AgentPingPort {
  constructor(private readonly engines: EngineConnections) {
    super();
  }

  ping(url: string, timeoutMs: number): Promise<AgentIdentity> {
    return pingAgent(this.engines, url, timeoutMs);
  }
}
