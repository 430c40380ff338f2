import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { API_HEADERS } from '@capstan/contracts-api';
import { AdminInitService } from './admin-init.service';

const ALWAYS_OPEN = new Set(['/api/system/status', '/api/status', '/api/settings/public']);

/** After the admin-init window closed with no administrator: 303 on every API route but the open ones. */
@Injectable()
export class AdminInitMiddleware implements NestMiddleware {
  constructor(private readonly adminInit: AdminInitService) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const path = req.originalUrl.split('?')[0] ?? '';
    if (!path.startsWith('/api/') || ALWAYS_OPEN.has(path)) {
      next();
      return;
    }
    this.adminInit.isLockedOut().then(
      (locked) => {
        if (!locked) {
          next();
          return;
        }
        res.setHeader(API_HEADERS.redirectReason, 'AdminInitTimeout');
        res
          .status(303)
          .type('application/json')
          .send(
            JSON.stringify({
              message: 'Administrator initialization timeout',
              details: 'No administrator was created in time after start-up. Restart Capstan to create one.',
            }),
          );
      },
      (e: unknown) => next(e),
    );
  }
}
