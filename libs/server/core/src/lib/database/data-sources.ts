import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { CapstanConfig } from '../config/capstan-config';
import { InitialSchema1763856000000 } from './migrations/main/1763856000000-initial-schema';
import { AuditSchema1763856000001 } from './migrations/audit/1763856000001-audit-schema';
import { ActivityDescription1765000000000 } from './migrations/audit/1765000000000-activity-description';
import { AuthLogReason1766410000001 } from './migrations/audit/1766410000001-auth-log-reason';
import { Environments1763900000000 } from './migrations/main/1763900000000-environments';
import { ResourceControls1764000000000 } from './migrations/main/1764000000000-resource-controls';
import { AgentKeys1764100000000 } from './migrations/main/1764100000000-agent-keys';
import { Webhooks1764200000000 } from './migrations/main/1764200000000-webhooks';
import { Totp1766914000000 } from './migrations/main/1766914000000-totp';
import { CustomTemplates1766900000000 } from './migrations/main/1766900000000-custom-templates';
import { CustomTemplateGit1766910100000 } from './migrations/main/1766910100000-custom-template-git';
import { Stacks1766100000000 } from './migrations/main/1766100000000-stacks';
import { Registries1766110000000 } from './migrations/main/1766110000000-registries';
import { TeamLinks1766410000000 } from './migrations/main/1766410000000-team-links';
import { EdgeEnvironments1766120000000 } from './migrations/main/1766120000000-edge-environments';
import { EdgeAsync1766121000000 } from './migrations/main/1766121000000-edge-async';
import { EdgeGroups1766137100000 } from './migrations/main/1766137100000-edge-groups';
import { EdgeStacks1766137200000 } from './migrations/main/1766137200000-edge-stacks';
import { EdgeJobs1766138000000 } from './migrations/main/1766138000000-edge-jobs';

export const AUDIT_DATA_SOURCE = 'audit';

export const MAIN_MIGRATIONS = [
  InitialSchema1763856000000,
  Environments1763900000000,
  ResourceControls1764000000000,
  AgentKeys1764100000000,
  Webhooks1764200000000,
  Stacks1766100000000,
  Registries1766110000000,
  EdgeEnvironments1766120000000,
  EdgeAsync1766121000000,
  EdgeGroups1766137100000,
  EdgeStacks1766137200000,
  EdgeJobs1766138000000,
  TeamLinks1766410000000,
  CustomTemplates1766900000000,
  CustomTemplateGit1766910100000,
  Totp1766914000000,
];
export const AUDIT_MIGRATIONS = [
  AuditSchema1763856000001,
  ActivityDescription1765000000000,
  AuthLogReason1766410000001,
];

/**
 * Options for the main and the audit data sources: two SQLite files in the data dir (WAL, busy timeout,
 * foreign keys on), or one PostgreSQL database with a migrations table each. `synchronize` is always off;
 * committed migrations run at boot.
 */
export function dataSourceOptions(config: CapstanConfig, which: 'main' | 'audit'): DataSourceOptions {
  const migrations = which === 'main' ? MAIN_MIGRATIONS : AUDIT_MIGRATIONS;
  const common = {
    synchronize: false,
    migrationsRun: true,
    migrations,
    migrationsTransactionMode: 'each' as const,
    logging: false,
  };
  if (config.databaseUrl) {
    return {
      ...common,
      type: 'postgres',
      url: config.databaseUrl,
      migrationsTableName: which === 'main' ? 'migrations' : 'audit_migrations',
      extra: { max: which === 'main' ? 10 : 4 },
    };
  }
  return {
    ...common,
    type: 'sqlite',
    database: join(config.dataDir, which === 'main' ? 'capstan.db' : 'audit.db'),
    enableWAL: true,
    busyTimeout: 5000,
  };
}
