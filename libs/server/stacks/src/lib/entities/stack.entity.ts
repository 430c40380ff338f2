import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One stack (Portainer's Stack). Persistence only: responses come from `toStackResponse`. */
@Entity({ name: 'stacks' })
export class StackEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  /** 1 swarm, 2 compose. */
  @Column({ type: 'integer' })
  type!: number;

  /** No foreign key: a stack whose environment was deleted stays, orphaned, until it is associated again. */
  @Column({ name: 'environment_id', type: 'integer' })
  environmentId!: number;

  @Column({ name: 'swarm_id', type: 'varchar', length: 255, default: '' })
  swarmId!: string;

  @Column({ name: 'entry_point', type: 'varchar', length: 255, default: 'docker-compose.yml' })
  entryPoint!: string;

  /** JSON `[{name, value}]`. */
  @Column({ type: 'text', default: '[]' })
  env!: string;

  /** 1 active, 2 inactive. */
  @Column({ type: 'integer', default: 1 })
  status!: number;

  @Column({ name: 'additional_files', type: 'text', default: '[]' })
  additionalFiles!: string;

  /** The file version the stack runs (the files live under `<data>/compose/<id>/v<version>/`). */
  @Column({ name: 'file_version', type: 'integer', default: 1 })
  fileVersion!: number;

  /** JSON `{Prune}`. */
  @Column({ type: 'text', default: '{}' })
  options!: string;

  /** Git settings (JSON, Portainer's GitConfig; credentials sealed by the git module), null for file stacks. */
  @Column({ name: 'git_config', type: 'text', nullable: true })
  gitConfig!: string | null;

  /** JSON AutoUpdate {Interval, Webhook, JobID, ForceUpdate, ForcePullImage}, null when off. */
  @Column({ name: 'auto_update', type: 'text', nullable: true })
  autoUpdate!: string | null;

  @Column({ name: 'from_app_template', type: 'boolean', default: false })
  fromAppTemplate!: boolean;

  /** The output of the last deploy (compose's progress lines), kept for the stack's page. */
  @Column({ name: 'last_deploy_log', type: 'text', default: '' })
  lastDeployLog!: string;

  /**
   * A deploy in flight: 'create' (the stack is not confirmed yet) or 'update'. Cleared when it ends; one left at
   * start-up means the server died mid-deploy, and the start-up recovery makes the engine match the record.
   */
  @Column({ type: 'varchar', length: 16, default: '' })
  pending!: string;

  @Column({ name: 'created_at', type: 'bigint' })
  createdAt!: number;

  @Column({ name: 'created_by', type: 'varchar', length: 255, default: '' })
  createdBy!: string;

  @Column({ name: 'created_by_user_id', type: 'integer', nullable: true })
  createdByUserId!: number | null;

  @Column({ name: 'updated_at', type: 'bigint', default: 0 })
  updatedAt!: number;

  @Column({ name: 'updated_by', type: 'varchar', length: 255, default: '' })
  updatedBy!: string;
}
