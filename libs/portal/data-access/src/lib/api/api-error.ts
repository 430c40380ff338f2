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
    const retry = Number.parseInt(response.headers.get(API_HEADERS.retryAfter) ?? '', 10);
    return ApiError.of(
      response.status,
      body,
      response.statusText,
      Number.isFinite(retry) ? retry : undefined,
    );
  }

  /** The error of a status and its parsed body, where there is no `Response` (an XMLHttpRequest upload). */
  static of(status: number, body: unknown, statusText = '', retryAfter?: number): ApiError {
    const parsed = isErrorBody(body) ? body : undefined;
    return new ApiError(
      status,
      parsed?.message || statusText || `Request failed with status ${status}`,
      parsed?.details ?? '',
      retryAfter,
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
