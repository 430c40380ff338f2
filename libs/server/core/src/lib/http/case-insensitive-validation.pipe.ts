import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { getMetadataStorage, validateSync, ValidationError } from 'class-validator';
import { defaultMetadataStorage } from './class-transformer-storage';
import { BadRequestError } from '../errors';

type Ctor<T extends object = object> = ClassConstructor<T>;

const NATIVE: readonly unknown[] = [String, Boolean, Number, Array, Object];

/**
 * Validates bodies and queries against their DTO classes, like Nest's ValidationPipe (whitelist, transform),
 * but first matches the request's keys to the DTO's properties case-insensitively: Portainer's Go server
 * accepted `Username` and `username` alike, and its clients send both.
 */
@Injectable()
export class CaseInsensitiveValidationPipe implements PipeTransform {
  transform(value: unknown, meta: ArgumentMetadata): Promise<unknown> {
    return Promise.resolve().then(() => this.validate(value, meta));
  }

  private validate(value: unknown, meta: ArgumentMetadata): unknown {
    const type = meta.metatype as Ctor | undefined;
    if (!type || NATIVE.includes(type) || (meta.type !== 'body' && meta.type !== 'query')) return value;
    if (
      meta.type === 'body' &&
      (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value))
    ) {
      throw new BadRequestError('Invalid request payload', 'The request body must be a JSON object');
    }
    return validatedInstance(type, value as Record<string, unknown>, {
      implicitConversion: meta.type === 'query',
      message: 'Invalid request payload',
    });
  }
}

/**
 * The one way outside input becomes a validated instance of its class (HTTP bodies and queries, and the commands
 * of entry points that are not controllers): keys matched case-insensitively, unknown keys dropped, every
 * problem listed at once in a 400 `{message, details}`.
 */
export function validatedInstance<T extends object>(
  type: Ctor<T>,
  value: Record<string, unknown>,
  options: { implicitConversion: boolean; message: string },
): T {
  const normalised = normaliseKeys(value, type);
  const instance = plainToInstance(type, normalised, {
    enableImplicitConversion: options.implicitConversion,
  });
  const errors = validateSync(instance, { whitelist: true, forbidUnknownValues: false });
  if (errors.length > 0) throw new BadRequestError(options.message, flatten(errors).join('; '));
  return instance;
}

function propertiesOf(type: Ctor): string[] {
  const metas = getMetadataStorage().getTargetValidationMetadatas(type, '', true, false);
  return [...new Set(metas.map((m) => m.propertyName))];
}

function nestedTypeOf(type: Ctor, property: string): Ctor | undefined {
  // class-transformer's @Type() metadata tells which class a nested object is.
  return (
    (defaultMetadataStorage.findTypeMetadata(type, property)?.typeFunction() as Ctor | undefined) ?? undefined
  );
}

export function normaliseKeys(value: Record<string, unknown>, type: Ctor): Record<string, unknown> {
  const props = propertiesOf(type);
  const byLower = new Map(props.map((p) => [p.toLowerCase(), p]));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const prop = byLower.get(key.toLowerCase());
    if (prop === undefined) continue;
    // An exact-case key wins over a differently-cased duplicate.
    if (prop in out && key !== prop) continue;
    const nested = nestedTypeOf(type, prop);
    if (nested && v !== null && typeof v === 'object') {
      out[prop] = Array.isArray(v)
        ? v.map((item: unknown) =>
            item !== null && typeof item === 'object'
              ? normaliseKeys(item as Record<string, unknown>, nested)
              : item,
          )
        : normaliseKeys(v as Record<string, unknown>, nested);
    } else {
      out[prop] = v;
    }
  }
  return out;
}

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((msg) =>
      msg.startsWith(e.property) ? `${path}${msg.slice(e.property.length)}` : `${path}: ${msg}`,
    );
    // One line per problem: two rules failing with the same message (`@IsInt` and `@Min`) say it once.
    return [...new Set(own), ...flatten(e.children ?? [], path)];
  });
}
