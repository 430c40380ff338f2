import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber } from '@capstan/server-core';

@Entity({ name: 'audit_activity_logs' })
export class ActivityLogEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'bigint', transformer: bigintNumber })
  timestamp!: number;

  @Column({ name: 'user_id', type: 'integer', nullable: true })
  userId!: number | null;

  @Column({ type: 'varchar', length: 255 })
  username!: string;

  @Column({ type: 'varchar', length: 8 })
  method!: string;

  @Column({ type: 'varchar', length: 2048 })
  path!: string;

  @Column({ name: 'environment_id', type: 'integer', nullable: true })
  environmentId!: number | null;

  @Column({ type: 'integer' })
  status!: number;

  /** The request body as JSON, secrets redacted, truncated. */
  @Column({ type: 'text' })
  payload!: string;

  /** What happened, in words ("stopped container web"); '' when no route describes the request. */
  @Column({ type: 'varchar', length: 512, default: '' })
  description!: string;

  @Column({ name: 'request_id', type: 'varchar', length: 64 })
  requestId!: string;
}
