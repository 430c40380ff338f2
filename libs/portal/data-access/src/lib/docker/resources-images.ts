/** Images through the Docker proxy: the engine's JSON shapes the portal reads, usage, pull progress. */

/** `GET /images/json` item (the fields the portal uses). */
export interface DockerImage {
  Id: string;
  ParentId?: string;
  RepoTags: string[] | null;
  RepoDigests?: string[] | null;
  Created: number;
  Size: number;
  Containers?: number;
  Labels?: Record<string, string> | null;
}

/** `GET /containers/json?all=1` item (the fields the resource pages use). */
export interface DockerContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  ImageID: string;
  State: string;
  Status?: string;
  Mounts?: { Type: string; Name?: string; Source?: string; Destination: string }[];
  NetworkSettings?: { Networks?: Record<string, { NetworkID?: string; IPAddress?: string }> };
}

/** `GET /images/{id}/json` (the fields the inspect page shows). */
export interface DockerImageInspect {
  Id: string;
  RepoTags: string[] | null;
  RepoDigests?: string[] | null;
  Created: string;
  Size: number;
  Architecture?: string;
  Os?: string;
  Author?: string;
  DockerVersion?: string;
  Config?: {
    Cmd?: string[] | null;
    Entrypoint?: string[] | null;
    Env?: string[] | null;
    ExposedPorts?: Record<string, unknown> | null;
    WorkingDir?: string;
    User?: string;
    Labels?: Record<string, string> | null;
    Volumes?: Record<string, unknown> | null;
  };
  RootFS?: { Type: string; Layers?: string[] };
}

/** `GET /images/{id}/history` item. */
export interface DockerImageLayer {
  Id: string;
  Created: number;
  CreatedBy: string;
  Tags: string[] | null;
  Size: number;
  Comment: string;
}

/** An image row: the engine's image plus the containers (any state) that use it. */
export interface ImageRow extends DockerImage {
  /** `repo:tag` names; `<none>:<none>` left out. */
  tags: string[];
  /** Names of the containers created from this image. */
  usedBy: string[];
  inUse: boolean;
}

/** Whether each image is used by a container (running or not), from `containers/json?all=1`. */
export function imageUsage(
  images: readonly DockerImage[],
  containers: readonly DockerContainerSummary[],
): ImageRow[] {
  const byImage = new Map<string, string[]>();
  for (const c of containers) {
    const name = (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, '');
    const list = byImage.get(c.ImageID) ?? [];
    list.push(name);
    byImage.set(c.ImageID, list);
  }
  return images.map((image) => {
    const usedBy = byImage.get(image.Id) ?? [];
    return {
      ...image,
      tags: (image.RepoTags ?? []).filter((t) => t !== '<none>:<none>'),
      usedBy,
      inUse: usedBy.length > 0,
    };
  });
}

/** `busybox`, `busybox:1.36`, `host:5000/a/b:tag`, `a/b@sha256:…` → the `fromImage` and `tag` of a pull. */
export function splitImageReference(reference: string): { fromImage: string; tag: string } {
  const ref = reference.trim();
  const at = ref.indexOf('@');
  if (at >= 0) return { fromImage: ref.slice(0, at), tag: ref.slice(at + 1) };
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) return { fromImage: ref.slice(0, colon), tag: ref.slice(colon + 1) || 'latest' };
  return { fromImage: ref, tag: 'latest' };
}

/** A valid-looking image reference (name components, optional registry with port, tag or digest). */
export function isImageReference(reference: string): boolean {
  return /^(?:[a-z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})?$/.test(
    reference.trim(),
  );
}

/** One line of the engine's pull (or push/load) progress stream. */
export interface PullMessage {
  id?: string;
  status?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
  stream?: string;
}

export type LayerPhase = 'waiting' | 'downloading' | 'verifying' | 'extracting' | 'done';

export interface LayerProgress {
  id: string;
  status: string;
  phase: LayerPhase;
  current: number;
  total: number;
  /** 0–100 across the whole layer: download is the first half, extraction the second. */
  percent: number;
}

