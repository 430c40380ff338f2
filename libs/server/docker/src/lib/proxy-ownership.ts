import { Injectable } from '@nestjs/common';
import { Permission, ResourceControlType, type ResourceControlBody } from '@capstan/contracts-api';
import { DOCKER_VOLUME_NAME } from '@capstan/contracts-agent';
import {
  BadGatewayError,
  BadRequestError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  type AuthenticatedUser,
} from '@capstan/server-core';
import { agentCall, EngineConnections, type EngineConnection } from '@capstan/server-environments';
import { AccessService, type EnvironmentAccess } from '@capstan/server-rbac';
import {
  decorate,
  ResourceControlsService,
  type ControlIndex,
  type Labels,
} from '@capstan/server-resource-controls';
import {
  classify,
  roleScope,
  type EngineOperation,
  type ListedType,
  type OwnedType,
  type RoleScope,
} from './proxy-policy';

/** Security toggles of an environment (Portainer's SecuritySettings), as the proxy reads them. */
export interface SecurityToggles {
  allowBindMountsForRegularUsers: boolean;
  allowPrivilegedModeForRegularUsers: boolean;
  allowHostNamespaceForRegularUsers: boolean;
  allowDeviceMappingForRegularUsers: boolean;
  allowContainerCapabilitiesForRegularUsers: boolean;
  allowSysctlSettingForRegularUsers: boolean;
}

export interface OwnershipContext {
  readonly user: AuthenticatedUser;
  readonly envId: number;
  /** The caller's access to the environment (`AccessService`): role and teams. */
  readonly access: EnvironmentAccess;
  readonly method: string;
  /** Engine path, version prefix included, without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly connection: EngineConnection;
  readonly security: SecurityToggles;
  /** Reads the whole request body (bounded); only called when a check needs it. */
  readonly readBody: () => Promise<Buffer>;
  /** The call's `classify` when the caller already has it (the proxy classifies a request once). */
  readonly op?: EngineOperation;
}

export type Rewritten = { status: number; body: unknown };

/** How the proxy must handle one call so that ownership holds. */
export interface ProxyPlan {
  /** The request body, already read (it was checked): sent instead of piping the request. */
  body?: Buffer;
  /** Another call than the client's (`GET /v2/dockerhub/{registryId}` becomes the agent's `POST /v2/dockerhub`). */
  call?: { method: string; path: string };
  /** Applied to a 2xx JSON answer (buffered): filter, decorate, or refuse (status 403). */
  rewrite?: (status: number, body: unknown) => Promise<Rewritten>;
  /**
   * Whether the buffered answer can go out untouched (nothing to filter or decorate): saves parsing and
   * re-serialising a large list.
   */
  unchanged?: (raw: Buffer) => Promise<boolean>;
  /** After a 2xx answer was sent (the resource is gone: drop its control). */
  after?: () => Promise<void>;
}

/** The engine's own non-2xx answer to a lookup (404 No such container…): passed on as it came. */
export class EngineAnswerError extends DomainError {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    const message = (body as { message?: unknown } | undefined)?.message;
    super(typeof message === 'string' ? message : `The engine answered ${status}`, 'Docker engine');
  }
}

const INSPECT_PATH: Readonly<Record<OwnedType | 'task', (id: string) => string>> = {
  [ResourceControlType.Container]: (id) => `/containers/${id}/json`,
  [ResourceControlType.Service]: (id) => `/services/${id}`,
  [ResourceControlType.Volume]: (id) => `/volumes/${id}`,
  [ResourceControlType.Network]: (id) => `/networks/${id}`,
  [ResourceControlType.Secret]: (id) => `/secrets/${id}`,
  [ResourceControlType.Config]: (id) => `/configs/${id}`,
  task: (id) => `/tasks/${id}`,
};

/** What ownership needs to know about a Docker object of a type. */
interface Identity {
  id: string;
  labels: Labels;
  name?: string;
  serviceId?: string;
}

type Json = Record<string, unknown>;

