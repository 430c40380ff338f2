import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

/** What a unit of work hands its steps: TypeORM's manager bound to the open transaction. */
export type Transaction = EntityManager;

interface Scope {
  readonly source: DataSource;
  readonly manager: EntityManager;
}

const scopes = new AsyncLocalStorage<Scope>();

/**
 * Several writes as one transaction: all of them or none, acknowledged only once committed.
 *
 * PostgreSQL: a real transaction on a pooled connection of its own.
 *
 * SQLite: TypeORM shares one connection (one query runner) between every caller, so a `BEGIN` there would take in
 * whatever statement another request sends meanwhile, and that request would be acknowledged with a write that a
 * rollback — or a SIGKILL before `COMMIT` — then drops. Units of work are therefore serialised, and while one is
 * open the shared runner holds back every statement that does not belong to it (see {@link SqliteGate}).
 *
 * A unit of work started inside another joins it (one transaction, the outer one commits).
 */
@Injectable()
export class UnitOfWork {
  private readonly gate?: SqliteGate;

  constructor(@InjectDataSource() private readonly source: DataSource) {
    if (source.options.type === 'sqlite') this.gate = SqliteGate.install(source);
  }

  run<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const outer = scopes.getStore();
    if (outer && outer.source === this.source) return work(outer.manager);
    const transaction = () =>
      this.source.transaction((manager) => scopes.run({ source: this.source, manager }, () => work(manager)));
    return this.gate ? this.gate.exclusive(transaction) : transaction();
  }

  /** The open transaction's manager when called inside a unit of work, else the data source's own. */
  manager(tx?: Transaction): EntityManager {
    return tx ?? scopes.getStore()?.manager ?? this.source.manager;
  }
}

const GATES = new WeakMap<DataSource, SqliteGate>();

/**
 * Serialises units of work on SQLite's shared query runner: one at a time; while one is open (from the moment it
 * waits for statements already sent to finish, until its COMMIT or ROLLBACK returns), statements from outside it
 * wait at the runner's `query()`.
 */
export class SqliteGate {
  private tail: Promise<void> = Promise.resolve();
  private owner: symbol | undefined;
  private readonly ownerContext = new AsyncLocalStorage<symbol>();
  private released: Promise<void> = Promise.resolve();
  private inflight = 0;
  private drained: (() => void) | undefined;

  static install(source: DataSource): SqliteGate {
    const existing = GATES.get(source);
    if (existing) return existing;
    const gate = new SqliteGate();
    gate.wrap(source.driver.createQueryRunner('master'));
    GATES.set(source, gate);
    return gate;
  }

  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    this.tail = previous.then(() => mine);
    return previous.then(async () => {
      const id = Symbol('unit-of-work');
      let release!: () => void;
      this.released = new Promise<void>((resolve) => (release = resolve));
      this.owner = id;
      try {
        if (this.inflight > 0) await new Promise<void>((resolve) => (this.drained = resolve));
        return await this.ownerContext.run(id, work);
      } finally {
        this.owner = undefined;
        release();
        done();
      }
    });
  }

  private wrap(runner: QueryRunner): void {
    const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
    const gated = async (...args: unknown[]): Promise<unknown> => {
      if (this.owner !== undefined && this.ownerContext.getStore() === this.owner) return query(...args);
      while (this.owner !== undefined) await this.released;
      this.inflight += 1;
      try {
        return await query(...args);
      } finally {
        this.inflight -= 1;
        if (this.inflight === 0 && this.drained) {
          const drained = this.drained;
          this.drained = undefined;
          drained();
        }
      }
    };
    (runner as { query: unknown }).query = gated;
  }
}
