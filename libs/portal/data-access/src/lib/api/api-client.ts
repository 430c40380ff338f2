import { Injectable, InjectionToken, inject } from '@angular/core';
import { API_HEADERS, type ApiErrorBody } from '@capstan/contracts-api';
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { Subject } from 'rxjs';

import { ApiError } from './api-error';
import type { paths } from './schema';

/** The fetch the client uses; tests replace it. */
export const API_FETCH = new InjectionToken<typeof fetch>('API_FETCH', {
  providedIn: 'root',
  factory: () => globalThis.fetch.bind(globalThis),
});

export type ApiEvent =
  /** A 401 from anything but `/api/auth`: the session cookie is no longer accepted. */
  | { type: 'unauthorized'; path: string }
  /** The server waited too long for the first administrator; only a restart helps. */
  | { type: 'admin-init-timeout' };

/** '' in the browser (same origin as the portal); tests give an absolute origin, Node's Request needs one. */
export const API_BASE_URL = new InjectionToken<string>('API_BASE_URL', {
  providedIn: 'root',
  factory: () => '',
});

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const ADMIN_INIT_TIMEOUT = 'AdminInitTimeout';

/**
 * The generated API client (openapi-fetch over the OpenAPI `paths`), same origin, cookie session.
 * Its middleware carries the CSRF token and reports session loss and the admin-init timeout as events;
 * the session store decides what the UI does with them.
 */
@Injectable({ providedIn: 'root' })
export class ApiClient {
  readonly events = new Subject<ApiEvent>();
  readonly raw: Client<paths>;
  private csrfToken: string | null = null;

  constructor() {
    const fetchImpl = inject(API_FETCH);
    this.raw = createClient<paths>({
      baseUrl: inject(API_BASE_URL),
      credentials: 'same-origin',
      fetch: (request: Request) => fetchImpl(request),
    });
    this.raw.use(this.middleware());
  }

  /** The CSRF token last seen on a response, sent back on state-changing requests. */
  get currentCsrfToken(): string | null {
    return this.csrfToken;
  }

  clearCsrfToken(): void {
    this.csrfToken = null;
  }

  /** For the other fetchers (Docker proxy): a CSRF token seen on their responses. */
  noteCsrfToken(token: string): void {
    this.csrfToken = token;
  }

  private middleware(): Middleware {
    return {
      onRequest: ({ request }) => {
        if (this.csrfToken && MUTATING.has(request.method.toUpperCase())) {
          request.headers.set(API_HEADERS.csrfToken, this.csrfToken);
        }
        return request;
      },
      onResponse: ({ request, response }) => {
        const token = response.headers.get(API_HEADERS.csrfToken);
        if (token) this.csrfToken = token;
        const path = new URL(request.url, 'http://localhost').pathname;
        if (response.status === 401 && !isAuthPath(path)) {
          this.events.next({ type: 'unauthorized', path });
        }
        if (isAdminInitTimeout(response)) {
          this.events.next({ type: 'admin-init-timeout' });
          // A followed redirect ends on the portal's HTML; give callers the API's error instead.
          if (response.redirected) return adminInitTimeoutResponse();
        }
        return response;
      },
    };
  }
}

function isAuthPath(path: string): boolean {
  return path === '/api/auth' || path.startsWith('/api/auth/');
}

/**
 * The server answers 303 + `Redirect-Reason: AdminInitTimeout`. If it also sends a Location, fetch follows
 * it and the header is lost, so a redirect that left `/api` counts as the same signal.
 */
function isAdminInitTimeout(response: Response): boolean {
  if (response.headers.get(API_HEADERS.redirectReason) === ADMIN_INIT_TIMEOUT) return true;
  if (response.redirected && response.url) {
    const path = new URL(response.url, 'http://localhost').pathname;
    return !path.startsWith('/api/');
  }
  return false;
}

function adminInitTimeoutResponse(): Response {
  const body: ApiErrorBody = {
    message: 'Administrator initialization timeout',
    details: 'No administrator was created in time after start-up. Restart Capstan to create one.',
  };
  return new Response(JSON.stringify(body), {
    status: 303,
    headers: { 'Content-Type': 'application/json', [API_HEADERS.redirectReason]: ADMIN_INIT_TIMEOUT },
  });
}

/**
 * Returns the data of a successful openapi-fetch result, throws `ApiError` otherwise. Also used for
 * replies without a body (204), where data is undefined.
 */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const result = await call;
  if (!result.response.ok) throw ApiError.from(result.response, result.error);
  return result.data as T;
}