/** A string field of a Docker object ('' when absent or not a string). */
function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function identify(type: ListedType, raw: unknown): Identity {
  const o = (raw ?? {}) as Json;
  const spec = (o['Spec'] ?? {}) as Json;
  switch (type) {
    case ResourceControlType.Container:
      return {
        id: str(o['Id']),
        // Lists carry Labels; inspects carry Config.Labels.
        labels: (o['Labels'] ?? (o['Config'] as Json | undefined)?.['Labels']) as Labels,
      };
    case ResourceControlType.Volume:
      return { id: str(o['Name']), labels: o['Labels'] as Labels };
    case ResourceControlType.Network:
      return { id: str(o['Id']), labels: o['Labels'] as Labels, name: str(o['Name']) };
    case ResourceControlType.Service:
    case ResourceControlType.Secret:
    case ResourceControlType.Config:
      return { id: str(o['ID']), labels: spec['Labels'] as Labels };
    case 'task': {
      const containerSpec = ((spec['ContainerSpec'] ?? {}) as Json)['Labels'] as Labels;
      return {
        id: str(o['ServiceID']),
        labels: { ...(o['Labels'] as Record<string, string> | undefined), ...containerSpec },
        serviceId: str(o['ServiceID']),
      };
    }
  }
}

/** Tasks are looked up through their service's control. */
function controlType(type: ListedType): ResourceControlType {
  return type === 'task' ? ResourceControlType.Service : type;
}

function findFor(index: ControlIndex, type: ListedType, who: Identity): ResourceControlBody | undefined {
  return index.find(controlType(type), who.id, who.labels, { name: who.name, serviceId: who.serviceId });
}

const BELONGS_TO_SOMEONE_ELSE = 'This resource belongs to someone else';

/**
 * Ownership through the Docker proxy (reference §1.16): private controls on create, filtered and decorated lists
 * and inspects, checked operations, controls dropped with their resource, security toggles on create.
 */
@Injectable()
export class ProxyOwnership {
  constructor(
    private readonly controls: ResourceControlsService,
    private readonly engines: EngineConnections,
  ) {}

