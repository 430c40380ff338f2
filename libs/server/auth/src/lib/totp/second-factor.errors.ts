import { API_HEADERS } from '@capstan/contracts-api';
import { UnauthorizedError, UnprocessableError } from '@capstan/server-core';

/** The authentication log's context for second-factor checks. */
export const TOTP_CONTEXT = 'totp';

/**
 * The password was right but a second factor is due: a 401 (so a Portainer client that knows nothing of it stops
 * with a clear message) carrying a short-lived second-step token in a header.
 */
export class SecondFactorRequired extends UnauthorizedError {
  constructor(message: string, details: string, challenge: string) {
    super(message, details);
    this.headers[API_HEADERS.secondFactor] = challenge;
  }
}

export function expiredChallenge(): UnauthorizedError {
  return new UnauthorizedError('Invalid or expired second-step token', 'Sign in with your password again');
}

export function invalidCode(): UnprocessableError {
  return new UnprocessableError('Invalid two-factor code', 'Unauthorized');
}
