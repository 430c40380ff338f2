import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber } from '@capstan/server-core';
import type { RegistryType } from '../registry-types';

/** Who may use a registry on one environment (Portainer's `RegistryAccesses[envId]`). */
export interface RegistryAccessRow {
  UserAccessPolicies: Record<string, { RoleId: number }>;
  TeamAccessPolicies: Record<string, { RoleId: number }>;
  Namespaces: string[];
}

/**
 * One stored registry (Portainer's Registry). Persistence only: responses come from `toRegistryResponse`.
 * Secrets (password or ECR secret key, the cached ECR token) are sealed with core's SecretBox.
 */
@Entity({ name: 'registries' })
export class RegistryEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ type: 'integer' })
  type!: RegistryType;

  @Column({ type: 'varchar', length: 512 })
  url!: string;

  @Column({ name: 'base_url', type: 'varchar', length: 512, default: '' })
  baseUrl!: string;

  @Column({ type: 'boolean', default: false })
  authentication!: boolean;

  @Column({ type: 'varchar', length: 512, default: '' })
  username!: string;

  @Column({ name: 'password_sealed', type: 'text', nullable: true })
  passwordSealed!: string | null;

  /** Type-specific settings: `{Gitlab?, Quay?, Ecr?, Github?}` as Portainer names them. */
  @Column({ type: 'simple-json' })
  options!: RegistryOptions;

  /** Environment id → who may use the registry there. */
  @Column({ type: 'simple-json' })
  accesses!: Record<string, RegistryAccessRow>;

  @Column({ name: 'access_token_sealed', type: 'text', nullable: true })
  accessTokenSealed!: string | null;

  @Column({ name: 'access_token_expiry', type: 'bigint', default: 0, transformer: bigintNumber })
  accessTokenExpiry!: number;
}

export interface RegistryOptions {
  Gitlab?: { ProjectId: number; InstanceURL: string; ProjectPath: string };
  Quay?: { UseOrganisation: boolean; OrganisationName: string };
  Ecr?: { Region: string };
  Github?: { UseOrganisation: boolean; OrganisationName: string };
}
