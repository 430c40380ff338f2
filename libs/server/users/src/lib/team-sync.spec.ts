import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { MembershipRole, UserRole } from '@capstan/contracts-api';
import { MAIN_MIGRATIONS, UnitOfWork } from '@capstan/server-core';
import { TeamEntity } from './entities/team.entity';
import { TeamMembershipEntity } from './entities/team-membership.entity';
import { UserEntity } from './entities/user.entity';
import { groupKey, TeamsService } from './teams.service';
import type { UsersService } from './users.service';

// A real store (SQLite in memory, the committed migrations, the real UnitOfWork); the users facade is replaced.

describe('TeamsService.syncLinkedTeams: memberships follow the identity source both ways', () => {
  let source: DataSource;
  let teams: TeamsService;
  let invalidated: number[];
  const ids: Record<string, number> = {};

  const memberships = async (userId: number): Promise<[string, MembershipRole][]> => {
    const rows = await source.getRepository(TeamMembershipEntity).findBy({ userId });
    const names = new Map((await source.getRepository(TeamEntity).find()).map((t) => [t.id, t.name]));
    return rows.map((m): [string, MembershipRole] => [names.get(m.teamId) ?? '?', m.role]).sort();
  };
  const role = async (id: number): Promise<UserRole> =>
    (await source.getRepository(UserEntity).findOneByOrFail({ id })).role;

  beforeEach(async () => {
    source = new DataSource({
      type: 'sqlite',
      database: ':memory:',
      entities: [UserEntity, TeamEntity, TeamMembershipEntity],
      migrations: MAIN_MIGRATIONS,
      logging: false,
    });
    await source.initialize();
    await source.runMigrations();
    for (const [name, r] of [
      ['admin', 1],
      ['ann', 2],
    ] as const) {
      await source.query(
        `INSERT INTO users (username, username_key, role, created_at) VALUES ('${name}', '${name}', ${r}, 0)`,
      );
    }
    invalidated = [];
    const users = {
      existingIds: (list: number[]) => Promise.resolve(list),
      invalidate: (id: number) => invalidated.push(id),
    } as unknown as UsersService;
    teams = new TeamsService(
      source.getRepository(TeamEntity),
      source.getRepository(TeamMembershipEntity),
      users,
      new UnitOfWork(source),
    );
    for (const name of ['devs', 'ops', 'local', 'oauth-team']) ids[name] = (await teams.create({ name })).id;
    await teams.link(ids['devs'], { source: 'ldap', group: 'cn=Developers,ou=groups,dc=example,dc=org' });
    await teams.link(ids['ops'], { source: 'ldap', group: 'ops' });
    await teams.link(ids['oauth-team'], { source: 'oauth', group: 'devs' });
    invalidated = [];
  });

  afterEach(async () => {
    await source.destroy();
  });

  it('adds the linked teams whose group the user is in, by DN or name, case-insensitively', async () => {
    const r = await teams.syncLinkedTeams({
      userId: 2,
      source: 'ldap',
      groups: ['CN=developers, OU=Groups, DC=example, DC=org', 'OPS', 'devs'],
    });
    expect(r.added.sort()).toEqual([ids['devs'], ids['ops']].sort());
    expect(r.removed).toEqual([]);
    expect(await memberships(2)).toEqual([
      ['devs', MembershipRole.Member],
      ['ops', MembershipRole.Member],
    ]);
    expect(invalidated).toEqual([2]);
  });

  it('removes linked teams the user left (a leader too) and leaves unlinked and other-source teams alone', async () => {
    await source.getRepository(TeamMembershipEntity).insert([
      { userId: 2, teamId: ids['devs'], role: MembershipRole.Leader },
      { userId: 2, teamId: ids['ops'], role: MembershipRole.Member },
      { userId: 2, teamId: ids['local'], role: MembershipRole.Member },
      { userId: 2, teamId: ids['oauth-team'], role: MembershipRole.Member },
    ]);
    const r = await teams.syncLinkedTeams({ userId: 2, source: 'ldap', groups: ['ops'] });
    expect(r).toMatchObject({ added: [], removed: [ids['devs']] });
    expect(await memberships(2)).toEqual([
      ['local', MembershipRole.Member],
      ['oauth-team', MembershipRole.Member],
      ['ops', MembershipRole.Member],
    ]);
  });

  it('keeps an existing membership (and its leader role) when the user is still in the group', async () => {
    await source
      .getRepository(TeamMembershipEntity)
      .insert({ userId: 2, teamId: ids['ops'], role: MembershipRole.Leader });
    const r = await teams.syncLinkedTeams({ userId: 2, source: 'ldap', groups: ['ops'] });
    expect(r).toMatchObject({ added: [], removed: [] });
    expect(await memberships(2)).toEqual([['ops', MembershipRole.Leader]]);
    expect(invalidated).toEqual([]);
  });

  it('grants and withdraws the administrator role, never demotes user 1', async () => {
    expect((await teams.syncLinkedTeams({ userId: 2, source: 'ldap', groups: [], admin: true })).role).toBe(
      UserRole.Administrator,
    );
    expect(await role(2)).toBe(UserRole.Administrator);
    await teams.syncLinkedTeams({ userId: 2, source: 'ldap', groups: [], admin: false });
    expect(await role(2)).toBe(UserRole.StandardUser);
    await teams.syncLinkedTeams({ userId: 1, source: 'ldap', groups: [], admin: false });
    expect(await role(1)).toBe(UserRole.Administrator);
    await teams.syncLinkedTeams({ userId: 2, source: 'ldap', groups: [] });
    expect(await role(2)).toBe(UserRole.StandardUser);
  });

  it('is one unit of work: an unknown user changes nothing', async () => {
    await expect(teams.syncLinkedTeams({ userId: 99, source: 'ldap', groups: ['ops'] })).rejects.toThrow();
    expect(await source.getRepository(TeamMembershipEntity).count()).toBe(0);
  });

  it('refuses an empty linked group and can unlink', async () => {
    await expect(teams.link(ids['local'], { source: 'ldap', group: '  ' })).rejects.toThrow(
      /Invalid team link/,
    );
    await teams.link(ids['ops'], null);
    expect((await teams.linkedTeams('ldap')).map((t) => t.name)).toEqual(['devs']);
  });

  it('normalises group keys', () => {
    expect(groupKey(' CN=A , OU=B ')).toBe('cn=a,ou=b');
  });
});
