/**
 * Async edge mode (agent protocol §5.10, Portainer EE's `/api/endpoints/edge/async`): the request and answer
 * bodies, the commands and the snapshot hash. Browser-safe (no node: modules), so the portal can read the
 * command shapes too.
 */
import { fnv1a32Hex } from './fnv';

export const EDGE_ASYNC_PATH = '/api/endpoints/edge/async';

/** The first `commandTimestamp` of an agent that never processed a command. */
export const EDGE_ASYNC_EPOCH = '2000-01-01T00:00:00Z';

/** Auto-onboarding metadata (`EDGE_GROUPS`, `PORTAINER_TAGS`, `PORTAINER_GROUP`). */
export interface EdgeMetaFields {
  edgeGroupsIds: number[];
  tagsIds: number[];
  environmentGroupId: number;
}

/** Portainer's DockerSnapshot (`api/portainer.go`), as the async agent sends it. */
export interface AsyncDockerSnapshot {
  Time: number;
  DockerVersion: string;
  Swarm: boolean;
  TotalCPU: number;
  TotalMemory: number;
  ContainerCount: number;
  RunningContainerCount: number;
  StoppedContainerCount: number;
  HealthyContainerCount: number;
  UnhealthyContainerCount: number;
  VolumeCount: number;
  ImageCount: number;
  ServiceCount: number;
  StackCount: number;
  DockerSnapshotRaw: {
    Containers: unknown[] | null;
    /** The engine's VolumeList answer `{Volumes, Warnings}`. */
    Volumes: { Volumes: unknown[] | null; Warnings?: unknown } | null;
    Networks: unknown[] | null;
    Images: unknown[] | null;
    Info: Record<string, unknown> | null;
    Version: Record<string, unknown> | null;
  };
  NodeCount: number;
  GpuUseAll: boolean;
  GpuUseList: string[] | null;
  IsPodman: boolean;
}

/** RFC 6902 operation (wI2L/jsondiff on the Go side). */
export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: unknown;
}

export interface EdgeAsyncSnapshot {
  docker?: AsyncDockerSnapshot;
  dockerPatch?: JsonPatchOperation[];
  /** FNV-1a-32 (as a number) of the JSON of the previous acknowledged snapshot. */
  dockerHash?: number;
  kubernetes?: unknown;
  kubernetesHash?: number;
  stackLogs?: { edgeStackID: number; logs: { dockerContainerID: string; stdOut: string; stdErr: string }[] }[];
  stackStatusArray?: Record<string, { Time: number; Type: number; Error: string; RollbackTo?: number }[]>;
  jobsStatus?: Record<string, { JobID: number; LogFileContent: string }>;
  edgeConfigStates?: Record<string, number>;
}

/** `POST /api/endpoints/edge/async` body. */
export interface EdgeAsyncRequest {
  endpointId?: number;
  metaFields?: EdgeMetaFields | null;
  /** RFC 3339; only on command ticks: the last processed command's timestamp. */
  commandTimestamp?: string;
  snapshot?: EdgeAsyncSnapshot;
  /** Capstan: commands that failed on the agent since the last request, `{"<id>": "message"}`. */
  commandErrors?: Record<string, string>;
}

export const EDGE_COMMAND_TYPES = [
  'edgeStack',
  'edgeJob',
  'edgeLog',
  'container',
  'image',
  'volume',
  'normalStack',
  'edgeConfig',
] as const;
export type EdgeCommandType = (typeof EDGE_COMMAND_TYPES)[number];

export type EdgeCommandOp = 'add' | 'remove' | 'replace';

/** One queued command as the answer carries it. */
export interface EdgeAsyncCommand {
  id: number;
  type: EdgeCommandType;
  endpointID: number;
  /** RFC 3339 (with milliseconds): commands are processed in this order, and confirmed by it. */
  timestamp: string;
  op: EdgeCommandOp;
  path: string;
  value: unknown;
}

/** `POST /api/endpoints/edge/async` answer. The intervals are Go `time.Duration`: integer nanoseconds. */
export interface EdgeAsyncResponse {
  pingInterval: number;
  snapshotInterval: number;
  commandInterval: number;
  endpointID: number;
  commands: EdgeAsyncCommand[];
  needFullSnapshot: boolean;
}

export const CONTAINER_OPERATIONS = ['start', 'restart', 'stop', 'delete', 'kill'] as const;
export type ContainerOperation = (typeof CONTAINER_OPERATIONS)[number];

/** `container` command value (Portainer's field names). */
export interface ContainerCommandValue {
  ContainerName: string;
  ContainerOperation: ContainerOperation;
  ContainerStartOptions?: Record<string, unknown>;
  ContainerRemoveOptions?: { Force?: boolean; RemoveVolumes?: boolean; RemoveLinks?: boolean };
}

export interface ImageCommandValue {
  ImageName: string;
  ImageOperation: 'delete';
  ImageRemoveOptions?: { Force?: boolean; PruneChildren?: boolean };
}

export interface VolumeCommandValue {
  VolumeName: string;
  VolumeOperation: 'delete';
  ForceRemove?: boolean;
}

export interface NormalStackCommandValue {
  Name: string;
  StackFileContent?: string;
  StackOperation: 'remove';
}

/** Seconds → Go `time.Duration` (nanoseconds), as the answer carries intervals. */
export function secondsToDuration(seconds: number): number {
  return Math.round(seconds * 1e9);
}

/** Go `time.Duration` (nanoseconds) → milliseconds. */
export function durationToMs(ns: number): number {
  return Math.round(ns / 1e6);
}

/**
 * JSON as Go's `encoding/json` writes it for the same values and key order: `<`, `>`, `&`, U+2028 and U+2029
 * escaped. The snapshot hash is over these bytes.
 */
export function goJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** `dockerHash`: FNV-1a-32, as an unsigned integer, of the Go JSON of the previous snapshot. */
export function snapshotHash(snapshot: unknown): number {
  return parseInt(fnv1a32Hex(goJson(snapshot)), 16);
}

const byName = (a: { Name?: unknown }, b: { Name?: unknown }): number =>
  String(a.Name ?? '').localeCompare(String(b.Name ?? ''));

/**
 * Before diffing, the agent sorts networks and volumes by Name and each container's Mounts by Name (§5.10), so an
 * engine listing them in another order makes no patch.
 */
export function sortSnapshotForDiff(s: AsyncDockerSnapshot): AsyncDockerSnapshot {
  const raw = s.DockerSnapshotRaw;
  const volumes = raw.Volumes?.Volumes;
  return {
    ...s,
    DockerSnapshotRaw: {
      ...raw,
      Networks: raw.Networks ? [...(raw.Networks as { Name?: unknown }[])].sort(byName) : raw.Networks,
      Volumes: raw.Volumes
        ? { ...raw.Volumes, Volumes: volumes ? [...(volumes as { Name?: unknown }[])].sort(byName) : null }
        : raw.Volumes,
      Containers: raw.Containers
        ? (raw.Containers as { Mounts?: { Name?: unknown }[] | null }[]).map((c) =>
            Array.isArray(c.Mounts) ? { ...c, Mounts: [...c.Mounts].sort(byName) } : c,
          )
        : raw.Containers,
    },
  };
}
