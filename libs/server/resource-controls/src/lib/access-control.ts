import { ACCESS_CONTROL_LABELS, ResourceControlType, type ResourceControlBody } from '@capstan/contracts-api';

/** Built-in networks: everyone may see and use them (a synthetic public "system" control). */
export const SYSTEM_NETWORKS = new Set(['bridge', 'host', 'none', 'ingress', 'nat', 'docker_gwbridge']);

const SERVICE_LABEL = 'com.docker.swarm.service.id';
const STACK_LABEL = 'com.docker.stack.namespace';
const COMPOSE_LABEL = 'com.docker.compose.project';

export type Labels = Record<string, string> | null | undefined;

/** Names in `io.portainer.accesscontrol.users/teams` labels, resolved to ids (unknown names are left out). */
export interface PrincipalNames {
  readonly users: ReadonlyMap<string, number>;
  readonly teams: ReadonlyMap<string, number>;
}

/** Stack resource ids are scoped by environment, as in Portainer: `<envId>_<stackName>`. */
export function stackResourceId(envId: number, name: string): string {
  return `${envId}_${name}`;
}

/** Label names (users, teams) a set of resources mentions, to resolve in one query. */
export function accessLabelNames(labels: Labels[]): { users: Set<string>; teams: Set<string> } {
  const users = new Set<string>();
  const teams = new Set<string>();
  for (const l of labels) {
    for (const n of splitNames(l?.[ACCESS_CONTROL_LABELS.users])) users.add(n);
    for (const n of splitNames(l?.[ACCESS_CONTROL_LABELS.teams])) teams.add(n);
  }
  return { users, teams };
}

function splitNames(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * The controls of one environment, indexed for lookups by resource (one list filter does hundreds).
 * `find` follows Portainer's inheritance order: the resource itself (or as a sub-resource), its Swarm service,
 * its stack namespace, its compose project, then the access-control labels, then system networks.
 */
export class ControlIndex {
  private readonly byKey = new Map<string, ResourceControlBody>();

  constructor(
    private readonly envId: number,
    controls: readonly ResourceControlBody[],
    private readonly names: PrincipalNames = { users: new Map(), teams: new Map() },
  ) {
    // Environment-scoped controls are listed after global ones by the service, so they win.
    for (const rc of controls) {
      this.byKey.set(key(rc.Type, rc.ResourceId), rc);
      for (const sub of rc.SubResourceIds) {
        if (!this.byKey.has(key(rc.Type, sub))) this.byKey.set(key(rc.Type, sub), rc);
      }
    }
  }

  find(
    type: ResourceControlType,
    id: string,
    labels: Labels,
    extra: { serviceId?: string; name?: string } = {},
  ): ResourceControlBody | undefined {
    const own = this.byKey.get(key(type, id));
    if (own) return own;
    const serviceId = extra.serviceId ?? labels?.[SERVICE_LABEL];
    if (serviceId) {
      const service = this.byKey.get(key(ResourceControlType.Service, serviceId));
      if (service) return service;
    }
    for (const label of [STACK_LABEL, COMPOSE_LABEL]) {
      const stack = labels?.[label];
      if (stack) {
        const rc = this.byKey.get(key(ResourceControlType.Stack, stackResourceId(this.envId, stack)));
        if (rc) return rc;
      }
    }
    const fromLabels = this.fromLabels(type, id, labels);
    if (fromLabels) return fromLabels;
    if (type === ResourceControlType.Network && extra.name !== undefined && SYSTEM_NETWORKS.has(extra.name)) {
      return synthetic(type, id, { Public: true, System: true });
    }
    return undefined;
  }

  private fromLabels(type: ResourceControlType, id: string, labels: Labels): ResourceControlBody | undefined {
    if (!labels) return undefined;
    const isPublic = labels[ACCESS_CONTROL_LABELS.public];
    if (isPublic !== undefined && isPublic !== 'false') return synthetic(type, id, { Public: true });
    const users = splitNames(labels[ACCESS_CONTROL_LABELS.users]).flatMap((n) => {
      const uid = this.names.users.get(n);
      return uid === undefined ? [] : [{ UserId: uid, AccessLevel: 1 }];
    });
    const teams = splitNames(labels[ACCESS_CONTROL_LABELS.teams]).flatMap((n) => {
      const tid = this.names.teams.get(n);
      return tid === undefined ? [] : [{ TeamId: tid, AccessLevel: 1 }];
    });
    const mentioned =
      labels[ACCESS_CONTROL_LABELS.users] !== undefined || labels[ACCESS_CONTROL_LABELS.teams] !== undefined;
    // Labels naming only unknown principals still make the resource restricted (to nobody but admins).
    if (!mentioned) return undefined;
    return synthetic(type, id, { UserAccesses: users, TeamAccesses: teams });
  }
}

function key(type: number, id: string): string {
  return `${type}:${id}`;
}

/** A control that is not stored (labels, system networks): Id 0, cannot be updated, only replaced by POST. */
function synthetic(
  type: ResourceControlType,
  id: string,
  fields: Partial<ResourceControlBody>,
): ResourceControlBody {
  return {
    Id: 0,
    ResourceId: id,
    SubResourceIds: [],
    Type: type,
    UserAccesses: [],
    TeamAccesses: [],
    Public: false,
    AdministratorsOnly: false,
    System: false,
    ...fields,
  };
}

/** `Portainer.ResourceControl` on a Docker object, keeping other `Portainer` fields (the agent's node name). */
export function decorate<T extends object>(item: T, rc: ResourceControlBody | undefined): T {
  if (!rc) return item;
  const existing = (item as { Portainer?: Record<string, unknown> }).Portainer ?? {};
  return { ...item, Portainer: { ...existing, ResourceControl: rc } };
}
