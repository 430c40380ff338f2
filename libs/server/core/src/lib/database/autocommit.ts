import type { RemoveOptions, SaveOptions } from 'typeorm';

/**
 * Options for every `save()`/`remove()`: one statement, committed on its own.
 *
 * TypeORM's SQLite driver shares one query runner between all callers. A `save()` that starts a transaction
 * while another caller's is open does not start its own: it runs inside the other one, returns, and the
 * request is acknowledged before anything is committed — a SIGKILL then loses an acknowledged write (the
 * durability test caught it). Single statements in autocommit mode are each durable when they return.
 * Several rows that change together go through `UnitOfWork.run()` instead (unit-of-work.ts), which serialises.
 */
export const AUTOCOMMIT: SaveOptions & RemoveOptions = { transaction: false };