  async plan(ctx: OwnershipContext): Promise<ProxyPlan> {
    const scope = roleScope(ctx.access);
    const op = ctx.op ?? classify(ctx.method, ctx.path, ctx.query);
    switch (op.kind) {
      case 'list':
        return {
          rewrite: (status, body) => this.list(ctx, op.type, status, body),
          // Users who see everything, in an environment without controls and without access-control labels:
          // no item gets a decoration (built-in networks always do).
          unchanged:
            scope === 'filtered' || op.type === ResourceControlType.Network
              ? undefined
              : async (raw) =>
                  raw.indexOf('io.portainer.accesscontrol.') < 0 && !(await this.controls.any(ctx.envId)),
        };
      case 'inspect':
        return {
          rewrite: async (status, body) => {
            const who = identify(op.type, body);
            const index = await this.controls.index(ctx.envId, [who.labels]);
            const rc = findFor(index, op.type, who);
            AccessService.assert(ctx.access, Permission.ResourcesRead, BELONGS_TO_SOMEONE_ELSE, {
              control: rc,
            });
            return { status, body: decorate(body as Json, rc) };
          },
        };
      case 'create':
        return this.create(ctx, scope, op.type);
      case 'resource': {
        if (scope === 'read-all') return {};
        if (scope === 'full' && !op.remove) return {};
        const who = await this.lookup(ctx, op.type, op.id);
        if (scope === 'filtered') await this.assertAccess(ctx, op.type, who);
        if (
          scope === 'filtered' &&
          op.type === ResourceControlType.Network &&
          (op.action === 'connect' || op.action === 'disconnect')
        ) {
          // The container joining (or leaving) the network must be the caller's too.
          const body = await ctx.readBody();
          const container = str(parseBody(body)['Container']);
          await this.assertAccess(
            ctx,
            ResourceControlType.Container,
            await this.lookup(ctx, ResourceControlType.Container, container),
          );
          return { body };
        }
        if (!op.remove || op.type === 'task') return {};
        const type = op.type;
        return { after: () => this.controls.deleteFor(ctx.envId, type, who.id) };
      }
      case 'console': {
        if (scope === 'filtered') {
          await this.assertAccess(
            ctx,
            ResourceControlType.Container,
            await this.lookup(ctx, ResourceControlType.Container, op.containerId),
          );
        }
        // A privileged exec is privileged mode by another door.
        if (scope === 'full' || ctx.security.allowPrivilegedModeForRegularUsers || ctx.method !== 'POST')
          return {};
        const body = await ctx.readBody();
        if (parseBody(body)['Privileged'] === true) throw forbidden('privileged mode');
        return { body };
      }
      case 'exec':
        if (scope === 'filtered') {
          const exec = await this.engine(ctx, `/exec/${op.execId}/json`);
          const containerId = str((exec as Json)['ContainerID']);
          await this.assertAccess(
            ctx,
            ResourceControlType.Container,
            await this.lookup(ctx, ResourceControlType.Container, containerId),
          );
        }
        return {};
      case 'commit': {
        if (scope !== 'filtered') return {};
        const container = ctx.query.get('container') ?? '';
        await this.assertAccess(
          ctx,
          ResourceControlType.Container,
          await this.lookup(ctx, ResourceControlType.Container, container),
        );
        return {};
      }
      case 'browse':
        // Which volumes a Standard or Read-only user may browse: those their resource control lets them see.
        if (scope === 'filtered' && op.volumeId !== undefined) {
          // Checked before the lookup: the engine would clean `../x` in `/volumes/../x` into a redirect.
          if (!DOCKER_VOLUME_NAME.test(op.volumeId))
            throw new BadRequestError('Invalid volume identifier', 'volumeID must be a Docker volume name');
          await this.assertAccess(
            ctx,
            ResourceControlType.Volume,
            await this.lookup(ctx, ResourceControlType.Volume, op.volumeId),
          );
        }
        return {};
      case 'dockerhub':
        if (op.registryId === undefined) return {};
        // Portainer's clients ask `GET /v2/dockerhub/{registryId}`; Capstan has no stored registries yet, so only
        // the anonymous one (0) exists: the agent reports its node's anonymous pull limits.
        if (op.registryId !== 0) {
          throw new NotFoundError(
            'Unable to find a registry with the specified identifier inside the database',
            `No registry ${op.registryId}: only 0 (anonymous Docker Hub) is known`,
          );
        }
        return {
          call: agentCall('dockerHub', '/v2'),
          body: Buffer.from(JSON.stringify({ authentication: false })),
        };
      case 'swarm-read':
        if (scope === 'full') return {};
        // Join tokens let anyone add nodes to the cluster: administrators only.
        return {
          rewrite: (status, body) => {
            const copy = { ...(body as Json) };
            delete copy['JoinTokens'];
            return Promise.resolve({ status, body: copy });
          },
        };
      case 'prune':
      case 'admin':
      case 'events':
      case 'disk-usage':
      case 'nodes-list':
      case 'shared':
      case 'agent-info':
        // Decided by role alone (proxy-policy).
        return {};
    }
  }

  /** Lists visible to a caller in an environment: for the dashboard's counts. */
  async visible<T>(access: EnvironmentAccess, type: ListedType, items: T[]): Promise<T[]> {
    if (access.seesEveryResource) return items;
    const ids = items.map((i) => identify(type, i));
    const index = await this.controls.index(
      access.environmentId,
      ids.map((i) => i.labels),
    );
    return items.filter((_, n) =>
      access.may(Permission.ResourcesRead, { control: findFor(index, type, ids[n]) }),
    );
  }

