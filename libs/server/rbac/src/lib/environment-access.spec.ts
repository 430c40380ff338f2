import { describe, expect, it } from 'vitest';
import {
  ENVIRONMENT_ROLES,
  EnvironmentRoleId,
  Permission,
  ResourceControlType,
  UserRole,
  type ResourceControlBody,
} from '@capstan/contracts-api';
import { controlGrants, EnvironmentAccess } from './environment-access';
import { accessForRole } from './environment-access.testing';

const USER = 7;
const TEAM = 3;

const control = (fields: Partial<ResourceControlBody> = {}): ResourceControlBody => ({
  Id: 1,
  ResourceId: 'r',
  SubResourceIds: [],
  Type: ResourceControlType.Container,
  UserAccesses: [],
  TeamAccesses: [],
  Public: false,
  AdministratorsOnly: false,
  System: false,
  ...fields,
});

/** The ownership cases every role meets. */
const OWNERSHIP = {
  public: control({ Public: true }),
  administratorsOnly: control({ AdministratorsOnly: true }),
  privateToMe: control({ UserAccesses: [{ UserId: USER, AccessLevel: 1 }] }),
  privateToSomeoneElse: control({ UserAccesses: [{ UserId: 8, AccessLevel: 1 }] }),
  myTeam: control({ TeamAccesses: [{ TeamId: TEAM, AccessLevel: 1 }] }),
  anotherTeam: control({ TeamAccesses: [{ TeamId: 4, AccessLevel: 1 }] }),
  none: undefined,
} as const;
type Case = keyof typeof OWNERSHIP;
const REACHABLE_BY_OWNERSHIP: readonly Case[] = ['public', 'privateToMe', 'myTeam'];

const ENVIRONMENT_PERMISSIONS = Object.values(Permission).filter((p) => p.startsWith('environment:'));
const access = (roleId: EnvironmentRoleId | undefined) =>
  accessForRole(roleId, { userId: USER, teamIds: [TEAM] });

describe('EnvironmentAccess.may — every catalog role × every environment permission × ownership', () => {
  for (const role of ENVIRONMENT_ROLES) {
    const a = access(role.id);
    const seesAll = role.permissions.includes(Permission.ResourcesReadAll);

    describe(role.name, () => {
      it('holds exactly the permissions the catalog gives the role', () => {
        for (const p of ENVIRONMENT_PERMISSIONS) expect(a.may(p), p).toBe(role.permissions.includes(p));
        expect(a.permissions).toEqual([...role.permissions]);
        expect(a.displayedRoleId).toBe(role.id);
      });

      it(
        seesAll
          ? 'reaches every resource whatever its control (sees every resource)'
          : 'reaches only public resources, its own and its teams’ — never administrators-only or uncontrolled ones',
        () => {
          for (const p of ENVIRONMENT_PERMISSIONS) {
            for (const [name, rc] of Object.entries(OWNERSHIP) as [Case, ResourceControlBody | undefined][]) {
              const expected =
                role.permissions.includes(p) && (seesAll || REACHABLE_BY_OWNERSHIP.includes(name));
              expect(a.may(p, { control: rc }), `${p} on ${name}`).toBe(expected);
            }
          }
        },
      );

      it('manages a creator-owned thing (a webhook) it created, or any when it sees every resource', () => {
        const own = a.may(Permission.ResourcesManageOwned, { createdBy: USER });
        const other = a.may(Permission.ResourcesManageOwned, { createdBy: 8 });
        const orphan = a.may(Permission.ResourcesManageOwned, { createdBy: null });
        const manages = role.permissions.includes(Permission.ResourcesManageOwned);
        expect(own).toBe(manages);
        expect(other).toBe(manages && seesAll);
        expect(orphan).toBe(manages && seesAll);
      });
    });
  }

  it('administrators hold every permission on every resource, whatever its control', () => {
    const admin = access(undefined);
    expect(admin.administrator).toBe(true);
    expect(admin.displayedRoleId).toBe(EnvironmentRoleId.EnvironmentAdministrator);
    for (const p of ENVIRONMENT_PERMISSIONS)
      for (const rc of Object.values(OWNERSHIP)) expect(admin.may(p, { control: rc })).toBe(true);
  });

  it('a user without a role (no policy reached them) holds nothing', () => {
    const none = new EnvironmentAccess(
      1,
      { id: USER, role: UserRole.StandardUser, isTeamLeader: false },
      undefined,
      [TEAM],
    );
    for (const p of ENVIRONMENT_PERMISSIONS) expect(none.may(p, { control: OWNERSHIP.public })).toBe(false);
    expect(none.administrator).toBe(false);
  });

  it('tells the scopes the proxy uses apart by permission', () => {
    const scope = (r: EnvironmentRoleId | undefined) => {
      const a = access(r);
      return a.managesEveryResource ? 'full' : a.seesEveryResource ? 'read-all' : 'filtered';
    };
    expect(scope(undefined)).toBe('full');
    expect(scope(EnvironmentRoleId.EnvironmentAdministrator)).toBe('full');
    expect(scope(EnvironmentRoleId.Operator)).toBe('read-all');
    expect(scope(EnvironmentRoleId.Helpdesk)).toBe('read-all');
    expect(scope(EnvironmentRoleId.StandardUser)).toBe('filtered');
    expect(scope(EnvironmentRoleId.ReadOnlyUser)).toBe('filtered');
  });

  it("refuses in the role's words from the catalog", () => {
    expect(access(EnvironmentRoleId.Operator).refusal).toBe(
      'Operators manage the lifecycle of existing resources only',
    );
    expect(access(EnvironmentRoleId.ReadOnlyUser).refusal).toBe('Read-only users cannot change resources');
    expect(access(undefined).refusal).toBe('Your role does not allow this');
  });
});

describe('EnvironmentAccess.volumeBrowse', () => {
  it('is none on plain engines, write for administrators, none for others while the setting is off', () => {
    expect(access(undefined).volumeBrowse(false, true)).toBe('none');
    expect(access(undefined).volumeBrowse(true, false)).toBe('write');
    for (const role of ENVIRONMENT_ROLES) expect(access(role.id).volumeBrowse(true, false)).toBe('none');
  });

  it('lets roles that change resources write and the others read when the setting is on', () => {
    const on = (r: EnvironmentRoleId) => access(r).volumeBrowse(true, true);
    expect(on(EnvironmentRoleId.EnvironmentAdministrator)).toBe('write');
    expect(on(EnvironmentRoleId.Operator)).toBe('write');
    expect(on(EnvironmentRoleId.StandardUser)).toBe('write');
    expect(on(EnvironmentRoleId.Helpdesk)).toBe('read');
    expect(on(EnvironmentRoleId.ReadOnlyUser)).toBe('read');
  });
});

describe('controlGrants (Portainer’s UserCanAccessResource)', () => {
  it('grants listed users, their teams and public; never admin-only; nothing without a control', () => {
    expect(controlGrants(undefined, USER, [TEAM])).toBe(false);
    expect(controlGrants(OWNERSHIP.privateToMe, USER, [TEAM])).toBe(true);
    expect(controlGrants(OWNERSHIP.privateToSomeoneElse, USER, [TEAM])).toBe(false);
    expect(controlGrants(OWNERSHIP.myTeam, USER, [TEAM])).toBe(true);
    expect(controlGrants(OWNERSHIP.anotherTeam, USER, [TEAM])).toBe(false);
    expect(controlGrants(OWNERSHIP.public, USER, [])).toBe(true);
    expect(controlGrants(OWNERSHIP.administratorsOnly, USER, [TEAM])).toBe(false);
  });
});
