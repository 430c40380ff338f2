import { inject } from '@angular/core';

import { API_BASE_URL, API_FETCH } from '../api/api-client';
import { XHR_FACTORY } from '../docker/docker-api';

/**
 * A fake `fetch` for unit tests: routes by "METHOD /path" to canned replies and records every request.
 * Lives beside the client so feature tests can share it (exported from the lib's `testing` entry).
 */
export interface RecordedRequest {
  method: string;
  path: string;
  search: string;
  headers: Headers;
  body: unknown;
}

type Reply = { status?: number; body?: unknown; headers?: Record<string, string> };

/** A canned reply, or a function of the request giving one (a promise of one: an answer that takes time). */
export type FakeReply = Reply | ((req: RecordedRequest) => Reply | Promise<Reply>);

export class FakeApi {
  readonly requests: RecordedRequest[] = [];
  private readonly routes = new Map<string, FakeReply>();
  private fallback: FakeReply | null = null;

  on(route: string, reply: FakeReply): this {
    this.routes.set(route, reply);
    return this;
  }

  /** The reply to any request no route matches (else 404). */
  otherwise(reply: FakeReply): this {
    this.fallback = reply;
    return this;
  }

  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request =
      input instanceof Request ? input : new Request(new URL(String(input), 'http://localhost'), init);
    const url = new URL(request.url, 'http://localhost');
    const text = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text();
    const recorded: RecordedRequest = {
      method: request.method,
      path: url.pathname,
      search: url.search,
      headers: request.headers,
      body: text ? (JSON.parse(text) as unknown) : undefined,
    };
    this.requests.push(recorded);
    const route = this.routes.get(`${request.method} ${url.pathname}`) ?? this.fallback;
    if (!route) return json(404, { message: 'Not found', details: `${request.method} ${url.pathname}` });
    const reply = typeof route === 'function' ? await route(recorded) : route;
    const status = reply.status ?? 200;
    if (status === 204 || reply.body === undefined)
      return new Response(null, { status, headers: reply.headers });
    return json(status, reply.body, reply.headers);
  };

  last(route: string): RecordedRequest | undefined {
    return [...this.requests].reverse().find((r) => `${r.method} ${r.path}` === route);
  }
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

/** A user as the API returns it; override what the test cares about. */
export function userFactory(
  overrides: Partial<{ Id: number; Username: string; Role: number; color: string }> = {},
) {
  return {
    Id: overrides.Id ?? 1,
    Username: overrides.Username ?? 'admin',
    Role: overrides.Role ?? 1,
    TokenIssueAt: 0,
    ThemeSettings: { color: overrides.color ?? '' },
    UseCache: true,
  };
}

/** Providers that route the API client (fetch, and the XMLHttpRequest uploads) to a FakeApi. */
export function provideFakeApi(api: FakeApi) {
  return [
    { provide: API_FETCH, useValue: api.fetch },
    { provide: API_BASE_URL, useValue: 'http://localhost' },
    // Whatever API_FETCH the test ends up with (e.g. multipartFetch) also serves uploads.
    { provide: XHR_FACTORY, useFactory: () => fetchBackedXhr(inject(API_FETCH)) },
  ];
}

/**
 * An XMLHttpRequest double the test drives: records what was sent, then the test plays the network's part
 * (`progress`, `answer`, `onerror`). Provide it with `{ provide: XHR_FACTORY, useValue: ManualXhr.factory }`.
 */
export class ManualXhr {
  static last: ManualXhr | null = null;
  method = '';
  url = '';
  withCredentials = false;
  readonly headers: Record<string, string> = {};
  readonly upload: { onprogress: ((e: ProgressEvent) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  status = 0;
  responseText = '';
  sent: unknown = undefined;
  aborted = false;
  private answerHeaders = new Headers();
  constructor() {
    ManualXhr.last = this;
  }
  static readonly factory = (): XMLHttpRequest => new ManualXhr() as unknown as XMLHttpRequest;
  open(method: string, url: string): void {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string): void {
    this.headers[name] = value;
  }
  getResponseHeader(name: string): string | null {
    return this.answerHeaders.get(name);
  }
  send(body: unknown): void {
    this.sent = body;
  }
  abort(): void {
    this.aborted = true;
    this.onabort?.();
  }
  progress(loaded: number, total: number | null): void {
    this.upload.onprogress?.({
      loaded,
      total: total ?? 0,
      lengthComputable: total !== null,
    } as ProgressEvent);
  }
  answer(status: number, text: string, headers: Headers = new Headers()): void {
    this.status = status;
    this.responseText = text;
    this.answerHeaders = headers;
    this.onload?.();
  }
}

/**
 * An XMLHttpRequest double for uploads that sends through a fetch function: one progress event with the whole
 * body, then the answer (or onerror when the fetch throws, onabort on abort()).
 */
export function fetchBackedXhr(fetchImpl: typeof fetch): () => XMLHttpRequest {
  return () => new FetchBackedXhr(fetchImpl) as unknown as XMLHttpRequest;
}

/** A ManualXhr that plays the network's part itself, through a fetch function. */
class FetchBackedXhr extends ManualXhr {
  constructor(private readonly fetchImpl: typeof fetch) {
    super();
  }

  override send(body: Blob | FormData | null): void {
    super.send(body);
    const size = body instanceof Blob ? body.size : 0;
    void (async () => {
      try {
        const res = await this.fetchImpl(
          new Request(new URL(this.url, 'http://localhost'), {
            method: this.method,
            headers: this.headers,
            body,
          }),
        );
        if (this.aborted) return;
        this.progress(size, size > 0 ? size : null);
        this.answer(res.status, await res.text(), res.headers);
      } catch {
        if (!this.aborted) this.onerror?.();
      }
    })();
  }
}
