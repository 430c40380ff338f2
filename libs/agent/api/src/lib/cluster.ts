import { AgentMember } from '@capstan/contracts-agent';

/**
 * The seam for Swarm cluster mode (issue 4, "Swarm cluster"): an implementation keeps the live member list.
 * Without one the agent runs standalone: `/agents` answers 503 and every request is served locally.
 */
export interface ClusterMembership {
  /** Alive members, this node included. */
  members(): Promise<AgentMember[]>;
}
