import { Injectable, inject } from '@angular/core';

import {
  DockerApi,
  type DockerQuery,
  type ListSource,
  type UploadAnswer,
  type UploadProgress,
} from './docker-api';
import type {
  DockerContainerSummary,
  DockerImage,
  DockerImageInspect,
  DockerImageLayer,
} from './resources-images';
import type { DockerNetwork } from './resources-networks';
import type { DockerVolume, PortainerDecoration } from './resources-volumes';

/*
 * One typed function per Docker Engine (and agent) operation the portal performs. Feature libs call these, never a
 * raw `/docker/...` path through `DockerApi`: the paths, their encoding and their query parameters live here once.
 *
 * Answers whose shape belongs to a feature (a container's inspect, a Swarm service) take the caller's view as a
 * type parameter; the engine's JSON is passed through by the proxy on purpose, so nothing here reshapes it.
 */

const id = encodeURIComponent;

/** A list answer and where it came from (snapshot of a down environment, Swarm nodes missing from it). */
export type Sourced<T> = { body: T } & ListSource;

/** Options of a streamed read: an AbortSignal stops a followed stream. */
export interface StreamOptions {
  signal?: AbortSignal;
}

/** An upload with progress (image import, volume browser). */
export interface UploadOptions {
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
}

/** Lifecycle calls that take no body: `POST /containers/{id}/{action}`. */
export type ContainerLifecycle = 'start' | 'stop' | 'restart' | 'kill' | 'pause' | 'unpause';

/** Log stream parameters shared by containers and services. */
export interface LogQuery {
  follow: boolean;
  tail: string | number;
  timestamps?: boolean;
  since?: string;
}

/** `POST /containers/create` answer, with Capstan's ownership decoration. */
export interface ContainerCreated {
  Id: string;
  Warnings?: string[] | null;
  Portainer?: { ResourceControl?: { Id: number } };
}

/** Containers of one environment. */
@Injectable({ providedIn: 'root' })
export class ContainersApi {
  private readonly docker = inject(DockerApi);

  /** `GET /containers/json?all=1` (every state), with where the list came from. */
  list<T = DockerContainerSummary>(envId: number): Promise<Sourced<T[]>> {
    return this.docker.getWithSource<T[]>(envId, '/containers/json', { all: 1 });
  }

  /** `GET /containers/json?all=1`, the body only (usage columns of the resource pages). */
  async all(envId: number): Promise<DockerContainerSummary[]> {
    return (await this.list(envId)).body;
  }

  inspect<T>(envId: number, containerId: string): Promise<T> {
    return this.docker.get<T>(envId, `/containers/${id(containerId)}/json`);
  }

  top<T>(envId: number, containerId: string): Promise<T> {
    return this.docker.get<T>(envId, `/containers/${id(containerId)}/top`);
  }

  create(envId: number, body: unknown, name?: string): Promise<ContainerCreated> {
    return this.docker.post<ContainerCreated>(envId, '/containers/create', body, { name: name || undefined });
  }

  /** A lifecycle call (`start`, `stop`, …); the engine answers 304 when already in that state (an `ApiError`). */
  lifecycle(envId: number, containerId: string, action: ContainerLifecycle): Promise<unknown> {
    return this.docker.post(envId, `/containers/${id(containerId)}/${action}`);
  }

  rename(envId: number, containerId: string, name: string): Promise<unknown> {
    return this.docker.post(envId, `/containers/${id(containerId)}/rename`, undefined, { name });
  }

  /** `DELETE /containers/{id}`: `force` removes a running one, `volumes` its anonymous volumes too. */
  remove(
    envId: number,
    containerId: string,
    options: { force?: boolean; volumes?: boolean } = {},
  ): Promise<unknown> {
    return this.docker.delete(envId, `/containers/${id(containerId)}`, {
      force: options.force ? 1 : undefined,
      v: options.volumes ? 1 : undefined,
    });
  }

  /** The raw log stream (multiplexed frames unless the container has a TTY). */
  logs(envId: number, containerId: string, query: LogQuery, options: StreamOptions = {}): Promise<Response> {
    return this.docker.stream(envId, 'GET', `/containers/${id(containerId)}/logs`, {
      query: {
        stdout: 1,
        stderr: 1,
        follow: query.follow ? 1 : 0,
        tail: query.tail,
        timestamps: query.timestamps ? 1 : undefined,
        since: query.since,
      },
      signal: options.signal,
    });
  }

  /** The logs WebSocket (`/api/websocket/logs`): JSON lines, followed or not. */
  logsSocketUrl(envId: number, containerId: string, query: LogQuery): string {
    return this.docker.websocketUrl('logs', {
      endpointId: envId,
      id: containerId,
      follow: query.follow,
      tail: query.tail,
      timestamps: query.timestamps,
      since: query.since,
    });
  }

