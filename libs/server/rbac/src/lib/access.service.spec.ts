import { describe, expect, it } from 'vitest';
import { FindOperator, type Repository } from 'typeorm';
import { EnvironmentRoleId, Permission, UserRole } from '@capstan/contracts-api';
import { BadRequestError, ForbiddenError, NotFoundError, type UnitOfWork } from '@capstan/server-core';
import type { TeamsService, UsersService } from '@capstan/server-users';
import { AccessService } from './access.service';
import { accessForRole } from './environment-access.testing';
import type { PolicyRow } from './access-policies';
import { AccessPolicyEntity } from './entities/access-policy.entity';

const ENV = { id: 10, groupId: 2 };
const alice = { id: 7, role: UserRole.StandardUser, isTeamLeader: false };
const admin = { id: 1, role: UserRole.Administrator, isTeamLeader: false };

/** A policy table in memory that answers `find({ where })` (objects or arrays of them, `In(...)` values). */
class FakePolicies {
  rows: AccessPolicyEntity[] = [];
  private next = 1;
  log: string[] = [];

  add(row: Partial<PolicyRow> & Pick<PolicyRow, 'roleId'>): void {
    this.rows.push({
      id: this.next++,
      environmentId: null,
      groupId: null,
      userId: null,
      teamId: null,
      ...row,
    });
  }

  repository(): Repository<AccessPolicyEntity> {
    const matches = (row: AccessPolicyEntity, where: Record<string, unknown>) =>
      Object.entries(where).every(([k, v]) => {
        const value = row[k as keyof AccessPolicyEntity];
        return v instanceof FindOperator ? (v.value as unknown[]).includes(value) : value === v;
      });
    return {
      find: ({ where }: { where: Record<string, unknown> | Record<string, unknown>[] }) => {
        const list = Array.isArray(where) ? where : [where];
        return Promise.resolve(this.rows.filter((r) => list.some((w) => matches(r, w))));
      },
      delete: (where: Record<string, unknown>) => {
        this.log.push(`delete ${JSON.stringify(where)}`);
        this.rows = this.rows.filter((r) => !matches(r, where));
        return Promise.resolve({});
      },
      insert: (rows: PolicyRow[]) => {
        this.log.push(`insert ${rows.length}`);
        rows.forEach((r) => this.add(r));
        return Promise.resolve({});
      },
    } as unknown as Repository<AccessPolicyEntity>;
  }
}

function setup(teamIds: number[] = []) {
  const policies = new FakePolicies();
  const repo = policies.repository();
  const calls = { teamLookups: 0, units: 0 };
  const teams = {
    teamIdsOf: () => {
      calls.teamLookups++;
      return Promise.resolve(teamIds);
    },
    existingIds: (ids: number[]) => Promise.resolve(ids.filter((id) => id < 100)),
  } as unknown as TeamsService;
  const users = {
    existingIds: (ids: number[]) => Promise.resolve(ids.filter((id) => id < 100)),
  } as unknown as UsersService;
  const uow = {
    run: <T>(work: (tx: { getRepository: () => Repository<AccessPolicyEntity> }) => Promise<T>) => {
      calls.units++;
      policies.log.push('begin');
      return work({ getRepository: () => repo }).then((v) => {
        policies.log.push('commit');
        return v;
      });
    },
  } as unknown as UnitOfWork;
  return { svc: new AccessService(repo, teams, users, uow), policies, calls };
}

