import type { TransformFnParams } from 'class-transformer';

/**
 * class-transformer `@Transform` readers for query-string commands. A query's values are text: each reader turns
 * well-formed text into its value and leaves anything else as it came, for the class's validators to refuse with
 * their message. (Implicit conversion is not used: it would read `follow=false` as `true`.)
 */
export const QueryValue = {
  /** `3` → 3; `0`, `-1`, `1.5`, `abc` stay text (an `@IsInt() @Min(1)` then refuses them). */
  positiveInt: ({ value }: TransformFnParams): unknown =>
    typeof value === 'string' && /^\d{1,10}$/.test(value) && Number(value) >= 1 ? Number(value) : value,
  /** `true`/`1` and `false`/`0`; empty or absent is `fallback`. */
  boolean:
    (fallback: boolean) =>
    ({ value }: TransformFnParams): unknown => {
      if (value === undefined || value === '') return fallback;
      if (value === 'true' || value === '1') return true;
      if (value === 'false' || value === '0') return false;
      return value;
    },
  /** Empty text is the same as absent. */
  optional: ({ value }: TransformFnParams): unknown => (value === '' ? undefined : value),
} as const;

/**
 * A yes/no written as text (environment variables, form fields): `1`/`true`/`yes`/`on` is true,
 * `0`/`false`/`no`/`off` false (any case), anything else — absent included — undefined.
 */
export function readFlag(text: string | undefined): boolean | undefined {
  const v = text?.toLowerCase();
  if (v === undefined) return undefined;
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  return undefined;
}
