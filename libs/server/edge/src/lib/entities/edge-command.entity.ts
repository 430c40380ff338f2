import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber } from '@capstan/server-core';

/** Where a queued command is: waiting, handed to the agent, confirmed by its commandTimestamp, or failed. */
export type EdgeCommandStatus = 'pending' | 'sent' | 'confirmed' | 'failed';

/** One command of an async edge environment's queue (Portainer EE's edge async commands). */
@Entity({ name: 'edge_commands' })
export class EdgeCommandEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'environment_id', type: 'integer' })
  environmentId!: number;

  @Column({ type: 'varchar', length: 32 })
  type!: string;

  @Column({ type: 'varchar', length: 16 })
  operation!: string;

  @Column({ type: 'varchar', length: 512, default: '' })
  path!: string;

  /** JSON of the command's value, sealed (edge stack commands carry registry credentials). */
  @Column({ name: 'value_sealed', type: 'text' })
  valueSealed!: string;

  /** What the command does, readable (portal, activity): "stop container web". No secret in it. */
  @Column({ type: 'varchar', length: 512, default: '' })
  summary!: string;

  /** Unix ms, unique per environment: the agent processes commands in this order and confirms up to one. */
  @Column({ type: 'bigint', transformer: bigintNumber })
  timestamp!: number;

  @Column({ type: 'varchar', length: 16 })
  status!: EdgeCommandStatus;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'created_by', type: 'integer', nullable: true })
  createdBy!: number | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;

  @Column({ name: 'sent_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  sentAt!: number | null;

  @Column({ name: 'done_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  doneAt!: number | null;
}

/** The last async snapshot the server acknowledged: the base the agent's next JSON patch applies to. */
@Entity({ name: 'edge_async_snapshots' })
export class EdgeAsyncSnapshotEntity {
  @Column({ name: 'environment_id', type: 'integer', primary: true })
  environmentId!: number;

  /** JSON of the agent's DockerSnapshot, as patched so far. */
  @Column({ type: 'text' })
  data!: string;

  /** snapshotHash of `data`'s value. */
  @Column({ type: 'bigint', transformer: bigintNumber })
  hash!: number;

  @Column({ type: 'bigint', transformer: bigintNumber })
  time!: number;
}
