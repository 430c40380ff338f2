import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { MembershipRole } from '@capstan/contracts-api';
import { MAIN_MIGRATIONS, UnitOfWork } from '@capstan/server-core';
import { TeamEntity } from './entities/team.entity';
import { TeamMembershipEntity } from './entities/team-membership.entity';
import { UserEntity } from './entities/user.entity';
import { TeamsService } from './teams.service';
import type { UsersService } from './users.service';

// A real store (SQLite in memory, the committed migrations, the real UnitOfWork); the users facade is replaced.

describe('TeamsService: a team and its leaders are one record', () => {
  let source: DataSource;
  let teams: TeamsService;
  /** What the users facade says exists (the check before the write); the store may disagree (a user just deleted). */
  let knownUsers: number[];
  let invalidated: number[];

  const count = async (table: string): Promise<number> =>
    Number((await source.query<{ n: number }[]>(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);

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
    for (const name of ['ann', 'bob']) {
      await source.query(
        `INSERT INTO users (username, username_key, role, created_at) VALUES ('${name}', '${name}', 2, 0)`,
      );
    }
    knownUsers = [1, 2];
    invalidated = [];
    const users = {
      existingIds: (ids: number[]) => Promise.resolve(ids.filter((id) => knownUsers.includes(id))),
      invalidate: (id: number) => invalidated.push(id),
    } as unknown as UsersService;
    teams = new TeamsService(
      source.getRepository(TeamEntity),
      source.getRepository(TeamMembershipEntity),
      users,
      new UnitOfWork(source),
    );
  });

  afterEach(async () => {
    await source.destroy();
  });

  it('stores the team with its leaders and refreshes their cached roles', async () => {
    const team = await teams.create({ name: ' devs ', teamLeaders: [2, 1, 2] });
    expect(team.name).toBe('devs');
    const rows = await source.getRepository(TeamMembershipEntity).findBy({ teamId: team.id });
    expect(rows.map((m) => [m.userId, m.role]).sort()).toEqual([
      [1, MembershipRole.Leader],
      [2, MembershipRole.Leader],
    ]);
    expect(invalidated.sort()).toEqual([1, 2]);
  });

  it('refuses unknown leaders before writing anything', async () => {
    await expect(teams.create({ name: 'devs', teamLeaders: [1, 9] })).rejects.toMatchObject({
      message: 'Invalid team leaders',
    });
    expect(await count('teams')).toBe(0);
  });

  it('leaves no team behind when its leaders cannot be stored', async () => {
    // User 3 passed the check, then went away before the write (deleted by another request).
    knownUsers = [1, 2, 3];
    await expect(teams.create({ name: 'devs', teamLeaders: [1, 3] })).rejects.toThrow(/FOREIGN KEY/);
    expect(await count('teams')).toBe(0);
    expect(await count('team_memberships')).toBe(0);
    expect(invalidated).toEqual([]);
  });

  it('deletes the team with its memberships', async () => {
    const team = await teams.create({ name: 'devs', teamLeaders: [1] });
    const other = await teams.create({ name: 'ops', teamLeaders: [2] });
    invalidated = [];
    await teams.delete(team.id);
    expect(await source.getRepository(TeamEntity).findBy({})).toMatchObject([{ id: other.id }]);
    expect(await source.getRepository(TeamMembershipEntity).findBy({})).toMatchObject([{ teamId: other.id }]);
    expect(invalidated).toEqual([1]);
  });
});
