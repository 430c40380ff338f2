import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '@capstan/server-core';

/** A logged-out JWT, kept until it would have expired anyway. */
@Entity({ name: 'revoked_tokens' })
export class RevokedTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  jti!: string;

  /** Milliseconds since the epoch. */
  @Column({ name: 'expires_at', type: 'bigint', transformer: bigintNumber })
  expiresAt!: number;
}
