import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '@capstan/server-core';

/** The last snapshot's summary (what lists need), one row per environment. */
@Entity({ name: 'environment_snapshots' })
export class SnapshotEntity {
  @PrimaryColumn({ name: 'environment_id', type: 'integer' })
  environmentId!: number;

  @Column({ type: 'bigint', transformer: bigintNumber })
  time!: number;

  /** JSON of DockerSnapshotSummary. */
  @Column({ type: 'text' })
  summary!: string;
}

/** The last snapshot's raw Docker lists, loaded only on demand (browsing a down environment). */
@Entity({ name: 'environment_snapshot_raw' })
export class SnapshotRawEntity {
  @PrimaryColumn({ name: 'environment_id', type: 'integer' })
  environmentId!: number;

  @Column({ type: 'text' })
  data!: string;
}
