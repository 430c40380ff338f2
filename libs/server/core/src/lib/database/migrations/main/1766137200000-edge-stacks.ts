import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * Edge stacks (Portainer's EdgeStack): the record (files live under `<data>/edge_stacks/<id>/.versions/<n>/`),
 * the edge groups it targets (a group in use cannot be deleted: no cascade from edge_groups) and one status row per
 * (stack, environment) holding the agent's report history and the version it is about.
 */
export class EdgeStacks1766137200000 implements MigrationInterface {
  name = 'EdgeStacks1766137200000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'edge_stacks',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'version', type: 'integer', default: 1 },
          { name: 'deployment_type', type: 'integer', default: 0 },
          { name: 'entry_point', type: 'varchar', length: '1024', default: "'docker-compose.yml'" },
          { name: 'env', type: 'text' },
          { name: 'registries', type: 'text' },
          { name: 'git_config', type: 'text', isNullable: true },
          { name: 'created_at', type: 'bigint', default: 0 },
          { name: 'updated_at', type: 'bigint', default: 0 },
        ],
      }),
    );
    await q.createIndex(
      'edge_stacks',
      new TableIndex({ name: 'ux_edge_stacks_name', columnNames: ['name'], isUnique: true }),
    );
    await q.createTable(
      new Table({
        name: 'edge_stack_groups',
        columns: [
          { name: 'edge_stack_id', type: 'integer', isPrimary: true },
          { name: 'edge_group_id', type: 'integer', isPrimary: true },
        ],
        foreignKeys: [
          {
            columnNames: ['edge_stack_id'],
            referencedTableName: 'edge_stacks',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
          {
            columnNames: ['edge_group_id'],
            referencedTableName: 'edge_groups',
            referencedColumnNames: ['id'],
          },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'edge_stack_statuses',
        columns: [
          { name: 'edge_stack_id', type: 'integer', isPrimary: true },
          { name: 'environment_id', type: 'integer', isPrimary: true },
          { name: 'history', type: 'text' },
          { name: 'version', type: 'integer', default: 0 },
          { name: 'updated_at', type: 'bigint', default: 0 },
        ],
        foreignKeys: [
          {
            columnNames: ['edge_stack_id'],
            referencedTableName: 'edge_stacks',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
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
    await q.dropTable('edge_stack_statuses');
    await q.dropTable('edge_stack_groups');
    await q.dropTable('edge_stacks');
  }
}
