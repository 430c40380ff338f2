import type { ValueTransformer } from 'typeorm';

/** PostgreSQL returns BIGINT as a string; SQLite as a number. Entities always see a number. */
export const bigintNumber: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | number | null) => (v === null ? null : Number(v)),
};
