import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requestContext } from '@capstan/server-core';
import { AuditService } from './audit.service';
import { describeActivity } from './describe-activity';
import { payloadText, redactPath } from './redact';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Logins and logouts are in the authentication log already. */
const SKIPPED = [/^\/api\/auth(\/logout)?\/?$/];
const ENVIRONMENT_IN_PATH = /^\/api\/(?:endpoints|docker)\/(\d+)(?:\/|$)/;

/**
 * Records every mutating API request once its response is sent, whatever the outcome (401/403 refusals too).
 * The server registers `onResponse` as a Fastify hook, so it runs for every route and sees the parsed body.
 */
@Injectable()
export class ActivityRecorder {
  constructor(private readonly audit: AuditService) {}

  onResponse(request: FastifyRequest, reply: Pick<FastifyReply, 'statusCode'>): void {
    const path = request.url.split('?')[0] ?? '';
    if (!MUTATING.has(request.method) || !path.startsWith('/api/') || SKIPPED.some((re) => re.test(path)))
      return;
    const ctx = requestContext.getStore();
    const user = ctx?.user;
    const env = ENVIRONMENT_IN_PATH.exec(path);
    const json = (request.headers['content-type'] ?? '').includes('json');
    const query = new URLSearchParams(request.url.split('?')[1] ?? '');
    const body = json ? request.body : undefined;
    this.audit.recordActivity(
      {
        userId: user?.id ?? null,
        username: user?.username ?? '',
        method: request.method,
        path: redactPath(path),
        environmentId: env ? Number(env[1]) : null,
        status: reply.statusCode,
        payload: json ? payloadText(request.body) : '',
        description: describeActivity({
          method: request.method,
          path,
          query,
          body,
          target: ctx?.activityTarget,
        }),
      },
      ctx?.requestId ?? '',
    );
  }
}
