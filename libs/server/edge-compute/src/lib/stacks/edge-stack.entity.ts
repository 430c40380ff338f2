import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber } from '@capstan/server-core';

/** Persistence only: responses come from `EdgeStacksService`. Env and Registries are JSON text. */
@Entity({ name: 'edge_stacks' })
export class EdgeStackEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 255, unique: true })
  name!: string;

  @Column({ type: 'integer', default: 1 })
  version!: number;

  @Column({ name: 'deployment_type', type: 'integer', default: 0 })
  deploymentType!: number;

  @Column({ name: 'entry_point', type: 'varchar', length: 1024, default: 'docker-compose.yml' })
  entryPoint!: string;

  @Column({ type: 'text' })
  env!: string;

  @Column({ type: 'text' })
  registries!: string;

  @Column({ name: 'git_config', type: 'text', nullable: true })
  gitConfig!: string | null;

  @Column({ name: 'created_at', type: 'bigint', default: 0, transformer: bigintNumber })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', default: 0, transformer: bigintNumber })
  updatedAt!: number;
}

@Entity({ name: 'edge_stack_groups' })
export class EdgeStackGroupEntity {
  @Column({ name: 'edge_stack_id', type: 'integer', primary: true })
  edgeStackId!: number;

  @Column({ name: 'edge_group_id', type: 'integer', primary: true })
  edgeGroupId!: number;
}

/** One environment's reports for one stack: the history (JSON `[{Type, Error, Time}]`) and its version. */
@Entity({ name: 'edge_stack_statuses' })
export class EdgeStackStatusEntity {
  @Column({ name: 'edge_stack_id', type: 'integer', primary: true })
  edgeStackId!: number;

  @Column({ name: 'environment_id', type: 'integer', primary: true })
  environmentId!: number;

  @Column({ type: 'text' })
  history!: string;

  @Column({ type: 'integer', default: 0 })
  version!: number;

  @Column({ name: 'updated_at', type: 'bigint', default: 0, transformer: bigintNumber })
  updatedAt!: number;
}
