import { BadRequestException, NotFoundException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { ConflictError, TooManyRequestsError } from '../errors';
import { mapError } from './error.filter';

describe('mapError', () => {
  it('maps domain errors with their status, details and headers', () => {
    expect(mapError(new ConflictError('Taken', 'Username "a" is taken'))).toEqual({
      status: 409,
      body: { message: 'Taken', details: 'Username "a" is taken' },
      headers: {},
    });
    const throttled = mapError(new TooManyRequestsError('Too many', 42));
    expect(throttled.status).toBe(429);
    expect(throttled.headers).toEqual({ 'Retry-After': '42' });
  });

  it("maps Nest's exceptions into the same body", () => {
    expect(mapError(new NotFoundException('Cannot GET /api/nope')).body).toEqual({
      message: 'Cannot GET /api/nope',
      details: 'Not Found',
    });
    expect(mapError(new BadRequestException(['a must be a string', 'b should not be empty'])).body).toEqual({
      message: 'Invalid request payload',
      details: 'a must be a string; b should not be empty',
    });
  });

  it('maps body-parser errors to 400 and 413', () => {
    expect(mapError({ type: 'entity.parse.failed', status: 400, message: 'Unexpected token' }).status).toBe(
      400,
    );
    expect(
      mapError({ type: 'entity.too.large', status: 413, message: 'too large', limit: 1024 }).body.details,
    ).toContain('1024');
  });

  it('hides internal errors behind a generic 500', () => {
    const mapped = mapError(new Error('SQLITE_CORRUPT at /data/capstan.db'));
    expect(mapped.status).toBe(500);
    expect(JSON.stringify(mapped.body)).not.toContain('SQLITE');
  });
});
