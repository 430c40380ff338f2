import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { UserRole } from '@capstan/contracts-api';
import { bigintNumber } from '@capstan/server-core';

@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 255 })
  username!: string;

  /** Lower-cased username: uniqueness is case-insensitive. */
  @Column({ name: 'username_key', type: 'varchar', length: 255, unique: true })
  usernameKey!: string;

  @Column({ type: 'integer' })
  role!: UserRole;

  /** Null for users that only sign in through LDAP or OAuth. */
  @Column({ name: 'password_hash', type: 'varchar', length: 255, nullable: true })
  passwordHash!: string | null;

  /** Bumped when the password changes: tokens carrying an older version are refused. */
  @Column({ name: 'token_version', type: 'integer', default: 0 })
  tokenVersion!: number;

  /** Unix seconds of the last password change (Portainer's TokenIssueAt). */
  @Column({ name: 'token_issue_at', type: 'bigint', transformer: bigintNumber, default: 0 })
  tokenIssueAt!: number;

  @Column({ type: 'varchar', length: 16, default: '' })
  theme!: string;

  @Column({ name: 'use_cache', type: 'boolean', default: true })
  useCache!: boolean;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;
}