  /** The stats WebSocket (`/api/websocket/stats`). */
  statsSocketUrl(envId: number, containerId: string): string {
    return this.docker.websocketUrl('stats', { endpointId: envId, id: containerId });
  }

  /** The console WebSocket of an exec instance (`/api/websocket/exec`). */
  execSocketUrl(envId: number, execId: string): string {
    return this.docker.websocketUrl('exec', { id: execId, endpointId: envId });
  }

  /** The console WebSocket attached to the container's own TTY (`/api/websocket/attach`). */
  attachSocketUrl(envId: number, containerId: string): string {
    return this.docker.websocketUrl('attach', { id: containerId, endpointId: envId });
  }

  /** `POST /containers/{id}/exec`: the exec instance a console then attaches to. */
  createExec(envId: number, containerId: string, body: unknown): Promise<{ Id: string }> {
    return this.docker.post<{ Id: string }>(envId, `/containers/${id(containerId)}/exec`, body);
  }

  /** Resizes an exec's TTY (`execId`) or the container's own (attach). */
  resize(
    envId: number,
    target: { execId: string } | { containerId: string },
    rows: number,
    cols: number,
  ): Promise<unknown> {
    const path =
      'execId' in target ? `/exec/${target.execId}/resize` : `/containers/${id(target.containerId)}/resize`;
    return this.docker.post(envId, path, undefined, { h: rows, w: cols });
  }
}

/** `POST /images/prune` answer. */
export interface ImagesPruned {
  ImagesDeleted: { Untagged?: string; Deleted?: string }[] | null;
  SpaceReclaimed: number;
}

/** Images of one environment. */
@Injectable({ providedIn: 'root' })
export class ImagesApi {
  private readonly docker = inject(DockerApi);

  list(envId: number): Promise<Sourced<DockerImage[]>> {
    return this.docker.getWithSource<DockerImage[]>(envId, '/images/json');
  }

  /** `repo:tag` names of every image (for pickers). */
  async tags(envId: number): Promise<string[]> {
    const images = await this.docker.get<{ RepoTags: string[] | null }[]>(envId, '/images/json');
    return images.flatMap((i) => i.RepoTags ?? []);
  }

  /** `GET /images/{name}/json`; a reference (`nginx:1.25`, `host:5000/a/b`) keeps its `/` and `:`. */
  inspect<T = DockerImageInspect>(envId: number, reference: string): Promise<T> {
    return this.docker.get<T>(envId, `/images/${encodeURI(reference)}/json`);
  }

  /** `GET /images/{id}/json` of an image id (encoded as one path segment). */
  inspectById(envId: number, imageId: string): Promise<DockerImageInspect> {
    return this.docker.get<DockerImageInspect>(envId, `/images/${id(imageId)}/json`);
  }

  history(envId: number, imageId: string): Promise<DockerImageLayer[]> {
    return this.docker.get<DockerImageLayer[]>(envId, `/images/${id(imageId)}/history`);
  }

  /** The pull's progress stream (JSON lines); `registryAuth` is the `X-Registry-Auth` value when logging in. */
  pull(
    envId: number,
    image: { fromImage: string; tag?: string },
    options: StreamOptions & { registryAuth?: string } = {},
  ): Promise<Response> {
    return this.docker.stream(envId, 'POST', '/images/create', {
      query: { fromImage: image.fromImage, tag: image.tag },
      headers: options.registryAuth ? { 'X-Registry-Auth': options.registryAuth } : undefined,
      signal: options.signal,
    });
  }

  /** `POST /images/load` of a tar, with upload progress; resolves whatever the status. */
  load(envId: number, file: Blob, options: UploadOptions = {}): Promise<UploadAnswer> {
    return this.docker.upload(envId, 'POST', '/images/load', {
      query: { quiet: 0 },
      body: file,
      contentType: 'application/x-tar',
      signal: options.signal,
      onProgress: options.onProgress,
    });
  }

  /** The download link of `GET /images/{name}/get` (the browser streams the tar to disk). */
  exportUrl(envId: number, name: string): string {
    return this.docker.url(envId, `/images/${id(name)}/get`);
  }

  remove(envId: number, imageId: string, options: { force?: boolean } = {}): Promise<unknown> {
    return this.docker.delete(envId, `/images/${id(imageId)}`, { force: options.force ? 1 : undefined });
  }

  tag(envId: number, imageId: string, target: { repo: string; tag: string }): Promise<unknown> {
    return this.docker.post(envId, `/images/${id(imageId)}/tag`, undefined, {
      repo: target.repo,
      tag: target.tag,
    });
  }

  /** Dangling images only, or every unused image (`all`). */
  prune(envId: number, all: boolean): Promise<ImagesPruned> {
    return this.docker.post<ImagesPruned>(envId, '/images/prune', undefined, {
      filters: JSON.stringify({ dangling: [all ? 'false' : 'true'] }),
    });
  }
}

