import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { EnvironmentType } from '@capstan/contracts-api';
import { bigintNumber } from '@capstan/server-core';

/** A managed environment. TLS material is sealed (SecretBox) and never returned by the API. */
@Entity({ name: 'environments' })
export class EnvironmentEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ name: 'name_key', type: 'varchar', length: 255, unique: true })
  nameKey!: string;

  /** Portainer's EndpointType (the contracts' `EnvironmentType`). */
  @Column({ type: 'integer' })
  type!: EnvironmentType;

  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  @Column({ name: 'public_url', type: 'varchar', length: 2048, default: '' })
  publicUrl!: string;

  @Column({ name: 'group_id', type: 'integer', default: 1 })
  groupId!: number;

  /** docker or podman. */
  @Column({ name: 'container_engine', type: 'varchar', length: 16, default: 'docker' })
  containerEngine!: string;

  @Column({ type: 'boolean', default: false })
  tls!: boolean;

  @Column({ name: 'tls_skip_verify', type: 'boolean', default: false })
  tlsSkipVerify!: boolean;

  @Column({ name: 'tls_ca', type: 'text', nullable: true })
  tlsCa!: string | null;

  @Column({ name: 'tls_cert', type: 'text', nullable: true })
  tlsCert!: string | null;

  @Column({ name: 'tls_key', type: 'text', nullable: true })
  tlsKey!: string | null;

  /** Type 2: the agent's version (Portainer-Agent header) when it was added. */
  @Column({ name: 'agent_version', type: 'varchar', length: 64, nullable: true })
  agentVersion!: string | null;

  /** 1 up, 2 down. */
  @Column({ type: 'integer', default: 1 })
  status!: number;

  /** JSON of the SecuritySettings toggles. */
  @Column({ name: 'security_settings', type: 'text' })
  securitySettings!: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;
}
