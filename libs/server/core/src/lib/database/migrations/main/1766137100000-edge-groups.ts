import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * Edge groups (Portainer's EdgeGroup): static ones list their environments, dynamic ones their tags (matched
 * against each edge environment's own and group tags, all or — PartialMatch — any). Membership of dynamic groups
 * is computed, never stored. Deleting a tag or an environment removes it from the groups (cascade).
 */
export class EdgeGroups1766137100000 implements MigrationInterface {
  name = 'EdgeGroups1766137100000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'edge_groups',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'name_key', type: 'varchar', length: '255' },
          { name: 'dynamic', type: 'boolean', default: false },
          { name: 'partial_match', type: 'boolean', default: false },
        ],
      }),
    );
    await q.createIndex(
      'edge_groups',
      new TableIndex({ name: 'ux_edge_groups_name_key', columnNames: ['name_key'], isUnique: true }),
    );
    await q.createTable(
      new Table({
        name: 'edge_group_tags',
        columns: [
          { name: 'edge_group_id', type: 'integer', isPrimary: true },
          { name: 'tag_id', type: 'integer', isPrimary: true },
        ],
        foreignKeys: [
          {
            columnNames: ['edge_group_id'],
            referencedTableName: 'edge_groups',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
          {
            columnNames: ['tag_id'],
            referencedTableName: 'tags',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'edge_group_environments',
        columns: [
          { name: 'edge_group_id', type: 'integer', isPrimary: true },
          { name: 'environment_id', type: 'integer', isPrimary: true },
        ],
        foreignKeys: [
          {
            columnNames: ['edge_group_id'],
            referencedTableName: 'edge_groups',
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
    await q.dropTable('edge_group_environments');
    await q.dropTable('edge_group_tags');
    await q.dropTable('edge_groups');
  }
}
