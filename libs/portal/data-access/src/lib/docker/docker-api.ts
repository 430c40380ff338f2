import { InjectionToken, Injectable, inject } from '@angular/core';
import { API_HEADERS } from '@capstan/contracts-api';
import { UNREACHABLE_NODES_HEADER, parseUnreachableNodes } from '@capstan/contracts-agent/wire';

import { API_BASE_URL, API_FETCH, ApiClient } from '../api/api-client';
import { ApiError } from '../api/api-error';

export type DockerQuery = Record<string, string | number | boolean | undefined | null>;

/** Header the server sets when a list was served from the last snapshot of a down environment. */
export const SNAPSHOT_HEADER = 'x-capstan-snapshot';
/**
 * The node names of a Swarm agent's `X-Capstan-Agent-Unreachable` value (`UNREACHABLE_NODES_HEADER`: the
 * nodes whose part of a fanned-out list is missing, passed on by the proxy), sorted; empty when absent.
 */
export function unreachableNodesOf(value: string | null): string[] {
  return parseUnreachableNodes(value).sort((a, b) => a.localeCompare(b));
}

/** Where a list came from: a snapshot time (environment down) and the Swarm nodes missing from it. */
export interface ListSource {
  snapshotTime: string | null;
  /** Sorted node names from `X-Capstan-Agent-Unreachable`; empty when the list is complete. */
  unreachableNodes: string[];
}

/** XMLHttpRequest for uploads with progress (fetch reports none); tests provide a double. */
export const XHR_FACTORY = new InjectionToken<() => XMLHttpRequest>('XHR_FACTORY', {
  providedIn: 'root',
  factory: () => () => new XMLHttpRequest(),
});

/** How much of an upload has been sent; `total` is null when the browser cannot tell. */
export interface UploadProgress {
  loaded: number;
  total: number | null;
}

/** An upload's answer, whatever its status (the caller reads the engine's or the agent's body). */
export interface UploadAnswer {
  status: number;
  text: string;
}

/** The `ApiError` of an upload's answer with an error status (Capstan's or the agent's `{message, details}`), else null. */
export function uploadFailure(answer: UploadAnswer): ApiError | null {
  if (answer.status >= 200 && answer.status < 300) return null;
  return ApiError.of(answer.status, parseAnswer(answer.text));
}

/** An upload that did not get an answer: the network failed, or the caller stopped it (`aborted`). */
export class UploadError extends Error {
  constructor(
    message: string,
    readonly aborted: boolean,
  ) {
    super(message);
  }
}

/** Node hints kept at most (container ids/names and exec ids → Swarm node). */
const MAX_NODE_HINTS = 20_000;
const CONTAINER_PATH = /^\/containers\/([^/?]+)\//;
const EXEC_PATH = /^\/exec\/([^/?]+)\//;

/**
 * The Docker Engine API of one environment, through Capstan's proxy (`/api/endpoints/{id}/docker/*`).
 * The engine API is not in Capstan's OpenAPI document, so calls are plain fetches with the session's CSRF
 * token; errors (Capstan's `{message, details}` or the engine's `{message}`) become `ApiError`.
 */
@Injectable({ providedIn: 'root' })
export class DockerApi {
  private readonly fetchImpl = inject(API_FETCH);
  private readonly base = inject(API_BASE_URL);
  private readonly client = inject(ApiClient);
  private readonly xhr = inject(XHR_FACTORY);

  /**
   * Swarm agent environments: the node of each container seen in a `/containers/json` list (its
   * `Portainer.Agent.NodeName`) and of each exec created on one, so later calls on them carry `nodeName` (Portainer's
   * clients do the same; the server can also find the node itself, at the price of a lookup).
   */
  private readonly nodeHints = new Map<string, string>();

  /** `/api/endpoints/{id}/docker{path}?query`, with the `nodeName` of a container or exec when it is known. */
  url(envId: number, path: string, query?: DockerQuery): string {
    const node = query?.['nodeName'] ? undefined : this.nodeOfPath(envId, path);
    return `${this.base}/api/endpoints/${envId}/docker${path}${toQuery(node ? { ...query, nodeName: node } : query)}`;
  }

