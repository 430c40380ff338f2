import { MigrationInterface, QueryRunner, Table, TableColumn, TableForeignKey, TableIndex } from 'typeorm';

/**
 * Async edge mode and auto-onboarding (issue 12): per-environment async flag and intervals (-1: the settings'
 * default, 0: off), the onboarding metadata an agent asked for (global key), the command queue (values sealed:
 * edge stack commands carry registry credentials) and the last acknowledged async snapshot (the base of the
 * next JSON patch).
 */
export class EdgeAsync1766121000000 implements MigrationInterface {
  name = 'EdgeAsync1766121000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('environments', [
      new TableColumn({ name: 'edge_async', type: 'boolean', default: false }),
      new TableColumn({ name: 'edge_ping_interval', type: 'integer', default: -1 }),
      new TableColumn({ name: 'edge_snapshot_interval', type: 'integer', default: -1 }),
      new TableColumn({ name: 'edge_command_interval', type: 'integer', default: -1 }),
      new TableColumn({ name: 'edge_meta', type: 'text', isNullable: true }),
    ]);
    await q.createTable(
      new Table({
        name: 'edge_commands',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'environment_id', type: 'integer' },
          { name: 'type', type: 'varchar', length: '32' },
          { name: 'operation', type: 'varchar', length: '16' },
          { name: 'path', type: 'varchar', length: '512', default: "''" },
          { name: 'value_sealed', type: 'text' },
          { name: 'summary', type: 'varchar', length: '512', default: "''" },
          { name: 'timestamp', type: 'bigint' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'error', type: 'text', isNullable: true },
          { name: 'created_by', type: 'integer', isNullable: true },
          { name: 'created_at', type: 'bigint' },
          { name: 'sent_at', type: 'bigint', isNullable: true },
          { name: 'done_at', type: 'bigint', isNullable: true },
        ],
      }),
    );
    await q.createIndex(
      'edge_commands',
      new TableIndex({
        name: 'ux_edge_commands_env_timestamp',
        columnNames: ['environment_id', 'timestamp'],
        isUnique: true,
      }),
    );
    await q.createForeignKey(
      'edge_commands',
      new TableForeignKey({
        columnNames: ['environment_id'],
        referencedTableName: 'environments',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      }),
    );
    await q.createTable(
      new Table({
        name: 'edge_async_snapshots',
        columns: [
          { name: 'environment_id', type: 'integer', isPrimary: true },
          { name: 'data', type: 'text' },
          { name: 'hash', type: 'bigint' },
          { name: 'time', type: 'bigint' },
        ],
        foreignKeys: [
          {
            columnNames: ['environment_id'],
            referencedTableName: 'environments',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('edge_async_snapshots');
    await q.dropTable('edge_commands');
    for (const c of [
      'edge_meta',
      'edge_command_interval',
      'edge_snapshot_interval',
      'edge_ping_interval',
      'edge_async',
    ])
      await q.dropColumn('environments', c);
  }
}
