import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { API_HEADERS } from '@capstan/contracts-api';
import { AdminInitService } from './admin-init.service';

const ALWAYS_OPEN = new Set(['/api/system/status', '/api/status', '/api/settings/public']);

/**
 * After the admin-init window closed with no administrator: 303 on every API route but the open ones.
 * The server registers `onRequest` as a Fastify hook.
 */
@Injectable()
export class AdminInitGate {
  constructor(private readonly adminInit: AdminInitService) {}

  /** Resolves true when the request was answered (locked), false to let it through. */
  async onRequest(request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
    const path = request.url.split('?')[0] ?? '';
    if (!path.startsWith('/api/') || ALWAYS_OPEN.has(path)) return false;
    if (!(await this.adminInit.isLockedOut())) return false;
    await reply
      .status(303)
      .header(API_HEADERS.redirectReason, 'AdminInitTimeout')
      .type('application/json; charset=utf-8')
      .send(
        JSON.stringify({
          message: 'Administrator initialization timeout',
          details: 'No administrator was created in time after start-up. Restart Capstan to create one.',
        }),
      );
    return true;
  }
}
