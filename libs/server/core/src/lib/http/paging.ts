import { API_HEADERS } from '@capstan/contracts-api';

/** Anything that can set a response header (a Fastify reply). */
export interface HeaderSink {
  header(name: string, value: string): unknown;
}

/** Sets `X-Total-Count` (and `X-Total-Available`) on a paged list reply. */
export function setTotalCount(reply: HeaderSink, total: number, available: number = total): void {
  reply.header(API_HEADERS.totalCount, String(total));
  reply.header(API_HEADERS.totalAvailable, String(available));
}
