import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { MembershipRole, UserRole } from '@capstan/contracts-api';
import {
  AuthenticatedUser,
  BadRequestError,
  ConflictError,
  AUTOCOMMIT,
  UnitOfWork,
} from '@capstan/server-core';
import type { CreateTeamDto, CreateTeamMembershipDto } from './dto/users.dto';
import { TeamEntity } from './entities/team.entity';
import { TeamMembershipEntity } from './entities/team-membership.entity';
import { accessDenied, membershipNotFound, teamNameTaken, teamNotFound, userNotFound } from './users.errors';
import { UserEntity } from './entities/user.entity';
import { INITIAL_ADMIN_ID, UsersService } from './users.service';

/** An identity source whose groups teams can follow. */
export type TeamLinkSource = 'ldap' | 'oauth';
export const TEAM_LINK_SOURCES: readonly TeamLinkSource[] = ['ldap', 'oauth'];

export interface TeamSyncInput {
  readonly userId: number;
  readonly source: TeamLinkSource;
  /** Every identifier the source gives for the user's groups (e.g. an LDAP group's DN and its cn). */
  readonly groups: readonly string[];
  /** true: make the user an administrator; false: make them a standard user; undefined: leave the role. */
  readonly admin?: boolean;
}

export interface TeamSyncResult {
  readonly added: number[];
  readonly removed: number[];
  /** The role after the sync. */
  readonly role: UserRole;
}

/** Groups are compared case-insensitively, spaces around DN separators ignored. */
export function groupKey(group: string): string {
  return group
    .trim()
    .toLowerCase()
    .replace(/\s*([,=+])\s*/g, '$1');
}

/** Teams and memberships, with Portainer's rules: admins manage everything, leaders manage their own teams' members. */
@Injectable()
export class TeamsService {
  constructor(
    @InjectRepository(TeamEntity) private readonly teams: Repository<TeamEntity>,
    @InjectRepository(TeamMembershipEntity) private readonly memberships: Repository<TeamMembershipEntity>,
    private readonly users: UsersService,
    private readonly uow: UnitOfWork,
  ) {}

  async create(dto: CreateTeamDto): Promise<TeamEntity> {
    const name = dto.name.trim();
    if (await this.teams.findOneBy({ nameKey: name.toLowerCase() })) throw teamNameTaken(name);
    const leaders = [...new Set(dto.teamLeaders ?? [])];
    const existing = await this.users.existingIds(leaders);
    const missing = leaders.filter((id) => !existing.includes(id));
    if (missing.length > 0)
      throw new BadRequestError('Invalid team leaders', `No user with id ${missing.join(', ')}`);
    // The team and its leaders are one record: both or neither.
    const team = await this.uow.run(async (tx) => {
      const saved = await tx.save(TeamEntity, tx.create(TeamEntity, { name, nameKey: name.toLowerCase() }));
      if (leaders.length > 0) {
        await tx.insert(
          TeamMembershipEntity,
          leaders.map((userId) => ({ userId, teamId: saved.id, role: MembershipRole.Leader })),
        );
      }
      return saved;
    });
    leaders.forEach((id) => this.users.invalidate(id));
    return team;
  }

  async list(actor: AuthenticatedUser, onlyLed: boolean): Promise<TeamEntity[]> {
    if (actor.role === UserRole.Administrator && !onlyLed) return this.teams.find({ order: { name: 'ASC' } });
    const mine = await this.memberships.findBy({
      userId: actor.id,
      ...(onlyLed ? { role: MembershipRole.Leader } : {}),
    });
    if (mine.length === 0) return [];
    return this.teams.find({ where: { id: In(mine.map((m) => m.teamId)) }, order: { name: 'ASC' } });
  }

  async get(id: number): Promise<TeamEntity> {
    const team = await this.teams.findOneBy({ id });
    if (!team) throw teamNotFound(id);
    return team;
  }

  async inspect(actor: AuthenticatedUser, id: number): Promise<TeamEntity> {
    const team = await this.get(id);
    await this.assertCanManage(actor, id);
    return team;
  }

