import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Group 1 "Unassigned" is created by the migration and cannot be deleted. */
@Entity({ name: 'environment_groups' })
export class EnvironmentGroupEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ name: 'name_key', type: 'varchar', length: 255, unique: true })
  nameKey!: string;

  @Column({ type: 'varchar', length: 1024, default: '' })
  description!: string;
}