describe('AccessService.environmentAccess — effective role', () => {
  it('gives administrators every permission without reading policies or teams', async () => {
    const { svc, calls } = setup([3]);
    const a = await svc.environmentAccess(admin, ENV);
    expect(a?.roleId).toBeUndefined();
    expect(a?.may(Permission.ResourcesManageAll)).toBe(true);
    expect(calls.teamLookups).toBe(0);
  });

  it('finds no access without a policy, and requireEnvironment answers 404', async () => {
    const { svc, policies } = setup([3]);
    policies.add({ userId: 8, environmentId: ENV.id, roleId: EnvironmentRoleId.StandardUser });
    policies.add({ teamId: 4, groupId: ENV.groupId, roleId: EnvironmentRoleId.StandardUser });
    policies.add({ userId: alice.id, environmentId: 99, roleId: EnvironmentRoleId.StandardUser });
    expect(await svc.environmentAccess(alice, ENV)).toBeUndefined();
    await expect(svc.requireEnvironment(alice, ENV)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('uses a user policy on the environment', async () => {
    const { svc, policies } = setup();
    policies.add({ userId: alice.id, environmentId: ENV.id, roleId: EnvironmentRoleId.Helpdesk });
    expect((await svc.environmentAccess(alice, ENV))?.roleId).toBe(EnvironmentRoleId.Helpdesk);
  });

  it("inherits a role from the environment's group, for the user or one of their teams", async () => {
    const direct = setup();
    direct.policies.add({ userId: alice.id, groupId: ENV.groupId, roleId: EnvironmentRoleId.Operator });
    expect((await direct.svc.environmentAccess(alice, ENV))?.roleId).toBe(EnvironmentRoleId.Operator);
    const team = setup([3]);
    team.policies.add({ teamId: 3, groupId: ENV.groupId, roleId: EnvironmentRoleId.ReadOnlyUser });
    const a = await team.svc.environmentAccess(alice, ENV);
    expect(a?.roleId).toBe(EnvironmentRoleId.ReadOnlyUser);
    expect(a?.teamIds).toEqual([3]);
  });

  it("follows Portainer's precedence: user on environment, user on group, team on environment, team on group", async () => {
    const { svc, policies } = setup([3]);
    policies.add({ teamId: 3, groupId: ENV.groupId, roleId: EnvironmentRoleId.EnvironmentAdministrator });
    expect((await svc.environmentAccess(alice, ENV))?.roleId).toBe(
      EnvironmentRoleId.EnvironmentAdministrator,
    );
    policies.add({ teamId: 3, environmentId: ENV.id, roleId: EnvironmentRoleId.Operator });
    expect((await svc.environmentAccess(alice, ENV))?.roleId).toBe(EnvironmentRoleId.Operator);
    policies.add({ userId: alice.id, groupId: ENV.groupId, roleId: EnvironmentRoleId.Helpdesk });
    expect((await svc.environmentAccess(alice, ENV))?.roleId).toBe(EnvironmentRoleId.Helpdesk);
    policies.add({ userId: alice.id, environmentId: ENV.id, roleId: EnvironmentRoleId.StandardUser });
    expect((await svc.environmentAccess(alice, ENV))?.roleId).toBe(EnvironmentRoleId.StandardUser);
  });

  it('answers several environments at once, each with its own group', async () => {
    const { svc, policies } = setup();
    policies.add({ userId: alice.id, groupId: 5, roleId: EnvironmentRoleId.StandardUser });
    const map = await svc.environmentAccesses(alice, [ENV, { id: 11, groupId: 5 }]);
    expect(map.get(ENV.id)).toBeUndefined();
    expect(map.get(11)?.roleId).toBe(EnvironmentRoleId.StandardUser);
  });
});

describe('AccessService — policies', () => {
  it('lists where a user holds a policy, directly or through a team', async () => {
    const { svc, policies } = setup([3]);
    policies.add({ userId: alice.id, environmentId: 10, roleId: EnvironmentRoleId.StandardUser });
    policies.add({ teamId: 3, groupId: 2, roleId: EnvironmentRoleId.StandardUser });
    policies.add({ teamId: 4, groupId: 6, roleId: EnvironmentRoleId.StandardUser });
    expect(await svc.reachable(alice)).toEqual({ environmentIds: [10], groupIds: [2] });
  });

  it('checks role ids and principals before anything is written', async () => {
    const { svc } = setup();
    await expect(
      svc.checkPolicies({ environmentId: 10 }, { '7': { RoleId: 9 } }, undefined),
    ).rejects.toBeInstanceOf(BadRequestError);
    await expect(svc.checkPolicies({ groupId: 2 }, { '700': { RoleId: 1 } }, undefined)).rejects.toThrow(
      'Invalid access policies',
    );
    await expect(
      svc.checkPolicies({ groupId: 2 }, undefined, { '700': { RoleId: 1 } }),
    ).rejects.toBeInstanceOf(BadRequestError);
    expect(await svc.checkPolicies({ groupId: 2 }, { '7': { RoleId: 3 } }, { '3': { RoleId: 4 } })).toEqual([
      { environmentId: null, groupId: 2, userId: 7, teamId: null, roleId: 3 },
      { environmentId: null, groupId: 2, userId: null, teamId: 3, roleId: 4 },
    ]);
  });

  it('replaces the policies of a target in one unit of work (delete then insert), leaving others alone', async () => {
    const { svc, policies, calls } = setup();
    policies.add({ userId: 7, environmentId: 10, roleId: EnvironmentRoleId.StandardUser });
    policies.add({ userId: 7, environmentId: 11, roleId: EnvironmentRoleId.StandardUser });
    const rows = await svc.checkPolicies({ environmentId: 10 }, { '8': { RoleId: 4 } }, undefined);
    await svc.replacePolicies({ environmentId: 10 }, rows);
    expect(calls.units).toBe(1);
    expect(policies.log).toEqual(['begin', 'delete {"environmentId":10}', 'insert 1', 'commit']);
    const maps = await svc.policyMaps('environment', [10, 11]);
    expect(maps.get(10)).toEqual({ users: { '8': { RoleId: 4 } }, teams: {} });
    expect(maps.get(11)).toEqual({ users: { '7': { RoleId: 3 } }, teams: {} });
  });
});

describe('AccessService.assert and assertDecision (the one 403)', () => {
  const refusal = (f: () => void) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(ForbiddenError);
      return { message: (e as ForbiddenError).message, details: (e as ForbiddenError).details };
    }
    return undefined;
  };

  it('refuses a permission the role lacks, with the details given', () => {
    const readOnly = accessForRole(EnvironmentRoleId.ReadOnlyUser);
    expect(refusal(() => AccessService.assert(readOnly, Permission.ResourcesRead, 'x'))).toBeUndefined();
    expect(
      refusal(() => AccessService.assert(readOnly, Permission.ContainerLifecycle, 'no lifecycle')),
    ).toEqual({
      message: 'Access denied to resource',
      details: 'no lifecycle',
    });
  });

  it('refuses a denied decision with its reason, and its own message when it has one', () => {
    expect(refusal(() => AccessService.assertDecision({ allowed: true }))).toBeUndefined();
    expect(refusal(() => AccessService.assertDecision({ allowed: false, reason: 'why' }))).toEqual({
      message: 'Access denied to resource',
      details: 'why',
    });
    expect(
      refusal(() =>
        AccessService.assertDecision({ allowed: false, reason: 'why', message: 'Forbidden to use x' }),
      ),
    ).toEqual({ message: 'Forbidden to use x', details: 'why' });
  });
});
