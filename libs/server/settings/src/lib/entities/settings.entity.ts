import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '@capstan/server-core';

/** The settings singleton (id 1), stored as one JSON document like Portainer's settings bucket. */
@Entity({ name: 'settings' })
export class SettingsEntity {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'text' })
  value!: string;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintNumber })
  updatedAt!: number;
}