  async rename(id: number, name: string): Promise<TeamEntity> {
    const team = await this.get(id);
    const trimmed = name.trim();
    const other = await this.teams.findOneBy({ nameKey: trimmed.toLowerCase() });
    if (other && other.id !== id) throw teamNameTaken(trimmed);
    team.name = trimmed;
    team.nameKey = trimmed.toLowerCase();
    return this.teams.save(team, AUTOCOMMIT);
  }

  async delete(id: number): Promise<void> {
    const team = await this.get(id);
    const members = await this.uow.run(async (tx) => {
      const found = await tx.findBy(TeamMembershipEntity, { teamId: id });
      await tx.delete(TeamMembershipEntity, { teamId: id });
      await tx.remove(team);
      return found;
    });
    members.forEach((m) => this.users.invalidate(m.userId));
  }

  async teamMemberships(actor: AuthenticatedUser, teamId: number): Promise<TeamMembershipEntity[]> {
    await this.get(teamId);
    await this.assertCanManage(actor, teamId);
    return this.memberships.find({ where: { teamId }, order: { id: 'ASC' } });
  }

  async userMemberships(actor: AuthenticatedUser, userId: number): Promise<TeamMembershipEntity[]> {
    if (actor.role !== UserRole.Administrator && actor.id !== userId) {
      throw accessDenied('You can only list your own memberships');
    }
    await this.users.get(userId);
    return this.memberships.find({ where: { userId }, order: { id: 'ASC' } });
  }

  async listMemberships(actor: AuthenticatedUser): Promise<TeamMembershipEntity[]> {
    if (actor.role === UserRole.Administrator) return this.memberships.find({ order: { id: 'ASC' } });
    const led = await this.ledTeamIds(actor.id);
    if (led.length === 0) return [];
    return this.memberships.find({ where: { teamId: In(led) }, order: { id: 'ASC' } });
  }

  async addMembership(actor: AuthenticatedUser, dto: CreateTeamMembershipDto): Promise<TeamMembershipEntity> {
    await this.get(dto.teamID);
    await this.assertCanManage(actor, dto.teamID);
    this.assertRoleChangeAllowed(actor, dto.role);
    await this.users.get(dto.userID).catch(() => {
      throw userNotFound(dto.userID);
    });
    if (await this.memberships.findOneBy({ userId: dto.userID, teamId: dto.teamID })) {
      throw new ConflictError(
        'Team membership already registered',
        `User ${dto.userID} is already in team ${dto.teamID}`,
      );
    }
    const saved = await this.memberships.save(
      this.memberships.create({ userId: dto.userID, teamId: dto.teamID, role: dto.role }),
      AUTOCOMMIT,
    );
    this.users.invalidate(dto.userID);
    return saved;
  }

  async updateMembership(
    actor: AuthenticatedUser,
    id: number,
    dto: CreateTeamMembershipDto,
  ): Promise<TeamMembershipEntity> {
    const membership = await this.memberships.findOneBy({ id });
    if (!membership) throw membershipNotFound(id);
    await this.assertCanManage(actor, membership.teamId);
    if (dto.teamID !== membership.teamId || dto.userID !== membership.userId) {
      throw new BadRequestError(
        'Invalid request payload',
        'A membership cannot move to another user or team; delete and re-create it',
      );
    }
    this.assertRoleChangeAllowed(actor, dto.role);
    if (actor.role !== UserRole.Administrator && membership.role === MembershipRole.Leader) {
      throw accessDenied('Only administrators can change a team leader');
    }
    membership.role = dto.role;
    const saved = await this.memberships.save(membership, AUTOCOMMIT);
    this.users.invalidate(membership.userId);
    return saved;
  }

  async deleteMembership(actor: AuthenticatedUser, id: number): Promise<void> {
    const membership = await this.memberships.findOneBy({ id });
    if (!membership) throw membershipNotFound(id);
    await this.assertCanManage(actor, membership.teamId);
    if (
      actor.role !== UserRole.Administrator &&
      membership.role === MembershipRole.Leader &&
      membership.userId !== actor.id
    ) {
      throw accessDenied('Only administrators can remove another team leader');
    }
    await this.memberships.remove(membership, AUTOCOMMIT);
    this.users.invalidate(membership.userId);
  }

