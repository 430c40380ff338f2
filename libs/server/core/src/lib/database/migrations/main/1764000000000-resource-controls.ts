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

/**
 * Resource controls (ownership of Docker resources, Portainer's ResourceControl) with who they grant access to.
 * Unlike Portainer, a control belongs to an environment (volume and network names are not unique across
 * environments); controls created through the API without one apply to every environment.
 */
export class ResourceControls1764000000000 implements MigrationInterface {
  name = 'ResourceControls1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'resource_controls',
        columns: [
          id,
          { name: 'environment_id', type: 'integer', isNullable: true },
          { name: 'resource_id', type: 'varchar', length: '255' },
          { name: 'type', type: 'integer' },
          { name: 'sub_resource_ids', type: 'text' },
          { name: 'public', type: 'boolean', default: false },
          { name: 'administrators_only', type: 'boolean', default: false },
          // JSON [{UserId, AccessLevel}] / [{TeamId, AccessLevel}]: one row per control keeps every write a single
          // autocommitted statement (see AUTOCOMMIT in core); ids are never reused (AUTOINCREMENT / serial).
          { name: 'user_accesses', type: 'text' },
          { name: 'team_accesses', type: 'text' },
          { name: 'created_at', type: 'bigint' },
        ],
        foreignKeys: [cascade(['environment_id'], 'environments')],
      }),
    );
    await q.createIndex(
      'resource_controls',
      new TableIndex({
        name: 'ux_resource_controls_env_type_resource',
        columnNames: ['environment_id', 'type', 'resource_id'],
        isUnique: true,
      }),
    );
    await q.createIndex(
      'resource_controls',
      new TableIndex({ name: 'ix_resource_controls_resource', columnNames: ['resource_id'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('resource_controls');
  }
}
