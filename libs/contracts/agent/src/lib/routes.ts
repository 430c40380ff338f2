/**
 * The agent's route table (Portainer agent protocol §1.1, §1.3) and the dispatch rule both sides share: what an
 * incoming path is (an agent route, the edge-key route, or Docker pass-through). `fixtures/routes.json` lists the
 * same table for the tests.
 */
export type AgentRouteName =
  | 'ping'
  | 'agents'
  | 'hostInfo'
  | 'browseLs'
  | 'browseGet'
  | 'browseDelete'
  | 'browseRename'
  | 'browsePut'
  | 'dockerHub'
  | 'websocketAttach'
  | 'websocketExec';

/** The routes served on a WebSocket upgrade (`websocket: true` in the table); the others are plain HTTP. */
export const AGENT_WEBSOCKET_ROUTES = [
  'websocketAttach',
  'websocketExec',
] as const satisfies readonly AgentRouteName[];
export type AgentWebSocketRouteName = (typeof AGENT_WEBSOCKET_ROUTES)[number];
export type AgentHttpRouteName = Exclude<AgentRouteName, AgentWebSocketRouteName>;

export function isAgentWebSocketRoute(name: AgentRouteName): name is AgentWebSocketRouteName {
  return (AGENT_WEBSOCKET_ROUTES as readonly AgentRouteName[]).includes(name);
}

export type AgentPrefix = '' | '/v1' | '/v2';

export interface AgentRoute {
  name: AgentRouteName;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below the version prefix. */
  path: string;
  prefixes: readonly AgentPrefix[];
  /** false only for the public ping. */
  signed: boolean;
  websocket?: true;
}

const ALL: readonly AgentPrefix[] = ['', '/v1', '/v2'];
const V2: readonly AgentPrefix[] = ['', '/v2'];

export const AGENT_ROUTES: readonly AgentRoute[] = [
  { name: 'ping', method: 'GET', path: '/ping', prefixes: V2, signed: false },
  { name: 'agents', method: 'GET', path: '/agents', prefixes: ALL, signed: true },
  { name: 'hostInfo', method: 'GET', path: '/host/info', prefixes: ALL, signed: true },
  { name: 'browseLs', method: 'GET', path: '/browse/ls', prefixes: V2, signed: true },
  { name: 'browseGet', method: 'GET', path: '/browse/get', prefixes: V2, signed: true },
  { name: 'browseDelete', method: 'DELETE', path: '/browse/delete', prefixes: V2, signed: true },
  { name: 'browseRename', method: 'PUT', path: '/browse/rename', prefixes: V2, signed: true },
  { name: 'browsePut', method: 'POST', path: '/browse/put', prefixes: V2, signed: true },
  { name: 'dockerHub', method: 'POST', path: '/dockerhub', prefixes: ['/v2'], signed: true },
  {
    name: 'websocketAttach',
    method: 'GET',
    path: '/websocket/attach',
    prefixes: ALL,
    signed: true,
    websocket: true,
  },
  {
    name: 'websocketExec',
    method: 'GET',
    path: '/websocket/exec',
    prefixes: ALL,
    signed: true,
    websocket: true,
  },
];

/** First path segments each prefix routes to the agent; anything else under it goes to Docker. */
const GROUPS: Record<AgentPrefix, readonly string[]> = {
  '': ['ping', 'agents', 'host', 'browse', 'websocket', 'kubernetes'],
  '/v2': ['ping', 'agents', 'dockerhub', 'host', 'browse', 'websocket', 'kubernetes'],
  '/v1': ['agents', 'host', 'browse', 'websocket'],
};

const V1_BROWSE = /^\/browse\/([^/]+)\/(ls|get|delete|rename|put)$/;
const V1_BROWSE_ROUTES = {
  ls: 'browseLs',
  get: 'browseGet',
  delete: 'browseDelete',
  rename: 'browseRename',
  put: 'browsePut',
} as const;

export type AgentDispatch =
  /** An agent route; `volumeId` is set by the v1 browse form `/v1/browse/{volumeID}/{op}`. */
  | { kind: 'route'; route: AgentRoute; prefix: AgentPrefix; volumeId?: string }
  /** `/key*`: the Edge key routes, answered before any agent header is set. */
  | { kind: 'key' }
  /** `/kubernetes*` (the Kubernetes API proxy and stack deploy). */
  | { kind: 'kubernetes' }
  | { kind: 'notFound' }
  | { kind: 'methodNotAllowed'; allow: string }
  /** Docker Engine API pass-through with this path (version prefix removed). */
  | { kind: 'docker'; path: string };

/**
 * Removes a leading Docker API version (`/v1.41`). Portainer's agent removes it anywhere in the path; only the
 * start is a version, the rest may be a name.
 */
export function stripDockerApiVersion(path: string): string {
  const stripped = path.replace(/^\/v\d+\.\d+(?=\/|$)/, '');
  return stripped === '' ? '/' : stripped;
}

/** Where a request goes, from its method and path (without the query string). */
export function dispatchAgentRequest(method: string, rawPath: string): AgentDispatch {
  const path = stripDockerApiVersion(rawPath);
  if (path.startsWith('/key')) return { kind: 'key' };

  let prefix: AgentPrefix = '';
  if (hasSegmentPrefix(path, '/v2')) prefix = '/v2';
  else if (hasSegmentPrefix(path, '/v1')) prefix = '/v1';
  const rest = path.slice(prefix.length) || '/';
  const group = rest.split('/')[1] ?? '';
  if (!GROUPS[prefix].includes(group)) return { kind: 'docker', path };
  if (group === 'kubernetes') return { kind: 'kubernetes' };

  if (prefix === '/v1' && group === 'browse') {
    const m = V1_BROWSE.exec(rest);
    if (!m) return { kind: 'notFound' };
    const route = findRoute(V1_BROWSE_ROUTES[m[2] as keyof typeof V1_BROWSE_ROUTES]);
    if (route.method !== method) return { kind: 'methodNotAllowed', allow: route.method };
    let volumeId: string;
    try {
      volumeId = decodeURIComponent(m[1]);
    } catch {
      return { kind: 'notFound' };
    }
    return { kind: 'route', route, prefix, volumeId };
  }

  const candidates = AGENT_ROUTES.filter((r) => r.path === rest && r.prefixes.includes(prefix));
  if (candidates.length === 0) return { kind: 'notFound' };
  const route = candidates.find((r) => r.method === method);
  if (!route) return { kind: 'methodNotAllowed', allow: candidates.map((r) => r.method).join(', ') };
  return { kind: 'route', route, prefix };
}

function findRoute(name: AgentRouteName): AgentRoute {
  const route = AGENT_ROUTES.find((r) => r.name === name);
  if (!route) throw new Error(`no agent route ${name}`);
  return route;
}

function hasSegmentPrefix(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix + '/');
}
