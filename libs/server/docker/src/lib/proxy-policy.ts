import { EnvironmentRoleId, ResourceControlType } from '@capstan/contracts-api';

/**
 * What one Docker Engine API call is, for roles and ownership (reference §1.16). Pure: unit-tested.
 *
 * Roles fall in three groups:
 * - full (administrators, environment administrators): everything, nothing filtered;
 * - read-all (Operator, Helpdesk): every resource visible, a fixed set of actions (lifecycle, consoles);
 * - filtered (Standard user, Read-only user): only resources whose resource control grants them access.
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

export function roleScope(roleId: EnvironmentRoleId | undefined): RoleScope {
  switch (roleId) {
    case undefined:
    case EnvironmentRoleId.EnvironmentAdministrator:
      return 'full';
    case EnvironmentRoleId.Operator:
    case EnvironmentRoleId.Helpdesk:
      return 'read-all';
    case EnvironmentRoleId.StandardUser:
    case EnvironmentRoleId.ReadOnlyUser:
      return 'filtered';
  }
}

export function classify(method: string, path: string): EngineOperation {
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

export type ProxyDecision = { allowed: true } | { allowed: false; reason: string };

const ALLOW: ProxyDecision = { allowed: true };
const deny = (reason: string): ProxyDecision => ({ allowed: false, reason });

/**
 * The role part of the decision (ownership of the resource is checked afterwards, for filtered roles).
 */
export function decide(roleId: EnvironmentRoleId | undefined, method: string, path: string): ProxyDecision {
  const scope = roleScope(roleId);
  if (scope === 'full') return ALLOW;
  const op = classify(method, path);
  const read = READ.has(method);
  switch (op.kind) {
    case 'prune':
      return deny('Only administrators can prune resources');
    case 'admin':
      return deny('Only administrators can do this');
    case 'list':
    case 'inspect':
    case 'swarm-read':
    case 'nodes-list':
      return ALLOW;
    case 'events':
    case 'disk-usage':
      return scope === 'read-all'
        ? ALLOW
        : deny('Lists every resource of the environment; use the filtered lists (or /api/websocket/events)');
    case 'console':
    case 'exec':
      return roleId === EnvironmentRoleId.ReadOnlyUser ? deny('Read-only users have no console') : ALLOW;
    case 'shared':
      if (!op.write) return ALLOW;
      return roleId === EnvironmentRoleId.StandardUser ? ALLOW : deny(readOnlyReason(roleId));
    case 'create':
    case 'commit':
      return roleId === EnvironmentRoleId.StandardUser ? ALLOW : deny(readOnlyReason(roleId));
    case 'resource':
      if (read || !op.write) return ALLOW;
      if (roleId === EnvironmentRoleId.StandardUser) return ALLOW;
      if (
        roleId === EnvironmentRoleId.Operator &&
        op.type === ResourceControlType.Container &&
        method === 'POST' &&
        LIFECYCLE.has(op.action)
      ) {
        return ALLOW;
      }
      return deny(readOnlyReason(roleId));
  }
}

function readOnlyReason(roleId: EnvironmentRoleId | undefined): string {
  switch (roleId) {
    case EnvironmentRoleId.Operator:
      return 'Operators manage the lifecycle of existing resources only';
    case EnvironmentRoleId.Helpdesk:
      return 'Helpdesk users have read-only access (and consoles)';
    case EnvironmentRoleId.ReadOnlyUser:
      return 'Read-only users cannot change resources';
    case EnvironmentRoleId.StandardUser:
    case EnvironmentRoleId.EnvironmentAdministrator:
    case undefined:
      return 'Your role does not allow this';
  }
}
