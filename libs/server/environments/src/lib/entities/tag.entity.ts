import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'tags' })
export class TagEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ name: 'name_key', type: 'varchar', length: 255, unique: true })
  nameKey!: string;
}

@Entity({ name: 'environment_tags' })
export class EnvironmentTagEntity {
  @Column({ name: 'environment_id', type: 'integer', primary: true })
  environmentId!: number;

  @Column({ name: 'tag_id', type: 'integer', primary: true })
  tagId!: number;
}

@Entity({ name: 'environment_group_tags' })
export class GroupTagEntity {
  @Column({ name: 'group_id', type: 'integer', primary: true })
  groupId!: number;

  @Column({ name: 'tag_id', type: 'integer', primary: true })
  tagId!: number;
}
