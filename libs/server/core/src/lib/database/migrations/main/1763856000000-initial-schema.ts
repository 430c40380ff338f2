import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

const id = {
  name: 'id',
  type: 'integer',
  isPrimary: true,
  isGenerated: true,
  generationStrategy: 'increment' as const,
};

/** Foundation schema of the main store: users, teams, memberships, API keys, revoked tokens, settings. */
export class InitialSchema1763856000000 implements MigrationInterface {
  name = 'InitialSchema1763856000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'system_values',
        columns: [
          { name: 'key', type: 'varchar', length: '64', isPrimary: true },
          { name: 'value', type: 'text' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'settings',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true },
          { name: 'value', type: 'text' },
          { name: 'updated_at', type: 'bigint' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'users',
        columns: [
          id,
          { name: 'username', type: 'varchar', length: '255' },
          { name: 'username_key', type: 'varchar', length: '255', isUnique: true },
          { name: 'role', type: 'integer' },
          { name: 'password_hash', type: 'varchar', length: '255', isNullable: true },
          { name: 'token_version', type: 'integer', default: 0 },
          { name: 'token_issue_at', type: 'bigint', default: 0 },
          { name: 'theme', type: 'varchar', length: '16', default: "''" },
          { name: 'use_cache', type: 'boolean', default: true },
          { name: 'created_at', type: 'bigint' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'teams',
        columns: [
          id,
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'name_key', type: 'varchar', length: '255', isUnique: true },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'team_memberships',
        columns: [
          id,
          { name: 'user_id', type: 'integer' },
          { name: 'team_id', type: 'integer' },
          { name: 'role', type: 'integer' },
        ],
        foreignKeys: [
          {
            columnNames: ['user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
          {
            columnNames: ['team_id'],
            referencedTableName: 'teams',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        uniques: [{ name: 'uq_team_memberships_user_team', columnNames: ['user_id', 'team_id'] }],
      }),
    );
    await q.createIndex(
      'team_memberships',
      new TableIndex({ name: 'ix_team_memberships_team', columnNames: ['team_id'] }),
    );
    await q.createTable(
      new Table({
        name: 'api_keys',
        columns: [
          id,
          { name: 'user_id', type: 'integer' },
          { name: 'description', type: 'varchar', length: '128' },
          { name: 'prefix', type: 'varchar', length: '16' },
          { name: 'digest', type: 'varchar', length: '64', isUnique: true },
          { name: 'date_created', type: 'bigint' },
          { name: 'last_used', type: 'bigint', default: 0 },
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
    await q.createIndex('api_keys', new TableIndex({ name: 'ix_api_keys_user', columnNames: ['user_id'] }));
    await q.createTable(
      new Table({
        name: 'revoked_tokens',
        columns: [
          { name: 'jti', type: 'varchar', length: '64', isPrimary: true },
          { name: 'expires_at', type: 'bigint' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'revoked_tokens',
      'api_keys',
      'team_memberships',
      'teams',
      'users',
      'settings',
      'system_values',
    ]) {
      await q.dropTable(t);
    }
  }
}
