import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { requestContext } from '@capstan/server-core';
import { AuditService } from './audit.service';
import { payloadText } from './redact';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Logins and logouts are in the authentication log already. */
const SKIPPED = [/^\/api\/auth(\/logout)?\/?$/];
const ENVIRONMENT_IN_PATH = /^\/api\/(?:endpoints|docker)\/(\d+)(?:\/|$)/;

/** Records every mutating API request once its response is finished, whatever the outcome (403s too). */
@Injectable()
export class ActivityAuditMiddleware implements NestMiddleware {
  constructor(private readonly audit: AuditService) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const path = req.originalUrl.split('?')[0] ?? '';
    if (!MUTATING.has(req.method) || !path.startsWith('/api/') || SKIPPED.some((re) => re.test(path))) {
      next();
      return;
    }
    const ctx = requestContext.getStore();
    res.on('finish', () => {
      const user = ctx?.user;
      const env = ENVIRONMENT_IN_PATH.exec(path);
      this.audit.recordActivity(
        {
          userId: user?.id ?? null,
          username: user?.username ?? '',
          method: req.method,
          path,
          environmentId: env ? Number(env[1]) : null,
          status: res.statusCode,
          payload: req.is('application/json') ? payloadText(req.body) : '',
        },
        ctx?.requestId ?? '',
      );
    });
    next();
  }
}
