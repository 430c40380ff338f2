import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ActivityPort, requestContext, type EntryActivity } from '@capstan/server-core';
import { AuditService } from './audit.service';
import { describeActivity } from './describe-activity';
import { payloadText, redactPath } from './redact';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Logins (with their second step and required enrolment) and logouts are in the authentication log already. */
const SKIPPED = [
  /^\/api\/auth(\/logout|\/totp(\/enrol(\/confirm)?)?|\/oauth\/validate)?\/?$/,
  // The async edge agents' heartbeat (pings, snapshots, command ticks every few seconds, megabytes of Docker
  // lists): like the standard poll (a GET), not a user's mutation. The commands it carries were audited when queued.
  /^\/api\/endpoints\/edge\/async$/,
];
const ENVIRONMENT_IN_PATH = /^\/api\/(?:endpoints|docker)\/(\d+)(?:\/|$)/;

/**
 * Records every mutating API request once its response is sent, whatever the outcome (401/403 refusals too).
 * The server registers `onResponse` as a Fastify hook, so it runs for every route (the Docker proxy included) and
 * sees the parsed body. Entry points outside Fastify (WebSocket consoles) record through `record()`, the
 * `ActivityPort` of core's entry pipeline.
 */
@Injectable()
export class ActivityRecorder extends ActivityPort {
  constructor(private readonly audit: AuditService) {
    super();
  }

  onResponse(request: FastifyRequest, reply: Pick<FastifyReply, 'statusCode'>): void {
    const path = request.url.split('?')[0] ?? '';
    if (!MUTATING.has(request.method) || !path.startsWith('/api/') || SKIPPED.some((re) => re.test(path)))
      return;
    const env = ENVIRONMENT_IN_PATH.exec(path);
    const json = (request.headers['content-type'] ?? '').includes('json');
    this.write(
      {
        method: request.method,
        path,
        status: reply.statusCode,
        environmentId: env ? Number(env[1]) : null,
        payload: requestContext.getStore()?.activityPayload ?? (json ? request.body : undefined),
      },
      new URLSearchParams(request.url.split('?')[1] ?? ''),
    );
  }

  /** One activity entry, by the caller and request of the current request context. */
  record(activity: EntryActivity): void {
    this.write(activity, new URLSearchParams());
  }

  private write(activity: EntryActivity, query: URLSearchParams): void {
    const ctx = requestContext.getStore();
    const user = ctx?.user;
    this.audit.recordActivity(
      {
        userId: user?.id ?? null,
        username: user?.username ?? '',
        method: activity.method,
        path: redactPath(activity.path),
        environmentId: activity.environmentId,
        status: activity.status,
        payload: activity.payload === undefined ? '' : payloadText(activity.payload),
        description: describeActivity({
          method: activity.method,
          path: activity.path,
          query,
          body: activity.payload,
          target: ctx?.activityTarget,
        }),
      },
      ctx?.requestId ?? '',
    );
  }
}
