import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

const id = {
  name: 'id',
  type: 'integer',
  isPrimary: true,
  isGenerated: true,
  generationStrategy: 'increment' as const,
};
const cascade = (columnNames: string[], referencedTableName: string) => ({
  columnNames,
  referencedTableName,
  referencedColumnNames: ['id'],
  onDelete: 'CASCADE' as const,
});

/** Environments, their groups and tags, access policies, and snapshots (summary apart from the raw lists). */
export class Environments1763900000000 implements MigrationInterface {
  name = 'Environments1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'environment_groups',
        columns: [
          id,
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'name_key', type: 'varchar', length: '255', isUnique: true },
          { name: 'description', type: 'varchar', length: '1024', default: "''" },
        ],
      }),
    );
    await q.query(
      `INSERT INTO environment_groups (id, name, name_key, description) VALUES (1, 'Unassigned', 'unassigned', 'Unassigned environments')`,
    );
    if (q.connection.options.type === 'postgres') {
      // An explicit id does not advance PostgreSQL's sequence.
      await q.query(`SELECT setval(pg_get_serial_sequence('environment_groups', 'id'), 1)`);
    }
    await q.createTable(
      new Table({
        name: 'tags',
        columns: [
          id,
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'name_key', type: 'varchar', length: '255', isUnique: true },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'environments',
        columns: [
          id,
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'name_key', type: 'varchar', length: '255', isUnique: true },
          { name: 'type', type: 'integer' },
          { name: 'url', type: 'varchar', length: '2048' },
          { name: 'public_url', type: 'varchar', length: '2048', default: "''" },
          { name: 'group_id', type: 'integer', default: 1 },
          { name: 'container_engine', type: 'varchar', length: '16', default: "'docker'" },
          { name: 'tls', type: 'boolean', default: false },
          { name: 'tls_skip_verify', type: 'boolean', default: false },
          { name: 'tls_ca', type: 'text', isNullable: true },
          { name: 'tls_cert', type: 'text', isNullable: true },
          { name: 'tls_key', type: 'text', isNullable: true },
          { name: 'status', type: 'integer', default: 1 },
          { name: 'security_settings', type: 'text' },
          { name: 'created_at', type: 'bigint' },
        ],
        foreignKeys: [
          {
            columnNames: ['group_id'],
            referencedTableName: 'environment_groups',
            referencedColumnNames: ['id'],
          },
        ],
      }),
    );
    await q.createIndex(
      'environments',
      new TableIndex({ name: 'ix_environments_group', columnNames: ['group_id'] }),
    );
    await q.createTable(
      new Table({
        name: 'environment_tags',
        columns: [
          { name: 'environment_id', type: 'integer', isPrimary: true },
          { name: 'tag_id', type: 'integer', isPrimary: true },
        ],
        foreignKeys: [cascade(['environment_id'], 'environments'), cascade(['tag_id'], 'tags')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'environment_group_tags',
        columns: [
          { name: 'group_id', type: 'integer', isPrimary: true },
          { name: 'tag_id', type: 'integer', isPrimary: true },
        ],
        foreignKeys: [cascade(['group_id'], 'environment_groups'), cascade(['tag_id'], 'tags')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'access_policies',
        columns: [
          id,
          { name: 'environment_id', type: 'integer', isNullable: true },
          { name: 'group_id', type: 'integer', isNullable: true },
          { name: 'user_id', type: 'integer', isNullable: true },
          { name: 'team_id', type: 'integer', isNullable: true },
          { name: 'role_id', type: 'integer' },
        ],
        foreignKeys: [
          cascade(['environment_id'], 'environments'),
          cascade(['group_id'], 'environment_groups'),
          cascade(['user_id'], 'users'),
          cascade(['team_id'], 'teams'),
        ],
      }),
    );
    await q.createIndex(
      'access_policies',
      new TableIndex({ name: 'ix_access_policies_user', columnNames: ['user_id'] }),
    );
    await q.createIndex(
      'access_policies',
      new TableIndex({ name: 'ix_access_policies_team', columnNames: ['team_id'] }),
    );
    await q.createTable(
      new Table({
        name: 'environment_snapshots',
        columns: [
          { name: 'environment_id', type: 'integer', isPrimary: true },
          { name: 'time', type: 'bigint' },
          { name: 'summary', type: 'text' },
        ],
        foreignKeys: [cascade(['environment_id'], 'environments')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'environment_snapshot_raw',
        columns: [
          { name: 'environment_id', type: 'integer', isPrimary: true },
          { name: 'data', type: 'text' },
        ],
        foreignKeys: [cascade(['environment_id'], 'environments')],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'environment_snapshot_raw',
      'environment_snapshots',
      'access_policies',
      'environment_group_tags',
      'environment_tags',
      'environments',
      'tags',
      'environment_groups',
    ]) {
      await q.dropTable(t);
    }
  }
}
