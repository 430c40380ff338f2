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

  /** Type 4: the edge agent's id, bound by its first poll (a different one is refused later). */
  @Column({ name: 'edge_id', type: 'varchar', length: 128, nullable: true })
  edgeId!: string | null;

  /** Type 4: the edge key given to the agent. */
  @Column({ name: 'edge_key', type: 'text', nullable: true })
  edgeKey!: string | null;

  /** Type 4: poll interval in seconds; 0 uses the settings' EdgeAgentCheckinInterval. */
  @Column({ name: 'edge_checkin_interval', type: 'integer', default: 0 })
  edgeCheckinInterval!: number;

  /** False while an edge device waits in the waiting room. */
  @Column({ name: 'user_trusted', type: 'boolean', default: true })
  userTrusted!: boolean;

  /** Last edge poll (ms), flushed in batches from memory. */
  @Column({ name: 'last_check_in', type: 'bigint', default: 0, transformer: bigintNumber })
  lastCheckIn!: number;

  /** SHA-256 (hex) of the per-environment poll secret, once given to the agent. */
  @Column({ name: 'edge_secret_hash', type: 'varchar', length: 128, nullable: true })
  edgeSecretHash!: string | null;

  /** Type 4: the agent runs in async mode (EDGE_ASYNC=1): no tunnel, snapshots and a command queue. */
  @Column({ name: 'edge_async', type: 'boolean', default: false })
  edgeAsync!: boolean;

  /** Type 4, async: ping, snapshot and command intervals in seconds; -1 the settings' default, 0 off. */
  @Column({ name: 'edge_ping_interval', type: 'integer', default: -1 })
  edgePingInterval!: number;

  @Column({ name: 'edge_snapshot_interval', type: 'integer', default: -1 })
  edgeSnapshotInterval!: number;

  @Column({ name: 'edge_command_interval', type: 'integer', default: -1 })
  edgeCommandInterval!: number;

  /** Type 4, global key: JSON of the onboarding metadata the agent asked for (edge groups, group, tags). */
  @Column({ name: 'edge_meta', type: 'text', nullable: true })
  edgeMeta!: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;
}
