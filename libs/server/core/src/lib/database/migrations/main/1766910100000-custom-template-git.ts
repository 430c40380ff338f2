import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/** Custom templates from a git repository: Portainer's GitConfig (JSON, password sealed), null for the others. */
export class CustomTemplateGit1766910100000 implements MigrationInterface {
  name = 'CustomTemplateGit1766910100000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'custom_templates',
      new TableColumn({ name: 'git_config', type: 'text', isNullable: true }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('custom_templates', 'git_config');
  }
}