  private async list(
    ctx: OwnershipContext,
    type: ListedType,
    status: number,
    body: unknown,
  ): Promise<Rewritten> {
    // /volumes answers {Volumes: [...], Warnings}; the other lists are arrays.
    const items: unknown[] | undefined = Array.isArray(body)
      ? body
      : type === ResourceControlType.Volume && Array.isArray((body as Json | undefined)?.['Volumes'])
        ? ((body as Json)['Volumes'] as unknown[])
        : undefined;
    if (!items) return { status, body };
    const ids = items.map((i) => identify(type, i));
    const index = await this.controls.index(
      ctx.envId,
      ids.map((i) => i.labels),
    );
    const out: unknown[] = [];
    items.forEach((item, n) => {
      const rc = findFor(index, type, ids[n]);
      if (!ctx.access.may(Permission.ResourcesRead, { control: rc })) return;
      out.push(decorate(item as Json, rc));
    });
    return { status, body: Array.isArray(body) ? out : { ...(body as Json), Volumes: out } };
  }

  private async create(ctx: OwnershipContext, scope: RoleScope, type: OwnedType): Promise<ProxyPlan> {
    let body: Buffer | undefined;
    let newVolumes: string[] = [];
    if (
      scope !== 'full' &&
      (type === ResourceControlType.Container || type === ResourceControlType.Service)
    ) {
      body = await ctx.readBody();
      const spec = parseBody(body);
      checkSecurity(type, spec, ctx.security);
      if (scope === 'filtered' && type === ResourceControlType.Container)
        newVolumes = await this.assertReferences(ctx, spec);
    }
    return {
      body,
      rewrite: async (status, answer) => {
        const a = (answer ?? {}) as Json;
        const id = type === ResourceControlType.Volume ? str(a['Name']) : str(a['Id']) || str(a['ID']);
        if (!id) return { status, body: answer };
        const rc = await this.controls.createPrivate(ctx.envId, type, id, ctx.user.id);
        // Volumes the engine created for this container belong to its creator too.
        for (const name of newVolumes)
          await this.controls.createPrivate(ctx.envId, ResourceControlType.Volume, name, ctx.user.id);
        return { status, body: decorate(a, rc) };
      },
    };
  }

  /**
   * A new container must not reach into resources the caller cannot see: another container's namespaces or
   * volumes (`container:<id>` modes, VolumesFrom), an existing volume mounted by name, a user-defined network.
   * Resources that do not exist yet (a named volume created on the fly) are the caller's own.
   */
  private async assertReferences(ctx: OwnershipContext, spec: Json): Promise<string[]> {
    const created: string[] = [];
    const host = (spec['HostConfig'] ?? {}) as Json;
    const containers = new Set<string>();
    for (const mode of [host['NetworkMode'], host['PidMode'], host['IpcMode']]) {
      const m = /^container:(.+)$/.exec(str(mode));
      if (m) containers.add(m[1]);
    }
    for (const from of Array.isArray(host['VolumesFrom']) ? (host['VolumesFrom'] as unknown[]) : []) {
      const id = str(from).split(':')[0];
      if (id) containers.add(id);
    }
    const volumes = new Set<string>();
    for (const bind of Array.isArray(host['Binds']) ? (host['Binds'] as unknown[]) : []) {
      const source = str(bind).split(':')[0];
      if (source && !/^[/.~]/.test(source)) volumes.add(source);
    }
    for (const mount of Array.isArray(host['Mounts']) ? (host['Mounts'] as Json[]) : []) {
      if (mount['Type'] === 'volume' && str(mount['Source'])) volumes.add(str(mount['Source']));
    }
    const networks = new Set<string>();
    const mode = str(host['NetworkMode']);
    if (mode && !mode.startsWith('container:') && !['default', 'bridge', 'host', 'none'].includes(mode))
      networks.add(mode);
    const endpoints = ((spec['NetworkingConfig'] ?? {}) as Json)['EndpointsConfig'];
    for (const name of Object.keys(endpoints ?? {})) networks.add(name);

    for (const id of containers) {
      await this.assertAccess(
        ctx,
        ResourceControlType.Container,
        await this.lookup(ctx, ResourceControlType.Container, id),
      );
    }
    for (const [type, names] of [
      [ResourceControlType.Volume, volumes],
      [ResourceControlType.Network, networks],
    ] as const) {
      for (const name of names) {
        let who: Identity;
        try {
          who = await this.lookup(ctx, type, name);
        } catch (e) {
          // Not there yet: the engine creates a volume (or refuses an unknown network) itself.
          if (e instanceof EngineAnswerError && e.status === 404) {
            if (type === ResourceControlType.Volume) created.push(name);
            continue;
          }
          throw e;
        }
        await this.assertAccess(ctx, type, who);
      }
    }
    return created;
  }

