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
