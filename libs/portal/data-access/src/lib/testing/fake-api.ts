import { API_BASE_URL, API_FETCH } from '../api/api-client';

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

export type FakeReply =
  | { status?: number; body?: unknown; headers?: Record<string, string> }
  | ((req: RecordedRequest) => { status?: number; body?: unknown; headers?: Record<string, string> });

export class FakeApi {
  readonly requests: RecordedRequest[] = [];
  private readonly routes = new Map<string, FakeReply>();

  on(route: string, reply: FakeReply): this {
    this.routes.set(route, reply);
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
    const route = this.routes.get(`${request.method} ${url.pathname}`);
    if (!route) return json(404, { message: 'Not found', details: `${request.method} ${url.pathname}` });
    const reply = typeof route === 'function' ? route(recorded) : route;
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

/** Providers that route the API client to a FakeApi. */
export function provideFakeApi(api: FakeApi) {
  return [
    { provide: API_FETCH, useValue: api.fetch },
    { provide: API_BASE_URL, useValue: 'http://localhost' },
  ];
}
