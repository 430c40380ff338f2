import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { UserRole, type Permission } from '@capstan/contracts-api';
import { BadRequestError, ForbiddenError, NotFoundError, UnitOfWork } from '@capstan/server-core';
import { TeamsService, UsersService } from '@capstan/server-users';
import {
  effectiveRole,
  policyMaps,
  policyRows,
  type PolicyMap,
  type PolicyRow,
  type PolicyTarget,
} from './access-policies';
import { AccessPolicyEntity } from './entities/access-policy.entity';
import {
  EnvironmentAccess,
  type AccessPrincipal,
  type EnvironmentRef,
  type OwnedResource,
} from './environment-access';

/** Where a principal holds at least one policy: the environments and groups they may list. */
export interface Reachable {
  readonly environmentIds: number[];
  readonly groupIds: number[];
}

const notFound = (id: number) =>
  new NotFoundError(
    'Unable to find an environment with the specified identifier inside the database',
    `No environment ${id}`,
  );

/**
 * The one access check: "may this principal do permission P on environment E (and on resource R)", from the
 * permission catalog, the access policies of the environment and of its group, the principal's teams and
 * ownership (the resource's control, given by the caller). Also the owner of the access policies.
 *
 * The environment comes in as plain data (`EnvironmentRef`: id and group id) — the environments module looks it
 * up and calls this service, so rbac never depends on environments.
 */
@Injectable()
export class AccessService {
  constructor(
    @InjectRepository(AccessPolicyEntity) private readonly policies: Repository<AccessPolicyEntity>,
    private readonly teams: TeamsService,
    private readonly users: UsersService,
    private readonly uow: UnitOfWork,
  ) {}

  /**
   * The principal's access to an environment, or `undefined` when no policy reaches them. Precedence as in
   * Portainer: user on environment, user on group, team on environment, team on group; among several teams at
   * the same level the least powerful role applies. Administrators reach every environment with no role.
   */
  async environmentAccess(
    principal: AccessPrincipal,
    env: EnvironmentRef,
  ): Promise<EnvironmentAccess | undefined> {
    return (await this.environmentAccesses(principal, [env])).get(env.id);
  }

  /** The same for several environments, in two queries. */
  async environmentAccesses(
    principal: AccessPrincipal,
    envs: readonly EnvironmentRef[],
  ): Promise<Map<number, EnvironmentAccess | undefined>> {
    const out = new Map<number, EnvironmentAccess | undefined>();
    if (envs.length === 0) return out;
    if (principal.role === UserRole.Administrator) {
      // Ownership never limits administrators: their teams are not needed (and not read on the proxy's path).
      for (const e of envs) out.set(e.id, new EnvironmentAccess(e.id, principal, undefined, []));
      return out;
    }
    const teamIds = await this.teams.teamIdsOf(principal.id);
    const envIds = [...new Set(envs.map((e) => e.id))];
    const groupIds = [...new Set(envs.map((e) => e.groupId))];
    const reach = [{ userId: principal.id }, ...(teamIds.length > 0 ? [{ teamId: In(teamIds) }] : [])];
    const rows = await this.policies.find({
      where: reach.flatMap((who) => [
        { ...who, environmentId: In(envIds) },
        { ...who, groupId: In(groupIds) },
      ]),
    });
    for (const e of envs) {
      const roleId = effectiveRole(rows.filter((r) => r.environmentId === e.id || r.groupId === e.groupId));
      out.set(
        e.id,
        roleId === undefined ? undefined : new EnvironmentAccess(e.id, principal, roleId, teamIds),
      );
    }
    return out;
  }

  /** Like `environmentAccess`, but an environment out of reach answers 404: its existence is not revealed. */
  async requireEnvironment(principal: AccessPrincipal, env: EnvironmentRef): Promise<EnvironmentAccess> {
    const access = await this.environmentAccess(principal, env);
    if (!access) throw notFound(env.id);
    return access;
  }

