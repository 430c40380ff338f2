import { Permission, ResourceControlType } from '@capstan/contracts-api';
import { dispatchAgentRequest, stripDockerApiVersion } from '@capstan/contracts-agent';
import type { EnvironmentAccess } from '@capstan/server-rbac';

/**
 * What one Docker Engine API call is, for roles and ownership (reference §1.16). Pure: unit-tested.
 *
 * Roles fall in three groups, told apart by catalog permissions (never by role id):
 * - full (`environment:resources:manage-all`: administrators, environment administrators): everything,
 *   nothing filtered;
 * - read-all (`environment:resources:read-all`: Operator, Helpdesk): every resource visible, the actions their
 *   permissions name (lifecycle, consoles);
 * - filtered (neither: Standard user, Read-only user): only resources whose resource control grants them access.
 */
export type RoleScope = 'full' | 'read-all' | 'filtered';

export type OwnedType =
  | ResourceControlType.Container
  | ResourceControlType.Service
  | ResourceControlType.Volume
  | ResourceControlType.Network
  | ResourceControlType.Secret
  | ResourceControlType.Config;

/** Tasks are not owned themselves: they are seen through their service's (or stack's) control. */
export type ListedType = OwnedType | 'task';

export type EngineOperation =
  | { kind: 'list'; type: ListedType }
  | { kind: 'inspect'; type: ListedType; id: string }
  | { kind: 'create'; type: OwnedType }
  /** Any other call on one resource: `write` for POST/PUT/DELETE; `remove` for DELETE. */
  | {
      kind: 'resource';
      type: OwnedType | 'task';
      id: string;
      write: boolean;
      remove: boolean;
      action: string;
    }
  /** exec create / attach on a container, and `/exec/{id}/*` (the exec's container is looked up). */
  | { kind: 'console'; containerId: string }
  | { kind: 'exec'; execId: string; action: string }
  | { kind: 'prune' }
  | { kind: 'swarm-read' }
  | { kind: 'nodes-list' }
  | { kind: 'events' }
  | { kind: 'disk-usage' }
  /** Images, build, registry auth, info, version, ping, distribution, plugin lists: not owned. */
  | { kind: 'shared'; write: boolean }
  | { kind: 'commit'; containerId: string }
  /**
   * The agent's file browser (`/browse/*`, `/v2/browse/*`, `/v1/browse/{volumeID}/*`): a volume's files when
   * `volumeId` is set, else the host's. `ls` and `get` read; `put`, `delete` and `rename` write.
   */
  | { kind: 'browse'; volumeId: string | undefined; write: boolean }
  /** The agent's Docker Hub rate limits (`POST /v2/dockerhub`; `GET /v2/dockerhub/{registryId}` from clients). */
  | { kind: 'dockerhub'; registryId?: number }
  /**
   * The agent's read-only facts (`GET /v2/agents`, `/v1/agents`, `/agents`: the Swarm member list;
   * `GET /v2/host/info`, `/host/info`: PCI devices and physical disks of the node). Nothing owned.
   */
  | { kind: 'agent-info'; route: 'agents' | 'hostInfo' }
  /** Swarm and node management, plugins, BuildKit sessions, anything unknown. */
  | { kind: 'admin' };

const READ = new Set(['GET', 'HEAD']);
const LIFECYCLE = new Set(['start', 'stop', 'restart', 'kill', 'pause', 'unpause', 'wait', 'resize']);
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_.@:+-]{0,254}$/;

const COLLECTIONS: Readonly<Record<string, OwnedType>> = {
  containers: ResourceControlType.Container,
  services: ResourceControlType.Service,
  volumes: ResourceControlType.Volume,
  networks: ResourceControlType.Network,
  secrets: ResourceControlType.Secret,
  configs: ResourceControlType.Config,
};

/** Strips `/v1.41`-style prefixes, only at the start of the path. */
export function engineRoute(path: string): string {
  return path.replace(/^\/v\d+(\.\d+)?(?=\/)/, '');
}

export function roleScope(access: EnvironmentAccess): RoleScope {
  if (access.managesEveryResource) return 'full';
  return access.seesEveryResource ? 'read-all' : 'filtered';
}

/** What the proxy knows beyond the call itself, for the agent's routes. */
export interface CallContext {
  /** The request's query (the browse routes name their volume in `volumeID`). */
  readonly query?: URLSearchParams;
  /** The environment is an agent (type 2): `/browse` and `/dockerhub` are the agent's, not the engine's. */
  readonly agent?: boolean;
  /** The environment's AllowVolumeBrowserForRegularUsers. */
  readonly allowVolumeBrowserForRegularUsers?: boolean;
  /** The environment's EnableHostManagementFeatures: the host's files (agent `/browse` without a volume). */
  readonly enableHostManagementFeatures?: boolean;
  /** The call's `classify` when the caller already has it (the proxy classifies a request once). */
  readonly op?: EngineOperation;
}

