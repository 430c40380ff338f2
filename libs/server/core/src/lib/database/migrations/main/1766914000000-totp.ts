import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * Second factor of local accounts (TOTP, RFC 6238): one row per user that started enrolment. The shared secret
 * is sealed with the secret box; recovery codes are kept as SHA-256 digests (JSON array); `last_step` is the
 * highest time step accepted, so a code is never accepted twice.
 */
export class Totp1766914000000 implements MigrationInterface {
  name = 'Totp1766914000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'user_totp',
        columns: [
          { name: 'user_id', type: 'integer', isPrimary: true },
          { name: 'secret_sealed', type: 'varchar', length: '255' },
          { name: 'confirmed', type: 'boolean', default: false },
          { name: 'last_step', type: 'bigint', default: 0 },
          { name: 'recovery_digests', type: 'text', default: "'[]'" },
          { name: 'created_at', type: 'bigint' },
        ],
        foreignKeys: [
          {
            columnNames: ['user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('user_totp');
  }
}
