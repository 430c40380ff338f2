import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { MembershipRole, UserRole } from '@capstan/contracts-api';
import {
  type AuthenticatedUser,
  BadRequestError,
  ClockPort,
  ConflictError,
  MAIN_MIGRATIONS,
  NotFoundError,
  UnitOfWork,
} from '@capstan/server-core';
import type { SettingsService } from '@capstan/server-settings';
import { TeamEntity } from './entities/team.entity';
import { TeamMembershipEntity } from './entities/team-membership.entity';
import { UserEntity } from './entities/user.entity';
import { PasswordHasher } from './password-hasher.port';
import { UsersService } from './users.service';

// A real store (SQLite in memory, the committed migrations); the hasher, the settings and the clock are replaced.

/** Reversible "hashing", so a leaked hash would be recognisable in a view. */
class PlainHasher extends PasswordHasher {
  hash(plain: string): Promise<string> {
    return Promise.resolve(`hashed:${plain}`);
  }
  verify(stored: string, plain: string): Promise<boolean> {
    return Promise.resolve(stored === `hashed:${plain}`);
  }
}

class FixedClock extends ClockPort {
  now(): number {
    return 1_700_000_000_000;
  }
}

const admin: AuthenticatedUser = {
  id: 1,
  username: 'admin',
  role: UserRole.Administrator,
  isTeamLeader: false,
};

describe('UsersService: what leaves the lib is a plain view, never the password hash', () => {
  let source: DataSource;
  let users: UsersService;

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
    const settings = { requiredPasswordLength: () => Promise.resolve(8) } as unknown as SettingsService;
    users = new UsersService(
      source.getRepository(UserEntity),
      source.getRepository(TeamMembershipEntity),
      new PlainHasher(),
      settings,
      new FixedClock(),
      new UnitOfWork(source),
    );
    await users.initAdmin('admin', 'admin-password');
  });

  afterEach(async () => {
    await source.destroy();
  });

  const view = {
    id: 2,
    username: 'Alice',
    role: UserRole.StandardUser,
    tokenVersion: 0,
    tokenIssueAt: 1_700_000_000,
    theme: '',
    useCache: true,
  };

  it('returns exactly the view fields from every read and write of the facade', async () => {
    expect(
      await users.create({ username: 'Alice', password: 'alice-password', role: UserRole.StandardUser }),
    ).toEqual(view);
    expect(await users.get(2)).toEqual(view);
    expect(await users.inspect(admin, 2)).toEqual(view);
    expect(await users.getCached(2)).toEqual(view);
    expect((await users.list(admin))[1]).toEqual(view);
    expect(await users.verifyCredentials('alice', 'alice-password')).toEqual(view);
    expect(await users.update(admin, 2, { useCache: false })).toEqual({ ...view, useCache: false });
    const initial = await users.get(1);
    expect(Object.keys(initial).sort()).toEqual(Object.keys(view).sort());
    // The hash is stored, just never handed out.
    expect((await source.getRepository(UserEntity).findOneByOrFail({ id: 2 })).passwordHash).toBe(
      'hashed:alice-password',
    );
  });

  it('checks credentials inside the lib: right, wrong and unknown', async () => {
    await users.create({ username: 'alice', password: 'alice-password', role: UserRole.StandardUser });
    expect((await users.verifyCredentials('ALICE', 'alice-password'))?.id).toBe(2);
    expect(await users.verifyCredentials('alice', 'wrong-password')).toBeUndefined();
    expect(await users.verifyCredentials('mallory', 'alice-password')).toBeUndefined();
  });

  it('verifies a password by user id; a user without a password never matches; an unknown id is a 404', async () => {
    expect(await users.verifyPassword(1, 'admin-password')).toBe(true);
    expect(await users.verifyPassword(1, 'wrong-password')).toBe(false);
    await source.query(
      `INSERT INTO users (username, username_key, role, created_at) VALUES ('ldap', 'ldap', 2, 0)`,
    );
    expect(await users.verifyPassword(2, '')).toBe(false);
    await expect(users.verifyPassword(9, 'admin-password')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('creates a user and the teams they join as one record: both or neither', async () => {
    const teams = source.getRepository(TeamEntity);
    const ops = await teams.save({ name: 'ops', nameKey: 'ops' });
    const dev = await teams.save({ name: 'dev', nameKey: 'dev' });
    const memberships = source.getRepository(TeamMembershipEntity);

    const carol = await users.create({
      username: 'carol',
      password: 'carol-password',
      role: UserRole.StandardUser,
      teamIds: [ops.id, dev.id, ops.id],
    });
    const rows = await memberships.find({ where: { userId: carol.id }, order: { teamId: 'ASC' } });
    expect(rows.map((m) => [m.teamId, m.role])).toEqual([
      [ops.id, MembershipRole.Member],
      [dev.id, MembershipRole.Member],
    ]);

    // An unknown team: 400, and no user was written.
    await expect(
      users.create({ username: 'dave', password: 'dave-password', role: 2, teamIds: [ops.id, 999] }),
    ).rejects.toBeInstanceOf(BadRequestError);
    expect(await users.findByUsername('dave')).toBeUndefined();

    // A taken name: 409, and no membership was written.
    const before = await memberships.count();
    await expect(
      users.create({ username: 'Carol', password: 'carol-password', role: 2, teamIds: [dev.id] }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await memberships.count()).toBe(before);
  });
});
