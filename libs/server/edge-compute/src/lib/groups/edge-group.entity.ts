import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Persistence only: responses come from `EdgeGroupsService.responses`. */
@Entity({ name: 'edge_groups' })
export class EdgeGroupEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ name: 'name_key', type: 'varchar', length: 255, unique: true })
  nameKey!: string;

  @Column({ type: 'boolean', default: false })
  dynamic!: boolean;

  @Column({ name: 'partial_match', type: 'boolean', default: false })
  partialMatch!: boolean;
}

@Entity({ name: 'edge_group_tags' })
export class EdgeGroupTagEntity {
  @Column({ name: 'edge_group_id', type: 'integer', primary: true })
  edgeGroupId!: number;

  @Column({ name: 'tag_id', type: 'integer', primary: true })
  tagId!: number;
}

@Entity({ name: 'edge_group_environments' })
export class EdgeGroupEnvironmentEntity {
  @Column({ name: 'edge_group_id', type: 'integer', primary: true })
  edgeGroupId!: number;

  @Column({ name: 'environment_id', type: 'integer', primary: true })
  environmentId!: number;
}
