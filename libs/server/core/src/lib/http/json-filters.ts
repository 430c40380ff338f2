import { BadRequestError } from '../errors';

/** Reads one filter's value: the value to keep, `undefined` to ignore it, or a throw (see {@link filterError}). */
export type FilterReader<T> = (value: unknown) => T | undefined;

type FilterValues<R extends Record<string, FilterReader<unknown>>> = {
  [K in keyof R]?: Exclude<ReturnType<R[K]>, undefined>;
};

/** The 400 a filter reader throws for a bad value: `Invalid filters` with what was wrong. */
export function filterError(details: string): BadRequestError {
  return new BadRequestError('Invalid filters', details);
}

/**
 * Portainer's `?filters=` query: a JSON object whose keys (matched case-insensitively) are the names of `readers`.
 * Absent or empty is no filter; text that is not a JSON object, or an unknown key, is a 400 `Invalid filters`
 * (`example` shows the expected shape). Each reader checks its own value.
 */
export function parseJsonFilters<R extends Record<string, FilterReader<unknown>>>(
  text: string | undefined,
  readers: R,
  example: string,
): FilterValues<R> {
  if (text === undefined || text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw filterError(`filters must be JSON: ${example}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw filterError('filters must be a JSON object');
  const names = Object.keys(readers);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const name = names.find((n) => n.toLowerCase() === k.toLowerCase());
    if (name === undefined) throw filterError(`Unknown filter "${k}" (${names.join(', ')})`);
    const read = readers[name]?.(v);
    if (read !== undefined) out[name] = read;
  }
  return out as FilterValues<R>;
}
