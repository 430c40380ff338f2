import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * Service webhooks (Portainer's Webhook, type 1 = Swarm service): a secret token that force-updates one service
 * of one environment. The token is unique; the creator is kept so non-administrators see their own webhooks.
 */
export class Webhooks1764200000000 implements MigrationInterface {
  name = 'Webhooks1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'webhooks',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'token', type: 'varchar', length: '64' },
          { name: 'resource_id', type: 'varchar', length: '255' },
          { name: 'environment_id', type: 'integer' },
          { name: 'registry_id', type: 'integer', default: 0 },
          { name: 'webhook_type', type: 'integer' },
          { name: 'created_by', type: 'integer', isNullable: true },
          { name: 'created_at', type: 'bigint' },
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
    await q.createIndex(
      'webhooks',
      new TableIndex({ name: 'ux_webhooks_token', columnNames: ['token'], isUnique: true }),
    );
    await q.createIndex(
      'webhooks',
      new TableIndex({ name: 'ix_webhooks_env_resource', columnNames: ['environment_id', 'resource_id'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('webhooks');
  }
}