export interface PullState {
  layers: LayerProgress[];
  /** Status lines without a layer id (`Pulling from …`, `Digest: …`, `Status: …`). */
  messages: string[];
  error: string | null;
  /** The engine's closing `Status: …` line, once seen. */
  finalStatus: string | null;
}

export const EMPTY_PULL: PullState = { layers: [], messages: [], error: null, finalStatus: null };

/** Folds one progress message into the pull state (pure; the dialog keeps the state in a signal). */
export function applyPullMessage(state: PullState, raw: unknown): PullState {
  if (!raw || typeof raw !== 'object') return state;
  const msg = raw as PullMessage;
  if (msg.error || msg.errorDetail?.message) {
    return { ...state, error: msg.errorDetail?.message ?? msg.error ?? 'Pull failed' };
  }
  const status = (msg.status ?? msg.stream ?? '').trim();
  if (!status) return state;
  if (!msg.id || !isLayerStatus(status)) {
    const text = msg.id && !status.includes(msg.id) ? `${msg.id}: ${status}` : status;
    return {
      ...state,
      messages: [...state.messages, text],
      finalStatus: status.startsWith('Status:') ? status.slice('Status:'.length).trim() : state.finalStatus,
    };
  }
  const index = state.layers.findIndex((l) => l.id === msg.id);
  const previous: LayerProgress = index >= 0 ? state.layers[index] : newLayer(msg.id);
  const layer = nextLayer(previous, status, msg.progressDetail);
  const layers = [...state.layers];
  if (index >= 0) layers[index] = layer;
  else layers.push(layer);
  return { ...state, layers };
}

/** Overall percent of a pull: the mean of the layers' percents (0 when no layer is known yet). */
export function pullPercent(state: PullState): number {
  if (state.layers.length === 0) return state.finalStatus ? 100 : 0;
  return Math.round(state.layers.reduce((sum, l) => sum + l.percent, 0) / state.layers.length);
}

const LAYER_STATUSES = [
  'Pulling fs layer',
  'Waiting',
  'Downloading',
  'Verifying Checksum',
  'Download complete',
  'Extracting',
  'Pull complete',
  'Already exists',
  'Retrying',
];

function isLayerStatus(status: string): boolean {
  return LAYER_STATUSES.some((s) => status.startsWith(s));
}

function newLayer(id: string): LayerProgress {
  return { id, status: 'Waiting', phase: 'waiting', current: 0, total: 0, percent: 0 };
}

function nextLayer(
  layer: LayerProgress,
  status: string,
  detail: PullMessage['progressDetail'],
): LayerProgress {
  const current = detail?.current ?? 0;
  const total = detail?.total ?? 0;
  const fraction = total > 0 ? Math.min(1, current / total) : 0;
  if (status.startsWith('Downloading'))
    return { ...layer, status, phase: 'downloading', current, total, percent: Math.round(fraction * 50) };
  if (status.startsWith('Verifying') || status.startsWith('Download complete'))
    return { ...layer, status, phase: 'verifying', current: layer.total, total: layer.total, percent: 50 };
  if (status.startsWith('Extracting'))
    return { ...layer, status, phase: 'extracting', current, total, percent: 50 + Math.round(fraction * 50) };
  if (status.startsWith('Pull complete') || status.startsWith('Already exists'))
    return { ...layer, status, phase: 'done', percent: 100 };
  return { ...layer, status };
}

/** The registry host of a reference (`host:5000/a/b:tag` → `host:5000`); '' for Docker Hub names. */
export function registryOf(reference: string): string {
  const first = reference.trim().split('/')[0];
  return reference.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')
    ? first
    : '';
}

/** `X-Registry-Auth` for a pull: URL-safe base64 (with padding) of the engine's auth config JSON. */
export function registryAuthHeader(username: string, password: string, serveraddress: string): string {
  const json = JSON.stringify({ username, password, serveraddress });
  const bytes = new TextEncoder().encode(json);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_');
}
