import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { QueryFailedError } from 'typeorm';
import type { ApiErrorBody } from '@capstan/contracts-api';
import { DomainError } from '../errors';
import type { CapstanLogger } from '../logging/logger';

interface Mapped {
  status: number;
  body: ApiErrorBody;
  headers: Record<string, string>;
}

/** Fastify's `maxParamLength` (its default): a longer `:param` segment is refused before any route runs. */
export const MAX_PATH_PARAM_LENGTH = 100;

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
  if (isFastifyError(error)) {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return {
        status: 413,
        body: { message: 'Request body too large', details: 'The limit is 1 MB' },
        headers: {},
      };
    }
    if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      return { status: 400, body: { message: 'Malformed JSON body', details: error.message }, headers: {} };
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return {
        status: 415,
        body: {
          message: 'Unsupported content type',
          details: 'Send JSON with Content-Type: application/json',
        },
        headers: {},
      };
    }
    // Router errors (Fastify's frameworkErrors): the path is the caller's; it is not echoed back whole.
    if (error.code === 'FST_ERR_BAD_URL') {
      return {
        status: 400,
        body: { message: 'Malformed URL', details: 'The path is not valid percent-encoding' },
        headers: {},
      };
    }
    if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
      return {
        status: 414,
        body: {
          message: 'URL too long',
          details: `A path segment is longer than ${MAX_PATH_PARAM_LENGTH} characters`,
        },
        headers: {},
      };
    }
    if (error.statusCode >= 400 && error.statusCode < 500) {
      return {
        status: error.statusCode,
        body: { message: 'Invalid request', details: error.message },
        headers: {},
      };
    }
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

/** Errors Fastify raises before a route runs (body parsing, limits): they carry a status and an FST_ code. */
interface FastifyError {
  code: string;
  statusCode: number;
  message: string;
}

function isFastifyError(e: unknown): e is FastifyError {
  return (
    e instanceof Error &&
    typeof (e as { statusCode?: unknown }).statusCode === 'number' &&
    (typeof (e as { code?: unknown }).code === 'string' || e instanceof SyntaxError)
  );
}

@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: CapstanLogger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const req = host.switchToHttp().getRequest<FastifyRequest>();
    sendError(reply, req, error, this.logger);
  }
}

export function sendError(
  reply: FastifyReply,
  req: FastifyRequest,
  error: unknown,
  logger: CapstanLogger,
): void {
  const mapped = mapError(error);
  if (mapped.status >= 500) {
    logger.write('error', 'request failed', {
      method: req.method,
      path: req.url.split('?')[0],
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
  if (reply.sent || reply.raw.headersSent) {
    reply.raw.end();
    return;
  }
  void reply
    .status(mapped.status)
    .headers(mapped.headers)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify(mapped.body));
}
