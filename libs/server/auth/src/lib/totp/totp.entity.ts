import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '@capstan/server-core';

/** A user's TOTP second factor (pending until confirmed with a first code). */
@Entity({ name: 'user_totp' })
export class TotpEntity {
  @PrimaryColumn({ name: 'user_id', type: 'integer' })
  userId!: number;

  /** The base32 shared secret, sealed with the secret box. */
  @Column({ name: 'secret_sealed', type: 'varchar', length: 255 })
  secretSealed!: string;

  @Column({ type: 'boolean', default: false })
  confirmed!: boolean;

  /** Highest accepted time step (unix seconds / 30): codes of this step or older are refused. */
  @Column({ name: 'last_step', type: 'bigint', transformer: bigintNumber, default: 0 })
  lastStep!: number;

  /** JSON array of SHA-256 hex digests of the unused recovery codes. */
  @Column({ name: 'recovery_digests', type: 'text', default: '[]' })
  recoveryDigests!: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;
}
