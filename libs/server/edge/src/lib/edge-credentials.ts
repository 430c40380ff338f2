import { createHash, timingSafeEqual } from 'node:crypto';
import { ForbiddenError } from '@capstan/server-core';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Whether a call carries the environment's poll secret (none stored: none or `?` given). */
export function edgeSecretOk(hash: string | null, given: string | undefined): boolean {
  if (hash === null) return given === undefined || given === '?';
  if (given === undefined || given === '?') return false;
  const h = sha256Hex(given);
  return h.length === hash.length && timingSafeEqual(Buffer.from(h), Buffer.from(hash));
}

/** Every refusal of an edge agent's call: 403 with the reason in `details`. */
export function edgeRefused(details: string): ForbiddenError {
  return new ForbiddenError('Unable to authenticate the edge agent', details);
}