const BROWSE_READS = new Set(['browseLs', 'browseGet']);
const DOCKERHUB_REGISTRY = /^\/v2\/dockerhub\/(\d{1,10})$/;

/** The agent's own routes a Docker proxy call may name (the route table of @capstan/contracts-agent). */
function agentOperation(method: string, path: string, query?: URLSearchParams): EngineOperation | undefined {
  const hub = DOCKERHUB_REGISTRY.exec(stripDockerApiVersion(path));
  if (hub) return method === 'GET' ? { kind: 'dockerhub', registryId: Number(hub[1]) } : { kind: 'admin' };
  const d = dispatchAgentRequest(method, path);
  if (d.kind !== 'route') return undefined;
  if (d.route.name === 'dockerHub') return { kind: 'dockerhub' };
  if (d.route.name === 'agents' || d.route.name === 'hostInfo')
    return { kind: 'agent-info', route: d.route.name };
  if (!d.route.name.startsWith('browse')) return undefined;
  const volumeId = d.volumeId ?? query?.get('volumeID') ?? '';
  return {
    kind: 'browse',
    volumeId: volumeId === '' ? undefined : volumeId,
    write: !BROWSE_READS.has(d.route.name),
  };
}

export function classify(method: string, path: string, query?: URLSearchParams): EngineOperation {
  const agentOp = agentOperation(method, path, query);
  if (agentOp) return agentOp;
  const route = engineRoute(path);
  const parts = route.split('/').slice(1);
  // Dot segments and odd characters never reach the engine as something else than they look.
  if (parts.some((p) => p === '..' || p === '.')) return { kind: 'admin' };
  const [head = '', id, action, ...rest] = parts;
  const read = READ.has(method);
  const collection = COLLECTIONS[head];
  if (collection !== undefined) {
    if (id === undefined || id === '' || (id === 'json' && head === 'containers')) {
      return read ? { kind: 'list', type: collection } : { kind: 'admin' };
    }
    if (id === 'create' && action === undefined)
      return method === 'POST' ? { kind: 'create', type: collection } : { kind: 'admin' };
    if (id === 'prune' && action === undefined) return { kind: 'prune' };
    if (!SEGMENT.test(id)) return { kind: 'admin' };
    const inspect = head === 'containers' ? action === 'json' && rest.length === 0 : action === undefined;
    if (read && inspect) return { kind: 'inspect', type: collection, id };
    if (
      head === 'containers' &&
      (action === 'exec' || action === 'attach') &&
      (rest.length === 0 || (action === 'attach' && rest.join('/') === 'ws'))
    ) {
      return { kind: 'console', containerId: id };
    }
    return {
      kind: 'resource',
      type: collection,
      id,
      write: !read,
      remove: method === 'DELETE' && action === undefined,
      action: [action, ...rest].filter((s) => s !== undefined).join('/'),
    };
  }
  switch (head) {
    case 'tasks':
      if (!read) return { kind: 'admin' };
      if (id === undefined || id === '') return { kind: 'list', type: 'task' };
      if (!SEGMENT.test(id)) return { kind: 'admin' };
      return action === undefined
        ? { kind: 'inspect', type: 'task', id }
        : { kind: 'resource', type: 'task', id, write: false, remove: false, action };
    case 'exec':
      if (id === undefined || !SEGMENT.test(id) || action === undefined || rest.length > 0)
        return { kind: 'admin' };
      return { kind: 'exec', execId: id, action };
    case 'swarm':
      return read && id === undefined ? { kind: 'swarm-read' } : { kind: 'admin' };
    case 'nodes':
      return read && (id === undefined || id === '') ? { kind: 'nodes-list' } : { kind: 'admin' };
    case 'events':
      return read ? { kind: 'events' } : { kind: 'admin' };
    case 'system':
      return read && id === 'df' ? { kind: 'disk-usage' } : { kind: 'admin' };
    case 'images':
    case 'build':
      if (id === 'prune') return { kind: 'prune' };
      return { kind: 'shared', write: !read };
    case 'commit':
      return method === 'POST' ? { kind: 'commit', containerId: '' } : { kind: 'admin' };
    case 'info':
    case 'version':
    case '_ping':
    case 'distribution':
      return read ? { kind: 'shared', write: false } : { kind: 'admin' };
    case 'auth':
      return method === 'POST' ? { kind: 'shared', write: false } : { kind: 'admin' };
    case 'plugins':
      return read ? { kind: 'shared', write: false } : { kind: 'admin' };
    default:
      return { kind: 'admin' };
  }
}