  /**
   * The one refusal of an access check: 403 `{message: 'Access denied to resource', details}` unless
   * `access.may(permission, resource)`. Static: controllers, the proxy, streams and webhooks call it on the access
   * they already hold.
   */
  static assert(
    access: EnvironmentAccess,
    permission: Permission,
    details: string,
    resource?: OwnedResource,
  ): void {
    if (!access.may(permission, resource)) throw new ForbiddenError('Access denied to resource', details);
  }

  /**
   * The same refusal for a decision already taken on the catalog (the Docker proxy's route rules): 403 with the
   * decision's reason as `details`, and its `message` when it has a more precise one.
   */
  static assertDecision(
    decision:
      | { readonly allowed: true }
      | { readonly allowed: false; readonly reason: string; readonly message?: string },
  ): void {
    if (!decision.allowed)
      throw new ForbiddenError(decision.message ?? 'Access denied to resource', decision.reason);
  }

  /** Environments and groups where a non-administrator holds a policy (directly or through a team). */
  async reachable(principal: AccessPrincipal): Promise<Reachable> {
    const teamIds = await this.teams.teamIdsOf(principal.id);
    const rows = await this.policies.find({
      where: [{ userId: principal.id }, ...(teamIds.length > 0 ? [{ teamId: In(teamIds) }] : [])],
      select: { environmentId: true, groupId: true },
    });
    const environmentIds = new Set<number>();
    const groupIds = new Set<number>();
    for (const r of rows) {
      if (r.environmentId !== null) environmentIds.add(r.environmentId);
      if (r.groupId !== null) groupIds.add(r.groupId);
    }
    return { environmentIds: [...environmentIds], groupIds: [...groupIds] };
  }

  /** The policies of environments (or groups) in Portainer's maps, by id. */
  async policyMaps(
    kind: 'environment' | 'group',
    ids: readonly number[],
  ): Promise<Map<number, { users: PolicyMap; teams: PolicyMap }>> {
    const out = new Map<number, { users: PolicyMap; teams: PolicyMap }>();
    if (ids.length === 0) return out;
    const column = kind === 'environment' ? 'environmentId' : 'groupId';
    const rows = await this.policies.find({ where: { [column]: In([...ids]) } });
    for (const id of ids) out.set(id, policyMaps(rows.filter((r) => r[column] === id)));
    return out;
  }

  /**
   * Validates Portainer's maps for one environment or group: role ids from the catalog, users and teams that
   * exist (a clear 400 rather than a foreign-key failure). Nothing is written.
   */
  async checkPolicies(
    target: PolicyTarget,
    users: PolicyMap | undefined,
    teams: PolicyMap | undefined,
  ): Promise<PolicyRow[]> {
    const rows = policyRows(
      'environmentId' in target
        ? { environmentId: target.environmentId, groupId: null }
        : { environmentId: null, groupId: target.groupId },
      users,
      teams,
    );
    const userIds = [...new Set(rows.flatMap((r) => (r.userId === null ? [] : [r.userId])))];
    const teamIds = [...new Set(rows.flatMap((r) => (r.teamId === null ? [] : [r.teamId])))];
    if ((await this.users.existingIds(userIds)).length !== userIds.length)
      throw new BadRequestError('Invalid access policies', 'Unknown user id');
    if ((await this.teams.existingIds(teamIds)).length !== teamIds.length)
      throw new BadRequestError('Invalid access policies', 'Unknown team id');
    return rows;
  }

  /**
   * Replaces every policy of one environment or group in one unit of work (joins the caller's unit of work when
   * there is one, so the environment and its policies change together).
   */
  async replacePolicies(target: PolicyTarget, rows: readonly PolicyRow[]): Promise<void> {
    await this.uow.run(async (tx) => {
      const repo = tx.getRepository(AccessPolicyEntity);
      await repo.delete(target);
      if (rows.length > 0) await repo.insert([...rows]);
    });
  }
}
