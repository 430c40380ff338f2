import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Activity-log entries say what happened in words ("stopped container web"); older entries have ''. */
export class ActivityDescription1765000000000 implements MigrationInterface {
  name = 'ActivityDescription1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'audit_activity_logs',
      new TableColumn({ name: 'description', type: 'varchar', length: '512', default: "''" }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('audit_activity_logs', 'description');
  }
}
