/**
 * Typed domain errors. Services throw these; the one error filter maps them to
 * `{message, details}` with the right status. `details` is a string, as in Portainer.
 */
export abstract class DomainError extends Error {
  abstract readonly status: number;
  readonly headers: Record<string, string> = {};
  constructor(
    message: string,
    readonly details = '',
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends DomainError {
  readonly status = 400;
}
export class UnauthorizedError extends DomainError {
  readonly status = 401;
}
export class ForbiddenError extends DomainError {
  readonly status = 403;
}
export class NotFoundError extends DomainError {
  readonly status = 404;
}
export class PayloadTooLargeError extends DomainError {
  readonly status = 413;
}
export class ConflictError extends DomainError {
  readonly status = 409;
}
export class UnprocessableError extends DomainError {
  readonly status = 422;
}
export class TooManyRequestsError extends DomainError {
  readonly status = 429;
  constructor(message: string, retryAfterSeconds: number) {
    super(message, `Retry after ${retryAfterSeconds} seconds`);
    this.headers['Retry-After'] = String(retryAfterSeconds);
  }
}
export class BadGatewayError extends DomainError {
  readonly status = 502;
}
export class ServiceUnavailableError extends DomainError {
  readonly status = 503;
}
