import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Server-wide values: the instance id, the sealed JWT secret, the schema marker. */
@Entity({ name: 'system_values' })
export class SystemValueEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  key!: string;

  @Column({ type: 'text' })
  value!: string;
}
