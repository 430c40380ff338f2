import { IncomingMessage, ServerResponse } from 'node:http';
import { Duplex } from 'node:stream';

import { AgentDispatch, AgentMember } from '@capstan/contracts-agent';

import { AgentRouterStep } from './router';

/**
 * The seam for Swarm cluster mode (issue 4, "Swarm cluster"), implemented by `AgentCluster` of
 * `@capstan/agent-cluster`, which holds the routing policy: it keeps the live member list and decides which node
 * serves a request. Without one the agent runs standalone: `/agents` answers 503 and every request is served
 * locally.
 */
export interface ClusterRouting {
  /** Alive members, this node included. */
  members(): AgentMember[] | Promise<AgentMember[]>;
  /** This node's identity, added to its public ping for its peers. */
  pingHeaders(): Record<string, string>;
  /** A signed request: `true` when it was forwarded, fanned out or refused; `false` = serve it here. */
  routeRequest(req: IncomingMessage, res: ServerResponse, dispatch: AgentDispatch, url: string): boolean;
  /** A signed upgrade: the same contract. */
  routeUpgrade(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    dispatch: AgentDispatch,
    url: string,
  ): boolean;
}

/**
 * The cluster as a step of the agent router, after the signature step: nothing unverified leaves this node. The
 * public ping gets this node's identity headers and is answered here.
 */
export function clusterStep(cluster: ClusterRouting): AgentRouterStep {
  return {
    request: (call, res) => {
      if (call.ping) {
        for (const [name, value] of Object.entries(cluster.pingHeaders())) res.setHeader(name, value);
        return false;
      }
      if (call.public) return false;
      return cluster.routeRequest(call.req, res, call.dispatch, call.url);
    },
    upgrade: (call, socket, head) => cluster.routeUpgrade(call.req, socket, head, call.dispatch, call.url),
  };
}
