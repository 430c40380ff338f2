import { Injectable } from '@nestjs/common';
import { pingAgent, type AgentIdentity } from '../agent/agent-ping';

/** The agent's public `GET /ping` as a port, so the agent strategy's rules are tested without a network. */
export abstract class AgentPingPort {
  abstract ping(url: string, timeoutMs: number): Promise<AgentIdentity>;
}

@Injectable()
export class HttpsAgentPing extends AgentPingPort {
  ping(url: string, timeoutMs: number): Promise<AgentIdentity> {
    return pingAgent(url, timeoutMs);
  }
}