  /** Inspects the resource on the engine: its full id and labels (names and short ids are accepted). */
  private async lookup(ctx: OwnershipContext, type: OwnedType | 'task', id: string): Promise<Identity> {
    if (!id) throw new EngineAnswerError(404, { message: 'No such resource: an id is required' });
    return identify(type, await this.engine(ctx, INSPECT_PATH[type](encodeURIComponent(id))));
  }

  private async engine(ctx: OwnershipContext, path: string): Promise<unknown> {
    let answer: { status: number; body: unknown };
    try {
      answer = await this.engines.client(ctx.connection).call('GET', path);
    } catch (e) {
      throw new BadGatewayError(
        'Unable to reach the Docker engine',
        `${ctx.connection.url}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    if (answer.status < 200 || answer.status >= 300) throw new EngineAnswerError(answer.status, answer.body);
    return answer.body;
  }

  private async assertAccess(ctx: OwnershipContext, type: ListedType, who: Identity): Promise<void> {
    const index = await this.controls.index(ctx.envId, [who.labels]);
    AccessService.assert(ctx.access, Permission.ResourcesRead, BELONGS_TO_SOMEONE_ELSE, {
      control: findFor(index, type, who),
    });
  }
}

function parseBody(body: Buffer): Json {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Json) : {};
  } catch {
    // The engine answers malformed JSON itself, with its own message.
    return {};
  }
}

const forbidden = (what: string) =>
  new ForbiddenError(
    `Forbidden to use ${what}`,
    "The environment's security settings do not allow this for regular users",
  );

/** The environment's security toggles, for regular users (reference §1.16). */
export function checkSecurity(type: OwnedType, body: Json, s: SecurityToggles): void {
  if (type === ResourceControlType.Service) {
    const task = (body['TaskTemplate'] ?? {}) as Json;
    const mounts = (((task['ContainerSpec'] ?? {}) as Json)['Mounts'] ?? []) as Json[];
    if (
      !s.allowBindMountsForRegularUsers &&
      Array.isArray(mounts) &&
      mounts.some((m) => m['Type'] === 'bind')
    ) {
      throw forbidden('bind mounts');
    }
    return;
  }
  const host = (body['HostConfig'] ?? {}) as Json;
  const nonEmpty = (v: unknown) =>
    (Array.isArray(v) && v.length > 0) || (typeof v === 'object' && v !== null && Object.keys(v).length > 0);
  if (!s.allowPrivilegedModeForRegularUsers && host['Privileged'] === true)
    throw forbidden('privileged mode');
  if (!s.allowHostNamespaceForRegularUsers && host['PidMode'] === 'host')
    throw forbidden('pid host namespace');
  if (!s.allowDeviceMappingForRegularUsers && nonEmpty(host['Devices'])) throw forbidden('device mapping');
  if (!s.allowSysctlSettingForRegularUsers && nonEmpty(host['Sysctls'])) throw forbidden('sysctl settings');
  if (!s.allowContainerCapabilitiesForRegularUsers && nonEmpty(host['CapAdd']))
    throw forbidden('capabilities');
  if (!s.allowBindMountsForRegularUsers) {
    const binds = Array.isArray(host['Binds']) ? (host['Binds'] as unknown[]) : [];
    const mounts = Array.isArray(host['Mounts']) ? (host['Mounts'] as Json[]) : [];
    // "name:/path" is a named volume; a source starting with "/" (or "." / "~") is a host path.
    if (
      binds.some((b) => typeof b === 'string' && /^[/.~]/.test(b)) ||
      mounts.some((m) => m['Type'] === 'bind')
    ) {
      throw forbidden('bind mounts');
    }
  }
}