/** `GET /volumes` answer. */
export interface VolumeList {
  Volumes: DockerVolume[] | null;
  Warnings?: string[] | null;
}

/** Volumes of one environment. */
@Injectable({ providedIn: 'root' })
export class VolumesApi {
  private readonly docker = inject(DockerApi);

  list(envId: number): Promise<Sourced<VolumeList>> {
    return this.docker.getWithSource<VolumeList>(envId, '/volumes');
  }

  /** Volume names, sorted (for pickers). */
  async names(envId: number): Promise<string[]> {
    const answer = await this.docker.get<VolumeList>(envId, '/volumes');
    return (answer.Volumes ?? []).map((v) => v.Name).sort();
  }

  inspect(envId: number, name: string): Promise<DockerVolume> {
    return this.docker.get<DockerVolume>(envId, `/volumes/${id(name)}`);
  }

  create(envId: number, body: unknown): Promise<DockerVolume> {
    return this.docker.post<DockerVolume>(envId, '/volumes/create', body);
  }

  remove(envId: number, name: string): Promise<unknown> {
    return this.docker.delete(envId, `/volumes/${id(name)}`);
  }

  prune(envId: number): Promise<{ VolumesDeleted: string[] | null; SpaceReclaimed: number }> {
    return this.docker.post(envId, '/volumes/prune');
  }
}

/** Networks of one environment. */
@Injectable({ providedIn: 'root' })
export class NetworksApi {
  private readonly docker = inject(DockerApi);

  list(envId: number): Promise<Sourced<DockerNetwork[]>> {
    return this.docker.getWithSource<DockerNetwork[]>(envId, '/networks');
  }

  /** The list body only, in the caller's view (pickers read a few fields). */
  async all<T = DockerNetwork>(envId: number): Promise<T[]> {
    return this.docker.get<T[]>(envId, '/networks');
  }

  inspect(envId: number, networkId: string): Promise<DockerNetwork> {
    return this.docker.get<DockerNetwork>(envId, `/networks/${id(networkId)}`);
  }

  create(envId: number, body: unknown): Promise<{ Id: string } & PortainerDecoration> {
    return this.docker.post(envId, '/networks/create', body);
  }

  remove(envId: number, networkId: string): Promise<unknown> {
    return this.docker.delete(envId, `/networks/${id(networkId)}`);
  }

  connect(envId: number, networkId: string, container: string, ipv4?: string): Promise<unknown> {
    return this.docker.post(envId, `/networks/${id(networkId)}/connect`, {
      Container: container,
      ...(ipv4 ? { EndpointConfig: { IPAMConfig: { IPv4Address: ipv4 } } } : {}),
    });
  }

  disconnect(envId: number, networkId: string, container: string): Promise<unknown> {
    return this.docker.post(envId, `/networks/${id(networkId)}/disconnect`, {
      Container: container,
      Force: false,
    });
  }
}

/** Swarm configs and secrets share their routes' shape. */
export type SwarmObjectKind = 'configs' | 'secrets';

/** A Swarm: the cluster, its nodes, services, tasks, configs and secrets. */
@Injectable({ providedIn: 'root' })
export class SwarmApi {
  private readonly docker = inject(DockerApi);

  inspect<T>(envId: number): Promise<T> {
    return this.docker.get<T>(envId, '/swarm');
  }

  nodes<T>(envId: number): Promise<Sourced<T[]>> {
    return this.docker.getWithSource<T[]>(envId, '/nodes');
  }

  /** `POST /nodes/{id}/update?version=` with the whole spec. */
  updateNode(envId: number, nodeId: string, version: number, spec: unknown): Promise<unknown> {
    return this.docker.post(envId, `/nodes/${id(nodeId)}/update`, spec, { version });
  }

  /** `GET /services?status=true` (running/desired counts included). */
  services<T>(envId: number): Promise<Sourced<T[]>> {
    return this.docker.getWithSource<T[]>(envId, '/services', { status: true });
  }

  service<T>(envId: number, serviceId: string): Promise<T> {
    return this.docker.get<T>(envId, `/services/${id(serviceId)}`);
  }

  /** `registryAuth`: the `X-Registry-Auth` value (a stored registry: `storedRegistryAuth(id)`). */
  createService(
    envId: number,
    spec: unknown,
    registryAuth?: string,
  ): Promise<PortainerDecoration & { ID: string }> {
    return this.docker.post(
      envId,
      '/services/create',
      spec,
      undefined,
      registryAuth ? { 'X-Registry-Auth': registryAuth } : {},
    );
  }

