import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import type { ApiErrorBody } from '@capstan/contracts-api';
import { DomainError } from '../errors';
import type { CapstanLogger } from '../logging/logger';

interface Mapped {
  status: number;
  body: ApiErrorBody;
  headers: Record<string, string>;
}

/** Maps anything thrown into Portainer's `{message, details}` error body with the right status. */
export function mapError(error: unknown): Mapped {
  if (error instanceof DomainError) {
    return {
      status: error.status,
      body: { message: error.message, details: error.details },
      headers: error.headers,
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const res = error.getResponse();
    let message = error.message;
    let details = '';
    if (typeof res === 'object' && res !== null) {
      const r = res as { message?: unknown; details?: unknown; error?: unknown };
      if (Array.isArray(r.message)) {
        message = 'Invalid request payload';
        details = r.message.map(String).join('; ');
      } else if (typeof r.message === 'string') {
        message = r.message;
      }
      if (typeof r.details === 'string') details = r.details;
      else if (details === '' && typeof r.error === 'string') details = r.error;
    }
    return { status, body: { message, details }, headers: {} };
  }
  if (isBodyParserError(error)) {
    if (error.type === 'entity.too.large') {
      return {
        status: HttpStatus.PAYLOAD_TOO_LARGE,
        body: { message: 'Request body too large', details: `The limit is ${String(error.limit)} bytes` },
        headers: {},
      };
    }
    if (error.type === 'entity.parse.failed') {
      return { status: 400, body: { message: 'Malformed JSON body', details: error.message }, headers: {} };
    }
    return {
      status: error.status,
      body: { message: 'Invalid request body', details: error.message },
      headers: {},
    };
  }
  if (error instanceof QueryFailedError && /UNIQUE|duplicate key/i.test(error.message)) {
    return {
      status: 409,
      body: { message: 'A record with the same unique value exists', details: '' },
      headers: {},
    };
  }
  return {
    status: 500,
    body: { message: 'Internal server error', details: 'See the server log for this request id' },
    headers: {},
  };
}

interface BodyParserError {
  type: string;
  status: number;
  message: string;
  limit?: number;
}

function isBodyParserError(e: unknown): e is BodyParserError {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as { type?: unknown }).type === 'string' &&
    typeof (e as { status?: unknown }).status === 'number'
  );
}

@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: CapstanLogger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request>();
    sendError(res, req, error, this.logger);
  }
}

export function sendError(res: Response, req: Request, error: unknown, logger: CapstanLogger): void {
  const mapped = mapError(error);
  if (mapped.status >= 500) {
    logger.write('error', 'request failed', {
      method: req.method,
      path: req.originalUrl,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
  if (res.headersSent) {
    res.end();
    return;
  }
  for (const [k, v] of Object.entries(mapped.headers)) res.setHeader(k, v);
  res.status(mapped.status).type('application/json').send(JSON.stringify(mapped.body));
}
