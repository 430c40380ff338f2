import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * A team can be linked to one group of an identity source ('ldap' or 'oauth'): sign-in through that source adds
 * and removes the team's memberships to match the source's groups. Unlinked teams (both columns null) are never
 * touched by a sync.
 */
export class TeamLinks1766410000000 implements MigrationInterface {
  name = 'TeamLinks1766410000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('teams', [
      new TableColumn({ name: 'link_source', type: 'varchar', length: '16', isNullable: true }),
      new TableColumn({ name: 'link_group', type: 'varchar', length: '1024', isNullable: true }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('teams', 'link_group');
    await q.dropColumn('teams', 'link_source');
  }
}
