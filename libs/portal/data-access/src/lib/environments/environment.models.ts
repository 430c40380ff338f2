import type { components } from '../api/schema';

type Schemas = components['schemas'];

/** The caller's role on an environment and its permission strings (Capstan extension of Portainer's shape). */
export type EnvironmentAccess = Schemas['CapstanAccessResponse'];
/** An environment as `GET /api/endpoints` returns it. */
export type Environment = Schemas['EnvironmentResponse'];
export type EnvironmentSnapshot = Schemas['DockerSnapshotResponse'];
export type EnvironmentGroup = Schemas['GroupResponse'];
export type EnvironmentTag = Schemas['TagResponse'];
export type EnvironmentRole = Schemas['RoleResponse'];
export type SecuritySettings = Schemas['SecuritySettingsDto'];
export type SnapshotOutcome = Schemas['SnapshotOutcomeResponse'];

/** `{ "<user or team id>": { RoleId } }`, Portainer's access policy map. */
export type AccessPolicyMap = Record<string, { RoleId: number }>;

/** `GET /api/endpoints/local-engine`: whether this host's engine socket answers (first-run offer). */
export type LocalEngine = Schemas['LocalEngineResponse'];

export const ENVIRONMENT_STATUS = { up: 1, down: 2 } as const;
export type EnvironmentStatus = (typeof ENVIRONMENT_STATUS)[keyof typeof ENVIRONMENT_STATUS];

/** Filters and paging of the environment list, sent as `GET /api/endpoints` query parameters. */
export interface EnvironmentQuery {
  start?: number;
  /** 0 or absent = all. */
  limit?: number;
  search?: string;
  groupIds?: readonly number[];
  tagIds?: readonly number[];
  /** Portainer environment types (1 Docker, 2 agent…). */
  types?: readonly number[];
  status?: readonly EnvironmentStatus[];
  sort?: 'Name' | 'Group' | 'Status';
  order?: 'asc' | 'desc';
}

export interface EnvironmentPage {
  items: Environment[];
  /** `X-Total-Count`: matching environments, all pages. */
  total: number;
  /** `X-Total-Available`: environments the caller may see, before filters. */
  available: number;
}

/** The add wizard's result; the service turns it into Portainer's multipart form. */
export interface NewEnvironment {
  name: string;
  engine: 'docker' | 'podman';
  /** Through an agent (Portainer's EndpointCreationType 2): `tcp://host:9001`. */
  agent?: boolean;
  /** `unix:///…` or `tcp://host:port`. */
  url: string;
  groupId?: number;
  tagIds?: readonly number[];
  publicUrl?: string;
  tls?: {
    skipVerify: boolean;
    ca?: Blob | null;
    cert?: Blob | null;
    key?: Blob | null;
  };
}

export interface EnvironmentUpdate {
  Name?: string;
  URL?: string;
  PublicURL?: string;
  GroupID?: number;
  TagIds?: number[];
  UserAccessPolicies?: AccessPolicyMap;
  TeamAccessPolicies?: AccessPolicyMap;
}

export interface GroupInput {
  Name?: string;
  Description?: string;
  TagIDs?: number[];
  UserAccessPolicies?: AccessPolicyMap;
  TeamAccessPolicies?: AccessPolicyMap;
}

export interface BatchDeleteResult {
  deleted: number[];
  errors: { id?: number; message?: string }[];
}