  /** The Swarm node known for a container (id or name) or exec id of an environment, if any. */
  nodeOf(envId: number, id: string): string | undefined {
    return this.nodeHints.get(`${envId}/${id}`);
  }

  private nodeOfPath(envId: number, path: string): string | undefined {
    const m = CONTAINER_PATH.exec(path) ?? EXEC_PATH.exec(path);
    return m?.[1] ? this.nodeOf(envId, decodeURIComponent(m[1])) : undefined;
  }

  private hint(envId: number, id: string, node: string): void {
    if (this.nodeHints.size >= MAX_NODE_HINTS) this.nodeHints.clear();
    this.nodeHints.set(`${envId}/${id}`, node);
  }

  /** Learns nodes from a container list, and an exec's node from its container's. */
  private learn(envId: number, method: string, path: string, body: unknown, query?: DockerQuery): void {
    if (method === 'GET' && path === '/containers/json' && Array.isArray(body)) {
      for (const c of body as {
        Id?: string;
        Names?: string[];
        Portainer?: { Agent?: { NodeName?: string } };
      }[]) {
        const node = c.Portainer?.Agent?.NodeName;
        if (!node || !c.Id) continue;
        this.hint(envId, c.Id, node);
        for (const name of c.Names ?? []) this.hint(envId, name.replace(/^\//, ''), node);
      }
      return;
    }
    const exec = /^\/containers\/([^/?]+)\/exec$/.exec(path);
    const id = (body as { Id?: unknown } | undefined)?.Id;
    if (method === 'POST' && exec?.[1] && typeof id === 'string') {
      const node =
        (query?.['nodeName'] as string | undefined) ?? this.nodeOf(envId, decodeURIComponent(exec[1]));
      if (node) this.hint(envId, id, node);
    }
  }

  async get<T>(envId: number, path: string, query?: DockerQuery): Promise<T> {
    return (await this.json<T>('GET', envId, path, query)).body;
  }

  /**
   * GET that also says where the answer came from: the last snapshot (environment down), and on a Swarm agent
   * the nodes that did not answer (`unreachableNodes`).
   */
  async getWithSource<T>(
    envId: number,
    path: string,
    query?: DockerQuery,
  ): Promise<{ body: T } & ListSource> {
    return this.json<T>('GET', envId, path, query);
  }

  async post<T = unknown>(
    envId: number,
    path: string,
    body?: unknown,
    query?: DockerQuery,
    headers: Record<string, string> = {},
  ): Promise<T> {
    return (await this.json<T>('POST', envId, path, query, body, headers)).body;
  }

  async delete<T = unknown>(envId: number, path: string, query?: DockerQuery): Promise<T> {
    return (await this.json<T>('DELETE', envId, path, query)).body;
  }

  /**
   * A raw request whose body is read by the caller as a stream (pull progress, followed logs, exports).
   * Throws `ApiError` on a non-2xx status. Pass an AbortSignal to stop a followed stream.
   */
  async stream(
    envId: number,
    method: string,
    path: string,
    options: {
      query?: DockerQuery;
      body?: BodyInit;
      headers?: Record<string, string>;
      signal?: AbortSignal;
    } = {},
  ): Promise<Response> {
    const response = await this.send(method, this.url(envId, path, options.query), options.body, {
      headers: options.headers,
      signal: options.signal,
    });
    if (!response.ok) throw ApiError.from(response, await readJson(response));
    return response;
  }

  /**
   * A request body sent with upload progress (volume browser uploads, image imports): XMLHttpRequest with the same
   * CSRF token and 401 handling as the other calls. Resolves with the answer whatever its status; rejects with
   * `UploadError` on a network failure or when `signal` aborts (the request is cancelled).
   */
  upload(
    envId: number,
    method: string,
    path: string,
    options: {
      query?: DockerQuery;
      body: Blob | FormData;
      contentType?: string;
      onProgress?: (progress: UploadProgress) => void;
      signal?: AbortSignal;
    },
  ): Promise<UploadAnswer> {
    const url = this.url(envId, path, options.query);
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) {
        reject(new UploadError('Upload stopped', true));
        return;
      }
      const xhr = this.xhr();
      xhr.open(method, url);
      xhr.withCredentials = true;
      if (options.contentType) xhr.setRequestHeader('Content-Type', options.contentType);
      const csrf = this.client.currentCsrfToken;
      if (csrf) xhr.setRequestHeader(API_HEADERS.csrfToken, csrf);
      const stop = (): void => xhr.abort();
      options.signal?.addEventListener('abort', stop, { once: true });
      const done = (): void => options.signal?.removeEventListener('abort', stop);
      xhr.upload.onprogress = (e) =>
        options.onProgress?.({ loaded: e.loaded, total: e.lengthComputable ? e.total : null });
      xhr.onload = () => {
        done();
        const token = xhr.getResponseHeader(API_HEADERS.csrfToken);
        if (token) this.client.noteCsrfToken(token);
        if (xhr.status === 401)
          this.client.events.next({ type: 'unauthorized', path: new URL(url, 'http://x').pathname });
        resolve({ status: xhr.status, text: xhr.responseText });
      };
      xhr.onerror = () => {
        done();
        reject(new UploadError('The upload failed (network error)', false));
      };
      xhr.onabort = () => {
        done();
        reject(new UploadError('Upload stopped', true));
      };
      xhr.send(options.body);
    });
  }

  /**
   * A Capstan API route that the generated client does not know yet (e.g. `/api/resource_controls/{id}`
   * until the schema is regenerated): JSON in and out, same CSRF and error handling as the proxy calls.
   */
  async capstan<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.send(
      method,
      `${this.base}${path}`,
      body === undefined ? undefined : JSON.stringify(body),
      { headers: body === undefined ? {} : { 'Content-Type': 'application/json' } },
    );
    const parsed = await readJson(response);
    if (!response.ok) throw ApiError.from(response, parsed);
    return parsed as T;
  }

  /**
   * `ws(s)://host/api/websocket/{kind}?…` for consoles and live streams (the session cookie authenticates), with the
   * `nodeName` of the container or exec (`id`) when it is known.
   */
  websocketUrl(kind: string, query: DockerQuery): string {
    const origin = this.base || globalThis.location.origin;
    const envId = Number(query['endpointId']);
    const id = query['id'];
    const node = !query['nodeName'] && typeof id === 'string' ? this.nodeOf(envId, id) : undefined;
    return `${origin.replace(/^http/, 'ws')}/api/websocket/${kind}${toQuery(node ? { ...query, nodeName: node } : query)}`;
  }

  private async json<T>(
    method: string,
    envId: number,
    path: string,
    query?: DockerQuery,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<{ body: T } & ListSource> {
    const response = await this.send(
      method,
      this.url(envId, path, query),
      body === undefined ? undefined : JSON.stringify(body),
      { headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...extraHeaders } },
    );
    const parsed = await readJson(response);
    if (!response.ok) throw ApiError.from(response, parsed);
    this.learn(envId, method, path, parsed, query);
    return {
      body: parsed as T,
      snapshotTime: response.headers.get(SNAPSHOT_HEADER),
      unreachableNodes: unreachableNodesOf(response.headers.get(UNREACHABLE_NODES_HEADER)),
    };
  }

  private async send(
    method: string,
    url: string,
    body: BodyInit | undefined,
    init: { headers?: Record<string, string>; signal?: AbortSignal },
  ): Promise<Response> {
    const headers = new Headers(init.headers);
    const csrf = this.client.currentCsrfToken;
    if (csrf && method !== 'GET' && method !== 'HEAD') headers.set(API_HEADERS.csrfToken, csrf);
    const response = await this.fetchImpl(
      new Request(url, { method, body, headers, credentials: 'same-origin', signal: init.signal }),
    );
    const token = response.headers.get(API_HEADERS.csrfToken);
    if (token) this.client.noteCsrfToken(token);
    if (response.status === 401)
      this.client.events.next({ type: 'unauthorized', path: new URL(url, 'http://x').pathname });
    return response;
  }
}

async function readJson(response: Response): Promise<unknown> {
  return parseAnswer(await response.text());
}

/** An answer's body: its JSON, a short text as `{message}` (a proxy's HTML or plain error), nothing when empty. */
function parseAnswer(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { message: text.slice(0, 500) };
  }
}

function toQuery(query: DockerQuery | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}
