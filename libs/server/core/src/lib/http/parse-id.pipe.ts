import { Injectable, PipeTransform } from '@nestjs/common';
import { BadRequestError } from '../errors';

/** Route ids: positive 31-bit integers, with Portainer's error text. */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!/^\d{1,10}$/.test(value) || Number(value) < 1 || Number(value) > 2_147_483_647) {
      throw new BadRequestError(
        'Invalid identifier route variable',
        `"${value.slice(0, 64)}" is not a valid id`,
      );
    }
    return Number(value);
  }
}

/**
 * A query-string id (`?endpointId=3`): absent or empty is undefined; anything but a positive 31-bit integer is a
 * 400 naming the parameter.
 */
export function optionalQueryId(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,10}$/.test(raw) || Number(raw) < 1 || Number(raw) > 2_147_483_647)
    throw new BadRequestError(`Invalid query parameter: ${name}`, `${name} must be a positive integer`);
  return Number(raw);
}

/** {@link optionalQueryId}, and a 400 when the parameter is absent. */
export function requiredQueryId(raw: string | undefined, name: string): number {
  const id = optionalQueryId(raw, name);
  if (id === undefined) throw new BadRequestError(`Invalid query parameter: ${name}`, `${name} is required`);
  return id;
}
