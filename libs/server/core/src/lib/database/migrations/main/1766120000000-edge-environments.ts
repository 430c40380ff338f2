import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * Edge environments (type 4): the agent's edge id (bound at its first poll), the key given to it, its poll
 * interval, trust (the waiting room), the last check-in (flushed in batches, not at every poll) and the hash of
 * the per-environment poll secret (Capstan: given at the first trusted poll, required from then on).
 * The tunnel's SSH host key needs no table: it lives in system_values (`tunnel_host_key`, sealed).
 */
export class EdgeEnvironments1766120000000 implements MigrationInterface {
  name = 'EdgeEnvironments1766120000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('environments', [
      new TableColumn({ name: 'edge_id', type: 'varchar', length: '128', isNullable: true }),
      new TableColumn({ name: 'edge_key', type: 'text', isNullable: true }),
      new TableColumn({ name: 'edge_checkin_interval', type: 'integer', default: 0 }),
      new TableColumn({ name: 'user_trusted', type: 'boolean', default: true }),
      new TableColumn({ name: 'last_check_in', type: 'bigint', default: 0 }),
      new TableColumn({ name: 'edge_secret_hash', type: 'varchar', length: '128', isNullable: true }),
    ]);
    await q.createIndex(
      'environments',
      new TableIndex({ name: 'IDX_environments_edge_id', columnNames: ['edge_id'], isUnique: true }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('environments', 'IDX_environments_edge_id');
    for (const c of [
      'edge_secret_hash',
      'last_check_in',
      'user_trusted',
      'edge_checkin_interval',
      'edge_key',
      'edge_id',
    ])
      await q.dropColumn('environments', c);
  }
}
