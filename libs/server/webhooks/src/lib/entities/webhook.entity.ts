import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One service webhook (Portainer's Webhook). Persistence only: responses come from `toResponse`. */
@Entity({ name: 'webhooks' })
export class WebhookEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 64 })
  token!: string;

  /** The Swarm service id. */
  @Column({ name: 'resource_id', type: 'varchar', length: 255 })
  resourceId!: string;

  @Column({ name: 'environment_id', type: 'integer' })
  environmentId!: number;

  @Column({ name: 'registry_id', type: 'integer', default: 0 })
  registryId!: number;

  @Column({ name: 'webhook_type', type: 'integer' })
  webhookType!: number;

  @Column({ name: 'created_by', type: 'integer', nullable: true })
  createdBy!: number | null;

  @Column({ name: 'created_at', type: 'bigint' })
  createdAt!: number;
}
