import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * Stacks (Portainer's Stack, types 1 swarm and 2 compose). No foreign key to environments: a stack outlives its
 * environment as an orphan until it is associated with another one (Portainer's behaviour). A name is unique per
 * environment.
 */
export class Stacks1766100000000 implements MigrationInterface {
  name = 'Stacks1766100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'stacks',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'type', type: 'integer' },
          { name: 'environment_id', type: 'integer' },
          { name: 'swarm_id', type: 'varchar', length: '255', default: "''" },
          { name: 'entry_point', type: 'varchar', length: '255', default: "'docker-compose.yml'" },
          { name: 'env', type: 'text', default: "'[]'" },
          { name: 'status', type: 'integer', default: 1 },
          { name: 'additional_files', type: 'text', default: "'[]'" },
          { name: 'file_version', type: 'integer', default: 1 },
          { name: 'options', type: 'text', default: "'{}'" },
          { name: 'git_config', type: 'text', isNullable: true },
          { name: 'auto_update', type: 'text', isNullable: true },
          { name: 'from_app_template', type: 'boolean', default: false },
          { name: 'last_deploy_log', type: 'text', default: "''" },
          { name: 'pending', type: 'varchar', length: '16', default: "''" },
          { name: 'created_at', type: 'bigint' },
          { name: 'created_by', type: 'varchar', length: '255', default: "''" },
          { name: 'created_by_user_id', type: 'integer', isNullable: true },
          { name: 'updated_at', type: 'bigint', default: 0 },
          { name: 'updated_by', type: 'varchar', length: '255', default: "''" },
        ],
      }),
    );
    await q.createIndex(
      'stacks',
      new TableIndex({ name: 'ux_stacks_env_name', columnNames: ['environment_id', 'name'], isUnique: true }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('stacks');
  }
}
