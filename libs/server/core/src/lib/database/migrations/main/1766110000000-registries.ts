import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * Registries (Portainer's Registry, types 1 Quay … 8 GitHub): credentials sealed with the secret box, the
 * type-specific settings and the per-environment accesses as JSON. Names are unique.
 */
export class Registries1766110000000 implements MigrationInterface {
  name = 'Registries1766110000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'registries',
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
          { name: 'url', type: 'varchar', length: '512' },
          { name: 'base_url', type: 'varchar', length: '512', default: "''" },
          { name: 'authentication', type: 'boolean', default: false },
          { name: 'username', type: 'varchar', length: '512', default: "''" },
          { name: 'password_sealed', type: 'text', isNullable: true },
          { name: 'options', type: 'text' },
          { name: 'accesses', type: 'text' },
          { name: 'access_token_sealed', type: 'text', isNullable: true },
          { name: 'access_token_expiry', type: 'bigint', default: 0 },
        ],
      }),
    );
    await q.createIndex(
      'registries',
      new TableIndex({ name: 'ux_registries_name', columnNames: ['name'], isUnique: true }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('registries');
  }
}
