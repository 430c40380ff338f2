import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'teams' })
export class TeamEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ name: 'name_key', type: 'varchar', length: 255, unique: true })
  nameKey!: string;

  /** The identity source this team follows ('ldap' | 'oauth'), or null: not synced. */
  @Column({ name: 'link_source', type: 'varchar', length: 16, nullable: true })
  linkSource!: string | null;

  /** The source's group (an LDAP group DN or name, an OAuth group claim value), compared case-insensitively. */
  @Column({ name: 'link_group', type: 'varchar', length: 1024, nullable: true })
  linkGroup!: string | null;
}
