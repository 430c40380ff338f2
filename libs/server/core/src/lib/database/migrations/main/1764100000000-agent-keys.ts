import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Agent environments (type 2) keep the agent's version. The server's agent key pair needs no table: it lives in
 * system_values (`agent_key_pair`, the private key sealed), created at first boot like the JWT secret.
 */
export class AgentKeys1764100000000 implements MigrationInterface {
  name = 'AgentKeys1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'environments',
      new TableColumn({ name: 'agent_version', type: 'varchar', length: '64', isNullable: true }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('environments', 'agent_version');
  }
}
