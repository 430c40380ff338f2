import { API_HEADERS, type ApiErrorBody } from '@capstan/contracts-api';

/** A non-2xx API reply, with Portainer's `{message, details}` body when there is one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details = '',
    /** Seconds, from `Retry-After` (429). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static from(response: Response, body: unknown): ApiError {
    const parsed = isErrorBody(body) ? body : undefined;
    const retry = Number.parseInt(response.headers.get(API_HEADERS.retryAfter) ?? '', 10);
    return new ApiError(
      response.status,
      parsed?.message || response.statusText || `Request failed with status ${response.status}`,
      parsed?.details ?? '',
      Number.isFinite(retry) ? retry : undefined,
    );
  }
}

function isErrorBody(body: unknown): body is ApiErrorBody {
  return (
    typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string'
  );
}

/** A human sentence for any thrown value, for alerts and toasts. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    return error.details && error.details !== error.message
      ? `${error.message}: ${error.details}`
      : error.message;
  }
  if (error instanceof Error) return error.message;
  return 'Unexpected error';
}
