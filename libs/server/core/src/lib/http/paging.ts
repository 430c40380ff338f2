import type { Response } from 'express';
import { API_HEADERS } from '@capstan/contracts-api';

/** Sets `X-Total-Count` (and `X-Total-Available`) on a paged list reply. */
export function setTotalCount(res: Response, total: number, available: number = total): void {
  res.setHeader(API_HEADERS.totalCount, String(total));
  res.setHeader(API_HEADERS.totalAvailable, String(available));
}