  /**
   * Makes a user's memberships in the teams linked to `source` match the source's groups: added as member where
   * the user is in the linked group, removed where not (a leader too); teams not linked to the source are never
   * touched. Optionally sets the administrator role (never demotes user 1). One unit of work.
   */
  async syncLinkedTeams(input: TeamSyncInput): Promise<TeamSyncResult> {
    const wanted = new Set(input.groups.map(groupKey));
    const result = await this.uow.run(async (tx) => {
      const user = await tx.findOneBy(UserEntity, { id: input.userId });
      if (!user) throw userNotFound(input.userId);
      const linked = await tx.findBy(TeamEntity, { linkSource: input.source });
      const current = new Map(
        (await tx.findBy(TeamMembershipEntity, { userId: input.userId })).map((m) => [m.teamId, m]),
      );
      const added: number[] = [];
      const removed: number[] = [];
      for (const team of linked) {
        const member = team.linkGroup !== null && wanted.has(groupKey(team.linkGroup));
        const membership = current.get(team.id);
        if (member && !membership) {
          await tx.insert(TeamMembershipEntity, {
            userId: input.userId,
            teamId: team.id,
            role: MembershipRole.Member,
          });
          added.push(team.id);
        } else if (!member && membership) {
          await tx.delete(TeamMembershipEntity, { id: membership.id });
          removed.push(team.id);
        }
      }
      let role = user.role;
      if (input.admin !== undefined && user.id !== INITIAL_ADMIN_ID) {
        role = input.admin ? UserRole.Administrator : UserRole.StandardUser;
        if (role !== user.role) await tx.update(UserEntity, { id: user.id }, { role });
      }
      return { added, removed, role, changed: added.length + removed.length > 0 || role !== user.role };
    });
    if (result.changed) this.users.invalidate(input.userId);
    return { added: result.added, removed: result.removed, role: result.role };
  }

  /** Links a team to a group of an identity source, or unlinks it (null). */
  async link(id: number, link: { source: TeamLinkSource; group: string } | null): Promise<TeamEntity> {
    const team = await this.get(id);
    const group = link?.group.trim() ?? '';
    if (link && group === '')
      throw new BadRequestError('Invalid team link', 'The linked group cannot be empty');
    team.linkSource = link ? link.source : null;
    team.linkGroup = link ? group : null;
    return this.teams.save(team, AUTOCOMMIT);
  }

  /** The teams linked to a source, with their groups (for previews: which teams a user would get). */
  async linkedTeams(source: TeamLinkSource): Promise<{ id: number; name: string; group: string }[]> {
    return (await this.teams.find({ where: { linkSource: source }, order: { name: 'ASC' } })).map((t) => ({
      id: t.id,
      name: t.name,
      group: t.linkGroup ?? '',
    }));
  }

  /** The teams a user belongs to (for access checks: no caller rule, the caller is the user). */
  async teamIdsOf(userId: number): Promise<number[]> {
    return (await this.memberships.find({ where: { userId }, select: { teamId: true } })).map(
      (m) => m.teamId,
    );
  }

  /** Which of these team ids exist. */
  async existingIds(ids: readonly number[]): Promise<number[]> {
    if (ids.length === 0) return [];
    return (await this.teams.find({ where: { id: In([...ids]) }, select: { id: true } })).map((t) => t.id);
  }

  /** Team ids by exact name (names in access-control labels); unknown names are left out. */
  async idsByName(names: readonly string[]): Promise<Map<string, number>> {
    if (names.length === 0) return new Map();
    const rows = await this.teams.find({ where: { name: In([...names]) }, select: { id: true, name: true } });
    return new Map(rows.map((t) => [t.name, t.id]));
  }

  async ledTeamIds(userId: number): Promise<number[]> {
    return (await this.memberships.findBy({ userId, role: MembershipRole.Leader })).map((m) => m.teamId);
  }

  private async assertCanManage(actor: AuthenticatedUser, teamId: number): Promise<void> {
    if (actor.role === UserRole.Administrator) return;
    if (!(await this.ledTeamIds(actor.id)).includes(teamId)) {
      throw accessDenied('Only administrators and the leaders of this team can manage it');
    }
  }

  private assertRoleChangeAllowed(actor: AuthenticatedUser, role: MembershipRole): void {
    if (role === MembershipRole.Leader && actor.role !== UserRole.Administrator) {
      throw accessDenied('Only administrators can make a user a team leader');
    }
  }
}
