import { AgentDispatch, AgentRouteName, isAgentWebSocketRoute } from '@capstan/contracts-agent';

import { Member, MemberTable } from './members';

/**
 * Where a request goes in a Swarm cluster (Portainer agent protocol §4.3). Pure: it reads the stripped path
 * (no /vX.Y prefix), the method, the two routing headers and the member table.
 */
export type FanOutResource = 'containers' | 'images' | 'volumes' | 'networks';

export type RouteDecision =
  | { kind: 'local' }
  | { kind: 'forward'; member: Member }
  | { kind: 'fanout'; resource: FanOutResource }
  | { kind: 'error'; status: 500; message: string; details: string };

export interface RouteInput {
  method: string;
  /** Path without query and without any /vX.Y prefix. */
  path: string;
  /** X-PortainerAgent-Target ('' when absent). */
  target: string;
  /** X-PortainerAgent-ManagerOperation ('' when absent). */
  managerOperation: string;
}

export interface LocalNode {
  nodeName: string;
  role: 'manager' | 'worker';
}

export const NO_AGENT_MESSAGE = 'The agent was unable to contact any other agent';
export const NO_MANAGER_MESSAGE = 'The agent was unable to contact any other agent located on a manager node';
export const NO_TARGET_DETAILS = 'Unable to find the targeted agent';

const MANAGER_PREFIXES = ['/services', '/tasks', '/secrets', '/configs', '/swarm', '/info', '/nodes'];

/** The fan-out resource of a request, or null. As the original: containers and images on any method. */
export function fanOutResource(method: string, path: string): FanOutResource | null {
  if (path === '/containers/json') return 'containers';
  if (path === '/images/json') return 'images';
  if (method === 'GET' && path === '/volumes') return 'volumes';
  if (method === 'GET' && path === '/networks') return 'networks';
  return null;
}

export function isManagerPath(path: string): boolean {
  return MANAGER_PREFIXES.some((p) => path.startsWith(p));
}

/** `unusable`: members to avoid when another can serve (a manager that just failed a liveness check). */
export function decideRoute(
  input: RouteInput,
  self: LocalNode,
  members: MemberTable,
  unusable?: (m: Member) => boolean,
): RouteDecision {
  if (input.managerOperation !== '') return toManager(self, members, unusable);

  const resource = fanOutResource(input.method, input.path);
  if (resource) {
    // A target naming this node asks for this node's list only; any other target is ignored (as the original).
    return input.target === self.nodeName ? { kind: 'local' } : { kind: 'fanout', resource };
  }
  if (isManagerPath(input.path)) return toManager(self, members, unusable);
  return toNode(input.target, self, members);
}

/**
 * WebSocket attach/exec (§1.5): the target must name this node or a member; an empty target is an error in
 * cluster mode (the caller must say which node holds the container).
 */
export function decideUpgradeRoute(target: string, self: LocalNode, members: MemberTable): RouteDecision {
  if (target === '')
    return { kind: 'error', status: 500, message: NO_AGENT_MESSAGE, details: NO_TARGET_DETAILS };
  return toNode(target, self, members);
}

/** For routes served by the agent itself (browse, host info): empty or local target is local. */
export function toNode(target: string, self: LocalNode, members: MemberTable): RouteDecision {
  if (target === '' || target === self.nodeName) return { kind: 'local' };
  const member = members.byNodeName(target);
  if (!member) return { kind: 'error', status: 500, message: NO_AGENT_MESSAGE, details: NO_TARGET_DETAILS };
  return { kind: 'forward', member };
}

/**
 * The agent's own routes that run on the node the request targets (protocol §4.3 point 3): host info and the
 * volume browser. `/agents`, `/v2/dockerhub` and the ping are answered by whichever agent receives them.
 */
export const NODE_ROUTES: ReadonlySet<AgentRouteName> = new Set<AgentRouteName>([
  'hostInfo',
  'browseLs',
  'browseGet',
  'browseDelete',
  'browseRename',
  'browsePut',
]);

export interface AgentRequestInput {
  /** The request as the contract's dispatch reads it (`dispatchAgentRequest`). */
  dispatch: AgentDispatch;
  method: string;
  /** X-PortainerAgent-Target ('' when absent). */
  target: string;
  /** X-PortainerAgent-ManagerOperation ('' when absent). */
  managerOperation: string;
}

/**
 * Where a signed request to the agent API goes in cluster mode: Docker calls by `decideRoute` (fan-out, manager,
 * target node), host info and browse to their target node, everything else here (the agent's own routes, the
 * edge key, unknown routes, which this node refuses itself).
 */
export function placeAgentRequest(
  input: AgentRequestInput,
  self: LocalNode,
  members: MemberTable,
  unusable?: (m: Member) => boolean,
): RouteDecision {
  const d = input.dispatch;
  if (d.kind === 'docker') {
    const { method, target, managerOperation } = input;
    return decideRoute({ method, path: d.path, target, managerOperation }, self, members, unusable);
  }
  if (d.kind === 'route' && NODE_ROUTES.has(d.route.name)) return toNode(input.target, self, members);
  return { kind: 'local' };
}

/**
 * A signed upgrade: WebSocket attach/exec run on their target node (`decideUpgradeRoute`); a Docker API upgrade
 * (attach, exec start, session) goes where the same Docker request would (`decideRoute`: the target node, a
 * manager for manager paths, avoiding `unusable` managers as requests do; an upgrade is never fanned out, a list
 * path is served here); any other is refused here.
 */
export function placeAgentUpgrade(
  input: AgentRequestInput,
  self: LocalNode,
  members: MemberTable,
  unusable?: (m: Member) => boolean,
): RouteDecision {
  const d = input.dispatch;
  if (d.kind === 'route' && isAgentWebSocketRoute(d.route.name))
    return decideUpgradeRoute(input.target, self, members);
  if (d.kind === 'docker') {
    const { method, target, managerOperation } = input;
    const decision = decideRoute({ method, path: d.path, target, managerOperation }, self, members, unusable);
    return decision.kind === 'fanout' ? { kind: 'local' } : decision;
  }
  return { kind: 'local' };
}

/** What a peer is sent for a forwarded or fanned-out request: a Docker call without its version prefix. */
export function peerPath(dispatch: AgentDispatch, url: string): string {
  if (dispatch.kind !== 'docker') return url;
  const q = url.indexOf('?');
  return dispatch.path + (q < 0 ? '' : url.slice(q));
}

function toManager(self: LocalNode, members: MemberTable, unusable?: (m: Member) => boolean): RouteDecision {
  if (self.role === 'manager') return { kind: 'local' };
  const member = members.manager(unusable);
  if (!member)
    return { kind: 'error', status: 500, message: NO_MANAGER_MESSAGE, details: 'No manager agent found' };
  return { kind: 'forward', member };
}
