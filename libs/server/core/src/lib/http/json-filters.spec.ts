import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../errors';
import { filterError, parseJsonFilters } from './json-filters';

const readers = {
  EndpointID: (v: unknown) => {
    if (v === 0) return undefined;
    if (typeof v !== 'number') throw filterError('EndpointID must be a positive integer');
    return v;
  },
  Name: (v: unknown) => String(v),
};
const parse = (text: string | undefined) => parseJsonFilters(text, readers, '{"EndpointID": 1}');
const refusal = (text: string) => {
  try {
    parse(text);
  } catch (e) {
    expect(e).toBeInstanceOf(BadRequestError);
    return { message: (e as BadRequestError).message, details: (e as BadRequestError).details };
  }
  throw new Error(`${text} was accepted`);
};

describe('parseJsonFilters', () => {
  it('reads known keys whatever their case, each through its reader', () => {
    expect(parse('{"endpointid": 3, "NAME": 7}')).toEqual({ EndpointID: 3, Name: '7' });
  });

  it('is empty for absent or empty text, and leaves out what a reader ignores', () => {
    expect(parse(undefined)).toEqual({});
    expect(parse('')).toEqual({});
    expect(parse('{"EndpointID": 0}')).toEqual({});
  });

  it('refuses text that is not a JSON object, an unknown key, and what a reader refuses', () => {
    expect(refusal('{nope')).toEqual({
      message: 'Invalid filters',
      details: 'filters must be JSON: {"EndpointID": 1}',
    });
    expect(refusal('[1]').details).toBe('filters must be a JSON object');
    expect(refusal('null').details).toBe('filters must be a JSON object');
    expect(refusal('{"Other": 1}').details).toBe('Unknown filter "Other" (EndpointID, Name)');
    expect(refusal('{"EndpointID": "x"}').details).toBe('EndpointID must be a positive integer');
  });
});
