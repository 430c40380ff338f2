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

  it("maps Fastify's body errors to 400, 413 and 415", () => {
    const err = (code: string, statusCode: number, message: string) =>
      Object.assign(new Error(message), { code, statusCode });
    expect(mapError(err('FST_ERR_CTP_INVALID_JSON_BODY', 400, 'Unexpected token')).body.message).toBe(
      'Malformed JSON body',
    );
    expect(mapError(err('FST_ERR_CTP_BODY_TOO_LARGE', 413, 'too large')).status).toBe(413);
    expect(mapError(err('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, 'nope')).status).toBe(415);
  });

  it("maps Fastify's router errors without echoing the path", () => {
    const err = (code: string, statusCode: number, message: string) =>
      Object.assign(new Error(message), { code, statusCode });
    const long = 'a'.repeat(500);
    expect(mapError(err('FST_ERR_MAX_PARAM_LENGTH', 414, `'/api/x/${long}' is exceeding`))).toEqual({
      status: 414,
      body: { message: 'URL too long', details: 'A path segment is longer than 100 characters' },
      headers: {},
    });
    expect(mapError(err('FST_ERR_BAD_URL', 400, "'/api/%zz' is not a valid url component"))).toEqual({
      status: 400,
      body: { message: 'Malformed URL', details: 'The path is not valid percent-encoding' },
      headers: {},
    });
  });

  it('hides internal errors behind a generic 500', () => {
    const mapped = mapError(new Error('SQLITE_CORRUPT at /data/capstan.db'));
    expect(mapped.status).toBe(500);
    expect(JSON.stringify(mapped.body)).not.toContain('SQLITE');
  });
});