/** A refusal: `reason` goes to `details`; `message` (default "Access denied to resource") when more precise. */
export type ProxyDecision = { allowed: true } | { allowed: false; reason: string; message?: string };

const ALLOW: ProxyDecision = { allowed: true };
const deny = (reason: string, message?: string): ProxyDecision =>
  message ? { allowed: false, reason, message } : { allowed: false, reason };

export const HOST_MANAGEMENT_OFF: ProxyDecision = deny(
  "The environment's security setting EnableHostManagementFeatures is off: the host's files cannot be browsed",
  'Host management features are disabled on this environment',
);

const HOST_FILES_ADMIN_ONLY = "Only administrators can browse the host's files";

export const VOLUME_BROWSER_OFF: ProxyDecision = deny(
  "The environment's security setting AllowVolumeBrowserForRegularUsers is off: only administrators can " +
    'browse volumes',
  'Volume browsing is disabled for regular users on this environment',
);

/**
 * The role part of the decision, from the caller's access (`AccessService`); ownership of the resource is
 * checked afterwards, for filtered roles.
 */
export function decide(
  access: EnvironmentAccess,
  method: string,
  path: string,
  call: CallContext = {},
): ProxyDecision {
  const scope = roleScope(access);
  const op = call.op ?? classify(method, path, call.query);
  if (op.kind === 'browse' && op.volumeId !== undefined && call.agent) {
    // Portainer checks the setting for every user but administrators, environment administrators included.
    const browse = access.volumeBrowse(true, call.allowVolumeBrowserForRegularUsers ?? false);
    if (browse === 'none') return VOLUME_BROWSER_OFF;
    if (op.write && browse === 'read') return deny(access.refusal);
    return ALLOW;
  }
  if (op.kind === 'browse' && op.volumeId === undefined && call.agent) {
    // The host's files: administrators (the agent also wants the server's word for it), and only where the
    // environment's host management features are on — the portal hides the page otherwise, the API refuses.
    if (!access.administrator) return deny(HOST_FILES_ADMIN_ONLY);
    return call.enableHostManagementFeatures ? ALLOW : HOST_MANAGEMENT_OFF;
  }
  if (scope === 'full') return ALLOW;
  const read = READ.has(method);
  const allowIf = (permission: Permission, reason = access.refusal) =>
    access.can(permission) ? ALLOW : deny(reason);
  switch (op.kind) {
    case 'browse':
      // Host browsing (no volumeID) is for administrators; on a plain engine /browse is nobody's route.
      return deny(
        op.volumeId === undefined ? HOST_FILES_ADMIN_ONLY : 'Only agent environments have a volume browser',
      );
    case 'dockerhub':
      // The node's Docker Hub pull limits: a read for anyone who may use the environment.
      return ALLOW;
    case 'agent-info':
      // The member list is what every Swarm page needs to name nodes (node picker, per-node views), and the
      // host's PCI devices and disks are hardware facts of the same kind as /info (OS, kernel, CPUs, memory,
      // Docker root dir), which every role reads: both are shared reads, as in Portainer, whose proxy passes
      // every /v2 agent route but /browse through for anyone with access. Host *files* stay administrators'.
      return ALLOW;
    case 'prune':
      return deny('Only administrators can prune resources');
    case 'admin':
      return deny('Only administrators can do this');
    case 'list':
    case 'inspect':
    case 'swarm-read':
    case 'nodes-list':
      return allowIf(Permission.ResourcesRead);
    case 'events':
    case 'disk-usage':
      return allowIf(
        Permission.ResourcesReadAll,
        'Lists every resource of the environment; use the filtered lists (or /api/websocket/events)',
      );
    case 'console':
    case 'exec':
      return allowIf(Permission.ContainerConsole, 'Read-only users have no console');
    case 'shared':
      return op.write ? allowIf(Permission.ResourcesCreate) : ALLOW;
    case 'create':
    case 'commit':
      return allowIf(Permission.ResourcesCreate);
    case 'resource':
      if (read || !op.write) return allowIf(Permission.ResourcesRead);
      if (access.can(Permission.ResourcesManageOwned)) return ALLOW;
      if (op.type === ResourceControlType.Container && method === 'POST' && LIFECYCLE.has(op.action)) {
        return allowIf(Permission.ContainerLifecycle);
      }
      return deny(access.refusal);
  }
}
