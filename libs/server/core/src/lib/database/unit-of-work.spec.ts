import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { UnitOfWork } from './unit-of-work';

// The port under test is the database itself: a real SQLite data source (in memory), as the server opens it.

/** A promise and the function that settles it, to hold a unit of work open at a known point. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** Resolves once the event loop has had a few turns: enough for anything not held back to finish. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

describe('UnitOfWork on SQLite', () => {
  let source: DataSource;
  let uow: UnitOfWork;

  const rows = async (): Promise<string[]> =>
    (await source.query<{ v: string }[]>('SELECT v FROM t ORDER BY id')).map((r) => r.v);

  beforeEach(async () => {
    source = new DataSource({ type: 'sqlite', database: ':memory:', logging: false });
    await source.initialize();
    await source.query('CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT NOT NULL)');
    uow = new UnitOfWork(source);
  });

  afterEach(async () => {
    await source.destroy();
  });

  it('commits every write of the unit and returns its result', async () => {
    const result = await uow.run(async (tx) => {
      await tx.query(`INSERT INTO t (v) VALUES ('a')`);
      await tx.query(`INSERT INTO t (v) VALUES ('b')`);
      return 42;
    });
    expect(result).toBe(42);
    expect(await rows()).toEqual(['a', 'b']);
  });

  it('rolls back every write when a step throws, and rethrows', async () => {
    const failure = new Error('second step failed');
    await expect(
      uow.run(async (tx) => {
        await tx.query(`INSERT INTO t (v) VALUES ('a')`);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await rows()).toEqual([]);
    // The shared connection is usable afterwards, in and outside units.
    await uow.run((tx) => tx.query(`INSERT INTO t (v) VALUES ('c')`));
    await source.query(`INSERT INTO t (v) VALUES ('d')`);
    expect(await rows()).toEqual(['c', 'd']);
  });

  it('joins a unit started inside another: one transaction, rolled back as a whole', async () => {
    let inner: unknown;
    let outer: unknown;
    await expect(
      uow.run(async (tx) => {
        outer = tx;
        await tx.query(`INSERT INTO t (v) VALUES ('outer')`);
        await uow.run(async (nested) => {
          inner = nested;
          await nested.query(`INSERT INTO t (v) VALUES ('inner')`);
        });
        throw new Error('after the nested unit returned');
      }),
    ).rejects.toThrow('after the nested unit returned');
    expect(inner).toBe(outer);
    expect(await rows()).toEqual([]);
  });

  it('hands out the open transaction through manager() inside a unit, the data source outside', async () => {
    let inside: unknown;
    await uow.run((tx) => {
      inside = uow.manager();
      expect(uow.manager(tx)).toBe(tx);
      return Promise.resolve();
    });
    expect(inside).not.toBe(source.manager);
    expect(uow.manager()).toBe(source.manager);
  });

  it('runs units one at a time: the second begins after the first commits', async () => {
    const steps: string[] = [];
    const hold = gate();
    const first = uow.run(async (tx) => {
      steps.push('first:begin');
      await tx.query(`INSERT INTO t (v) VALUES ('first')`);
      await hold.opened;
      steps.push('first:end');
    });
    const second = uow.run(async (tx) => {
      steps.push('second:begin');
      await tx.query(`INSERT INTO t (v) VALUES ('second')`);
      steps.push('second:end');
    });
    await settle();
    expect(steps).toEqual(['first:begin']);
    hold.open();
    await Promise.all([first, second]);
    expect(steps).toEqual(['first:begin', 'first:end', 'second:begin', 'second:end']);
    expect(await rows()).toEqual(['first', 'second']);
  });

  it('a failing unit does not block the ones queued behind it', async () => {
    const failed = uow.run(async () => {
      await settle();
      throw new Error('boom');
    });
    const next = uow.run((tx) => tx.query(`INSERT INTO t (v) VALUES ('next')`));
    await expect(failed).rejects.toThrow('boom');
    await next;
    expect(await rows()).toEqual(['next']);
  });

  it('holds back statements from outside while a unit is open, so a rollback cannot take them along', async () => {
    const hold = gate();
    const unit = uow.run(async (tx) => {
      await tx.query(`INSERT INTO t (v) VALUES ('unit')`);
      await hold.opened;
      throw new Error('rolled back');
    });
    await settle();
    let outsideDone = false;
    // Another request's autocommitted write, sent while the unit's transaction is open on the shared connection.
    const outside = source.query(`INSERT INTO t (v) VALUES ('outside')`).then(() => (outsideDone = true));
    await settle();
    expect(outsideDone).toBe(false);
    hold.open();
    await expect(unit).rejects.toThrow('rolled back');
    await outside;
    // Acknowledged means committed: the outside write survives the unit's rollback.
    expect(await rows()).toEqual(['outside']);
  });

  it('reads from outside wait too: they never see a unit half done', async () => {
    const hold = gate();
    const unit = uow.run(async (tx) => {
      await tx.query(`INSERT INTO t (v) VALUES ('a')`);
      await hold.opened;
      await tx.query(`INSERT INTO t (v) VALUES ('b')`);
    });
    await settle();
    const seen = rows();
    await settle();
    hold.open();
    await unit;
    expect(await seen).toEqual(['a', 'b']);
  });

  it('waits for a statement already in flight before it begins, without deadlock', async () => {
    const order: string[] = [];
    // A statement from outside that is running on the shared connection when the unit is asked for.
    const slow = source
      .query(
        'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000) SELECT count(*) AS n FROM c',
      )
      .then(() => order.push('outside statement'));
    const unit = uow.run(async (tx) => {
      order.push('unit begins');
      await tx.query(`INSERT INTO t (v) VALUES ('unit')`);
    });
    await Promise.race([
      Promise.all([slow, unit]),
      new Promise((_, reject) => setTimeout(() => reject(new Error('deadlock')), 5_000)),
    ]);
    expect(order).toEqual(['outside statement', 'unit begins']);
    expect(await rows()).toEqual(['unit']);
  });

  it('installs one gate per data source: two UnitOfWork instances still serialise', async () => {
    const other = new UnitOfWork(source);
    const steps: string[] = [];
    const hold = gate();
    const first = uow.run(async () => {
      steps.push('first');
      await hold.opened;
    });
    const second = other.run(() => {
      steps.push('second');
      return Promise.resolve();
    });
    await settle();
    expect(steps).toEqual(['first']);
    hold.open();
    await Promise.all([first, second]);
    expect(steps).toEqual(['first', 'second']);
  });
});
