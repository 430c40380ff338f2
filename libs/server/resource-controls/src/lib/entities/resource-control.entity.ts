import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One resource control: who owns a Docker resource (Portainer's ResourceControl). */
@Entity({ name: 'resource_controls' })
export class ResourceControlEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  /** null: created through the API without an environment, applies to every environment (Portainer's model). */
  @Column({ name: 'environment_id', type: 'integer', nullable: true })
  environmentId!: number | null;

  @Column({ name: 'resource_id', type: 'varchar', length: 255 })
  resourceId!: string;

  @Column({ type: 'integer' })
  type!: number;

  /** JSON string[] */
  @Column({ name: 'sub_resource_ids', type: 'text' })
  subResourceIds!: string;

  @Column({ type: 'boolean', default: false })
  public!: boolean;

  @Column({ name: 'administrators_only', type: 'boolean', default: false })
  administratorsOnly!: boolean;

  /** JSON [{UserId, AccessLevel}] */
  @Column({ name: 'user_accesses', type: 'text' })
  userAccesses!: string;

  /** JSON [{TeamId, AccessLevel}] */
  @Column({ name: 'team_accesses', type: 'text' })
  teamAccesses!: string;

  @Column({ name: 'created_at', type: 'bigint' })
  createdAt!: number;
}