  /** `POST /services/{id}/update?version=` (plus e.g. `rollback: 'previous'`). */
  updateService(
    envId: number,
    serviceId: string,
    version: number,
    spec: unknown,
    query: DockerQuery = {},
  ): Promise<unknown> {
    return this.docker.post(envId, `/services/${id(serviceId)}/update`, spec, { version, ...query });
  }

  removeService(envId: number, serviceId: string): Promise<unknown> {
    return this.docker.delete(envId, `/services/${id(serviceId)}`);
  }

  serviceLogs(
    envId: number,
    serviceId: string,
    query: LogQuery,
    options: StreamOptions = {},
  ): Promise<Response> {
    return this.docker.stream(envId, 'GET', `/services/${id(serviceId)}/logs`, {
      query: { stdout: 1, stderr: 1, tail: query.tail, follow: query.follow ? 1 : 0 },
      signal: options.signal,
    });
  }

  /** The tasks of one service. */
  tasks<T>(envId: number, serviceId: string): Promise<T[]> {
    return this.docker.get<T[]>(envId, '/tasks', { filters: JSON.stringify({ service: [serviceId] }) });
  }

  objects<T>(envId: number, kind: SwarmObjectKind): Promise<Sourced<T[]>> {
    return this.docker.getWithSource<T[]>(envId, `/${kind}`);
  }

  createObject(envId: number, kind: SwarmObjectKind, body: unknown): Promise<unknown> {
    return this.docker.post(envId, `/${kind}/create`, body);
  }

  removeObject(envId: number, kind: SwarmObjectKind, objectId: string): Promise<unknown> {
    return this.docker.delete(envId, `/${kind}/${id(objectId)}`);
  }
}

/** The engine itself (`/info`, `/version`, events) and the agent's host routes. */
@Injectable({ providedIn: 'root' })
export class EngineApi {
  private readonly docker = inject(DockerApi);

  info<T>(envId: number, query?: DockerQuery): Promise<Sourced<T>> {
    return this.docker.getWithSource<T>(envId, '/info', query);
  }

  version<T>(envId: number): Promise<T> {
    return this.docker.get<T>(envId, '/version');
  }

  /** The live events WebSocket (`/api/websocket/events`). */
  eventsSocketUrl(envId: number): string {
    return this.docker.websocketUrl('events', { endpointId: envId });
  }

  /** A bounded read of `GET /events` (JSON lines; `until` makes the engine close the stream). */
  events(
    envId: number,
    range: { since: number; until: number },
    options: StreamOptions = {},
  ): Promise<Response> {
    return this.docker.stream(envId, 'GET', '/events', {
      query: { since: range.since, until: range.until },
      signal: options.signal,
    });
  }

  /** The agent's `GET /v2/host/info` of one node (`nodeName` in the query). */
  hostInfo<T>(envId: number, query?: DockerQuery): Promise<T> {
    return this.docker.get<T>(envId, '/v2/host/info', query);
  }

  /** The agent's `GET /v2/agents`: the members of its cluster (a standalone agent refuses it). */
  agents<T>(envId: number): Promise<T[] | null> {
    return this.docker.get<T[] | null>(envId, '/v2/agents');
  }
}

/** Where in a volume (or the host) the agent's browser works: `volumeID`, `nodeName`. */
export type BrowseTarget = DockerQuery;

/** The agent's file browser (`/v2/browse/*`) on a volume or the host. */
@Injectable({ providedIn: 'root' })
export class AgentBrowseApi {
  private readonly docker = inject(DockerApi);

  list<T>(envId: number, target: BrowseTarget, path: string): Promise<T[] | null> {
    return this.docker.get<T[] | null>(envId, '/v2/browse/ls', { ...target, path });
  }

  /** A file's bytes. */
  get(envId: number, target: BrowseTarget, path: string): Promise<Response> {
    return this.docker.stream(envId, 'GET', '/v2/browse/get', { query: { ...target, path } });
  }

  /** Uploads one file into `form`'s `Path`; resolves with the answer whatever its status. */
  put(
    envId: number,
    target: BrowseTarget,
    form: FormData,
    options: UploadOptions = {},
  ): Promise<UploadAnswer> {
    return this.docker.upload(envId, 'POST', '/v2/browse/put', {
      query: target,
      body: form,
      signal: options.signal,
      onProgress: options.onProgress,
    });
  }

  rename(envId: number, target: BrowseTarget, from: string, to: string): Promise<Response> {
    return this.docker.stream(envId, 'PUT', '/v2/browse/rename', {
      query: target,
      body: JSON.stringify({ CurrentFilePath: from, NewFilePath: to }),
      headers: { 'Content-Type': 'application/json' },
    });
  }

  delete(envId: number, target: BrowseTarget, path: string): Promise<Response> {
    return this.docker.stream(envId, 'DELETE', '/v2/browse/delete', { query: { ...target, path } });
  }
}
