import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber } from '@capstan/server-core';

/** An API key: only its SHA-256 digest is stored; the raw key is shown once at creation. */
@Entity({ name: 'api_keys' })
export class ApiKeyEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'user_id', type: 'integer' })
  userId!: number;

  @Column({ type: 'varchar', length: 128 })
  description!: string;

  /** First 7 characters of the raw key, to recognise it in lists. */
  @Column({ type: 'varchar', length: 16 })
  prefix!: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  digest!: string;

  /** Unix seconds. */
  @Column({ name: 'date_created', type: 'bigint', transformer: bigintNumber })
  dateCreated!: number;

  /** Unix seconds, 0 = never used. */
  @Column({ name: 'last_used', type: 'bigint', transformer: bigintNumber, default: 0 })
  lastUsed!: number;
}
