import { Injectable, inject } from '@angular/core';
import { API_HEADERS } from '@capstan/contracts-api';

import { API_BASE_URL, API_FETCH, ApiClient } from '../api/api-client';
import { ApiError } from '../api/api-error';

export type DockerQuery = Record<string, string | number | boolean | undefined | null>;

/** Header the server sets when a list was served from the last snapshot of a down environment. */
export const SNAPSHOT_HEADER = 'x-capstan-snapshot';

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

  /** `/api/endpoints/{id}/docker{path}?query`. */
  url(envId: number, path: string, query?: DockerQuery): string {
    return `${this.base}/api/endpoints/${envId}/docker${path}${toQuery(query)}`;
  }

  async get<T>(envId: number, path: string, query?: DockerQuery): Promise<T> {
    return (await this.json<T>('GET', envId, path, query)).body;
  }

  /** GET that also says whether the answer came from the last snapshot (environment down). */
  async getWithSource<T>(
    envId: number,
    path: string,
    query?: DockerQuery,
  ): Promise<{ body: T; snapshotTime: string | null }> {
    return this.json<T>('GET', envId, path, query);
  }

  async post<T = unknown>(envId: number, path: string, body?: unknown, query?: DockerQuery): Promise<T> {
    return (await this.json<T>('POST', envId, path, query, body)).body;
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

  /** `ws(s)://host/api/websocket/{kind}?…` for consoles and live streams (the session cookie authenticates). */
  websocketUrl(kind: string, query: DockerQuery): string {
    const origin = this.base || globalThis.location.origin;
    return `${origin.replace(/^http/, 'ws')}/api/websocket/${kind}${toQuery(query)}`;
  }

  private async json<T>(
    method: string,
    envId: number,
    path: string,
    query?: DockerQuery,
    body?: unknown,
  ): Promise<{ body: T; snapshotTime: string | null }> {
    const response = await this.send(
      method,
      this.url(envId, path, query),
      body === undefined ? undefined : JSON.stringify(body),
      { headers: body === undefined ? {} : { 'Content-Type': 'application/json' } },
    );
    const parsed = await readJson(response);
    if (!response.ok) throw ApiError.from(response, parsed);
    return { body: parsed as T, snapshotTime: response.headers.get(SNAPSHOT_HEADER) };
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
  const text = await response.text();
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
