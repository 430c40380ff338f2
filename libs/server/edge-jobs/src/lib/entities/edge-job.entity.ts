import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber } from '@capstan/server-core';

/** One edge job (Portainer's EdgeJob). Persistence only: responses come from `toEdgeJobResponse`. */
@Entity({ name: 'edge_jobs' })
export class EdgeJobEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  /** Normalised: five fields or a nickname (see `parseEdgeCron`). */
  @Column({ name: 'cron_expression', type: 'varchar', length: 255 })
  cronExpression!: string;

  @Column({ type: 'boolean', default: true })
  recurring!: boolean;

  /** The script itself (at most MAX_EDGE_JOB_SCRIPT bytes): every poll answer of a target carries it. */
  @Column({ type: 'text' })
  script!: string;

  /** Bumped when what the agent installs changes (script, schedule): the agent rewrites its cron file then. */
  @Column({ type: 'integer', default: 1 })
  version!: number;

  /** A run-once job's moment (ms); 0 for recurring jobs. Agents stop receiving it RUN_ONCE_GRACE_MS after. */
  @Column({ name: 'run_at', type: 'bigint', default: 0, transformer: bigintNumber })
  runAt!: number;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;

  @Column({ name: 'created_by', type: 'varchar', length: 255, default: '' })
  createdBy!: string;

  @Column({ name: 'updated_at', type: 'bigint', default: 0, transformer: bigintNumber })
  updatedAt!: number;
}

/**
 * One environment's side of a job: an explicit target (`explicit`), or an environment reached through an edge
 * group whose log collection was asked for (Portainer's GroupLogsCollection). Logs live in files, not here.
 */
@Entity({ name: 'edge_job_environments' })
export class EdgeJobEnvironmentEntity {
  @Column({ name: 'job_id', type: 'integer', primary: true })
  jobId!: number;

  @Column({ name: 'environment_id', type: 'integer', primary: true })
  environmentId!: number;

  @Column({ type: 'boolean', default: true })
  explicit!: boolean;

  /** 1 idle, 2 pending, 3 collected (Portainer's EdgeJobLogsStatus). */
  @Column({ name: 'logs_status', type: 'integer', default: 1 })
  logsStatus!: number;

  @Column({ name: 'collect_logs', type: 'boolean', default: false })
  collectLogs!: boolean;

  /** When the last log arrived (ms), 0 never. */
  @Column({ name: 'logs_at', type: 'bigint', default: 0, transformer: bigintNumber })
  logsAt!: number;

  @Column({ name: 'logs_size', type: 'integer', default: 0 })
  logsSize!: number;
}

/** A job's edge group targets (the group ids; edge groups are another module's, so no foreign key). */
@Entity({ name: 'edge_job_groups' })
export class EdgeJobGroupEntity {
  @Column({ name: 'job_id', type: 'integer', primary: true })
  jobId!: number;

  @Column({ name: 'group_id', type: 'integer', primary: true })
  groupId!: number;
}
