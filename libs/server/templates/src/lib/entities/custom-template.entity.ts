import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber } from '@capstan/server-core';

/** A custom template (Portainer's CustomTemplate). Its file lives under `<data>/custom_templates/<id>/`. */
@Entity({ name: 'custom_templates' })
export class CustomTemplateEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'varchar', length: 2000 })
  description!: string;

  @Column({ type: 'text', default: '' })
  note!: string;

  @Column({ type: 'varchar', length: 2048, default: '' })
  logo!: string;

  /** 1 linux, 2 windows. */
  @Column({ type: 'integer' })
  platform!: number;

  /** 1 Swarm stack, 2 compose stack, 3 Kubernetes. */
  @Column({ name: 'template_type', type: 'integer' })
  templateType!: number;

  /** JSON `TemplateVariable[]`. */
  @Column({ type: 'text', default: '[]' })
  variables!: string;

  @Column({ name: 'entry_point', type: 'varchar', length: 255 })
  entryPoint!: string;

  @Column({ name: 'edge_template', type: 'boolean', default: false })
  edgeTemplate!: boolean;

  @Column({ name: 'is_compose_format', type: 'boolean', default: false })
  isComposeFormat!: boolean;

  /** Git templates: Portainer's GitConfig (JSON, password sealed by the git lib); null otherwise. */
  @Column({ name: 'git_config', type: 'text', nullable: true })
  gitConfig!: string | null;

  @Column({ name: 'created_by', type: 'integer' })
  createdBy!: number;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;
}
