import { BadRequestError } from '@capstan/server-core';

/** A list of ids in a query or form field: a JSON array or comma-separated numbers. */
export function parseIdList(text: string | undefined, name: string): number[] | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  let values: unknown[];
  try {
    values = text.trim().startsWith('[') ? (JSON.parse(text) as unknown[]) : text.split(',');
  } catch {
    throw new BadRequestError(
      'Invalid query parameter',
      `${name} must be a JSON array or a comma-separated list of numbers`,
    );
  }
  if (!Array.isArray(values)) throw new BadRequestError('Invalid query parameter', `${name} must be a list`);
  const ids = values.map((v) => Number(v));
  if (ids.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new BadRequestError('Invalid query parameter', `${name} must contain whole numbers only`);
  }
  return ids;
}
