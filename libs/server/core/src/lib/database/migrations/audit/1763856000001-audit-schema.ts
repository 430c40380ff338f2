import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

const id = {
  name: 'id',
  type: 'integer',
  isPrimary: true,
  isGenerated: true,
  generationStrategy: 'increment' as const,
};

/** The audit store: authentication log and activity log. */
export class AuditSchema1763856000001 implements MigrationInterface {
  name = 'AuditSchema1763856000001';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'audit_auth_logs',
        columns: [
          id,
          { name: 'timestamp', type: 'bigint' },
          { name: 'username', type: 'varchar', length: '255' },
          { name: 'user_id', type: 'integer', isNullable: true },
          { name: 'context', type: 'varchar', length: '16' },
          { name: 'origin', type: 'varchar', length: '64' },
          { name: 'type', type: 'varchar', length: '16' },
          { name: 'request_id', type: 'varchar', length: '64', default: "''" },
        ],
      }),
    );
    await q.createIndex(
      'audit_auth_logs',
      new TableIndex({ name: 'ix_audit_auth_logs_ts', columnNames: ['timestamp'] }),
    );
    await q.createTable(
      new Table({
        name: 'audit_activity_logs',
        columns: [
          id,
          { name: 'timestamp', type: 'bigint' },
          { name: 'user_id', type: 'integer', isNullable: true },
          { name: 'username', type: 'varchar', length: '255' },
          { name: 'method', type: 'varchar', length: '8' },
          { name: 'path', type: 'varchar', length: '2048' },
          { name: 'environment_id', type: 'integer', isNullable: true },
          { name: 'status', type: 'integer' },
          { name: 'payload', type: 'text' },
          { name: 'request_id', type: 'varchar', length: '64' },
        ],
      }),
    );
    await q.createIndex(
      'audit_activity_logs',
      new TableIndex({ name: 'ix_audit_activity_logs_ts', columnNames: ['timestamp'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('audit_activity_logs');
    await q.dropTable('audit_auth_logs');
  }
}
