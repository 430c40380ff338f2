import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber } from '@capstan/server-core';

@Entity({ name: 'audit_auth_logs' })
export class AuthLogEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  /** Milliseconds since the epoch. */
  @Column({ type: 'bigint', transformer: bigintNumber })
  timestamp!: number;

  @Column({ type: 'varchar', length: 255 })
  username!: string;

  @Column({ name: 'user_id', type: 'integer', nullable: true })
  userId!: number | null;

  /** Authentication method: internal, ldap, oauth, api-key. */
  @Column({ type: 'varchar', length: 16 })
  context!: string;

  /** Client address. */
  @Column({ type: 'varchar', length: 64 })
  origin!: string;

  /** success, failure, throttled, logout. */
  @Column({ type: 'varchar', length: 16 })
  type!: string;

  /** Why an attempt failed (wrong password, unknown user, directory unavailable…); '' otherwise. */
  @Column({ type: 'varchar', length: 255, default: '' })
  reason!: string;

  @Column({ name: 'request_id', type: 'varchar', length: 64 })
  requestId!: string;
}
