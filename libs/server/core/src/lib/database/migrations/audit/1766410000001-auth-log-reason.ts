import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Authentication-log entries say why an attempt failed ("wrong password", "directory unavailable: …"); older entries have ''. */
export class AuthLogReason1766410000001 implements MigrationInterface {
  name = 'AuthLogReason1766410000001';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'audit_auth_logs',
      new TableColumn({ name: 'reason', type: 'varchar', length: '255', default: "''" }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('audit_auth_logs', 'reason');
  }
}
