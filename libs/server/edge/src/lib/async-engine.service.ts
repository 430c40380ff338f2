import { Injectable } from '@nestjs/common';
import type { Duplex } from 'node:stream';
import { SnapshotService } from '@capstan/server-environments';
import { AsyncEngine } from './async-engine';
import { EdgeCommands } from './edge-commands.service';

/** The emulated engine of async edge environments (see `AsyncEngine`), wired to the snapshots and the queue. */
@Injectable()
export class AsyncEngineService {
  private readonly engine: AsyncEngine;

  constructor(snapshots: SnapshotService, commands: EdgeCommands) {
    this.engine = new AsyncEngine({
      snapshot: (id) => snapshots.rawWithTime(id),
      enqueue: (id, type, value, summary) => commands.enqueue(id, type, value, { summary }),
    });
  }

  connect(environmentId: number): Duplex {
    return this.engine.connect(environmentId);
  }
}
