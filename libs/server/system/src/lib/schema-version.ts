/**
 * The database schema version as a person reads it: the number of applied migrations, then what the newest one
 * added and when it was written — "5 (webhooks, 2025-11-26)" instead of the class name `Webhooks1764200000000`.
 * Migrations are named `<WhatItAdds><unix ms>` (TypeORM's convention); a name without the timestamp is shown as is.
 */
export function schemaVersion(migrations: readonly { name: string }[]): string {
  const newest = migrations[migrations.length - 1];
  if (!newest) return '0';
  const match = /^(.*?)(\d{13})$/.exec(newest.name);
  if (!match) return `${migrations.length} (${newest.name})`;
  const what = match[1]
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase();
  const written = new Date(Number(match[2])).toISOString().slice(0, 10);
  return `${migrations.length} (${what}, ${written})`;
}
