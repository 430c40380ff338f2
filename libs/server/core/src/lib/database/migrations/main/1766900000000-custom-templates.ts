import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * Custom templates (Portainer's CustomTemplate): title, description, type, platform, `{{ name }}` variables and
 * the creator; the file itself lives under `<data>/custom_templates/<id>/`. Ownership is a resource control of
 * type 8 without an environment.
 */
export class CustomTemplates1766900000000 implements MigrationInterface {
  name = 'CustomTemplates1766900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'custom_templates',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'title', type: 'varchar', length: '200' },
          { name: 'description', type: 'varchar', length: '2000' },
          { name: 'note', type: 'text', default: "''" },
          { name: 'logo', type: 'varchar', length: '2048', default: "''" },
          { name: 'platform', type: 'integer' },
          { name: 'template_type', type: 'integer' },
          { name: 'variables', type: 'text', default: "'[]'" },
          { name: 'entry_point', type: 'varchar', length: '255' },
          { name: 'edge_template', type: 'boolean', default: false },
          { name: 'is_compose_format', type: 'boolean', default: false },
          { name: 'created_by', type: 'integer' },
          { name: 'created_at', type: 'bigint' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('custom_templates');
  }
}
