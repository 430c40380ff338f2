import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import {
  BadRequestError,
  ConflictError,
  NotFoundError,
  UnitOfWork,
  type Transaction,
} from '@capstan/server-core';
import { EnvironmentsService, type EdgeMember } from '@capstan/server-environments';
import type {
  CreateEdgeGroupDto,
  EdgeGroupListItemResponse,
  EdgeGroupResponse,
  UpdateEdgeGroupDto,
} from './edge-groups.dto';
import { EdgeGroupEntity, EdgeGroupEnvironmentEntity, EdgeGroupTagEntity } from './edge-group.entity';
import { membership, type GroupRule } from './membership';

/**
 * Something that targets edge groups (edge stacks, edge jobs): a group it uses cannot be deleted, and the
 * group list shows `HasEdgeStack` / `HasEdgeJob` from it.
 */
export interface EdgeGroupUsage {
  readonly kind: 'stack' | 'job';
  /** The ids of the groups it uses now. */
  usedGroupIds(): Promise<ReadonlySet<number>>;
}

/** Groups, their rules and their members, computed once per change. */
interface MembershipIndex {
  readonly rules: ReadonlyMap<number, GroupRule>;
  readonly members: ReadonlyMap<number, readonly number[]>;
  readonly groupsOf: ReadonlyMap<number, readonly number[]>;
  readonly edge: ReadonlyMap<number, EdgeMember>;
}

/**
 * Edge groups (Portainer's `/api/edge_groups`). Membership of every group is computed from the stored rules and
 * the edge environments' tags, cached, and recomputed after any change to groups, environments, their tags or
 * environment groups (`EnvironmentsService.onMembershipChange`); listeners (edge stacks, edge jobs) are told so
 * they can refresh what the poll answers.
 */
@Injectable()
export class EdgeGroupsService implements OnModuleInit {
  private index?: Promise<MembershipIndex>;
  private readonly usages: EdgeGroupUsage[] = [];
  private readonly listeners: (() => void)[] = [];

  constructor(
    @InjectRepository(EdgeGroupEntity) private readonly groups: Repository<EdgeGroupEntity>,
    @InjectRepository(EdgeGroupTagEntity) private readonly groupTags: Repository<EdgeGroupTagEntity>,
    @InjectRepository(EdgeGroupEnvironmentEntity)
    private readonly groupEnvs: Repository<EdgeGroupEnvironmentEntity>,
    private readonly environments: EnvironmentsService,
    private readonly uow: UnitOfWork,
  ) {}

  onModuleInit(): void {
    this.environments.onMembershipChange(() => this.invalidate());
  }

  // ── Facade for edge stacks and edge jobs ──

  /** A module targeting groups registers here: deletion of a group it uses is refused. */
  registerUsage(usage: EdgeGroupUsage): void {
    this.usages.push(usage);
  }

  /** Called after group membership may have changed (a group, an environment, a tag, an environment group). */
  onMembershipChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** The distinct edge environments in these groups, ascending. */
  async environmentIdsOf(groupIds: readonly number[]): Promise<number[]> {
    const index = await this.current();
    const ids = new Set<number>();
    for (const g of groupIds) for (const e of index.members.get(g) ?? []) ids.add(e);
    return [...ids].sort((a, b) => a - b);
  }

  /** The groups an environment belongs to now. */
  async groupIdsOf(environmentId: number): Promise<readonly number[]> {
    return (await this.current()).groupsOf.get(environmentId) ?? [];
  }

  /** Whether the environment is an edge environment (types 4 and 7), with its type. */
  async edgeEnvironment(environmentId: number): Promise<EdgeMember | undefined> {
    return (await this.current()).edge.get(environmentId);
  }

  /** The distinct ids, or a 400 naming the unknown ones (and the empty list when `required`). */
  async checkGroups(ids: readonly number[] | undefined, required = true): Promise<number[]> {
    const unique = [...new Set(ids ?? [])];
    if (required && unique.length === 0)
      throw new BadRequestError('Invalid edge groups', 'EdgeGroups must name at least one edge group');
    const index = await this.current();
    const missing = unique.filter((id) => !index.rules.has(id));
    if (missing.length > 0)
      throw new BadRequestError('Invalid edge groups', `No edge group with id ${missing.join(', ')}`);
    return unique;
  }

  // ── /api/edge_groups ──

  async create(dto: CreateEdgeGroupDto): Promise<EdgeGroupResponse> {
    const name = dto.Name.trim();
    if (name === '') throw new BadRequestError('Invalid edge group name', 'Name is required');
    const rule = await this.checkRule(
      dto.Dynamic ?? false,
      dto.PartialMatch ?? false,
      dto.TagIDs,
      dto.Endpoints,
    );
    if (await this.groups.existsBy({ nameKey: name.toLowerCase() }))
      throw new ConflictError('Edge group name must be unique', `An edge group named "${name}" exists`);
    const saved = await this.uow
      .run(async (tx) => {
        const g = await tx.save(
          EdgeGroupEntity,
          tx.create(EdgeGroupEntity, {
            name,
            nameKey: name.toLowerCase(),
            dynamic: rule.dynamic,
            partialMatch: rule.partialMatch,
          }),
        );
        await this.writeRule(tx, g.id, rule);
        return g;
      })
      .catch(uniqueName(name));
    this.invalidate();
    return this.response(saved.id);
  }

  async list(): Promise<EdgeGroupListItemResponse[]> {
    const [rows, index, used] = await Promise.all([
      this.groups.find({ order: { id: 'ASC' } }),
      this.current(),
      this.used(),
    ]);
    return rows.map((g) => {
      const members = index.members.get(g.id) ?? [];
      return {
        ...this.toResponse(g, index),
        HasEdgeStack: used.stack.has(g.id),
        HasEdgeJob: used.job.has(g.id),
        EndpointTypes: [...new Set(members.map((id) => index.edge.get(id)?.type ?? 0))].sort(),
        TrustedEndpoints: members.filter((id) => index.edge.get(id)?.trusted),
      };
    });
  }

  async response(id: number): Promise<EdgeGroupResponse> {
    const g = await this.get(id);
    return this.toResponse(g, await this.current());
  }

  async update(id: number, dto: UpdateEdgeGroupDto): Promise<EdgeGroupResponse> {
    const g = await this.get(id);
    const index = await this.current();
    const before = index.rules.get(id);
    if (dto.Name !== undefined) {
      const name = dto.Name.trim();
      if (name === '') throw new BadRequestError('Invalid edge group name', 'Name is required');
      const other = await this.groups.findOneBy({ nameKey: name.toLowerCase() });
      if (other && other.id !== id)
        throw new ConflictError('Edge group name must be unique', `An edge group named "${name}" exists`);
      g.name = name;
      g.nameKey = name.toLowerCase();
    }
    const dynamic = dto.Dynamic ?? g.dynamic;
    const rule = await this.checkRule(
      dynamic,
      dto.PartialMatch ?? g.partialMatch,
      dto.TagIDs ?? (dynamic === g.dynamic ? [...(before?.tagIds ?? [])] : undefined),
      dto.Endpoints ?? (dynamic === g.dynamic ? [...(before?.environmentIds ?? [])] : undefined),
    );
    g.dynamic = rule.dynamic;
    g.partialMatch = rule.partialMatch;
    await this.uow
      .run(async (tx) => {
        await tx.save(g);
        await tx.delete(EdgeGroupTagEntity, { edgeGroupId: id });
        await tx.delete(EdgeGroupEnvironmentEntity, { edgeGroupId: id });
        await this.writeRule(tx, id, rule);
      })
      .catch(uniqueName(g.name));
    this.invalidate();
    return this.response(id);
  }

  /** Refused (409) while an edge stack or job uses the group. */
  async delete(id: number): Promise<void> {
    const g = await this.get(id);
    const used = await this.used();
    if (used.stack.has(id))
      throw new ConflictError(
        'Edge group is used by an Edge stack',
        `Edge group ${id} is targeted by an edge stack`,
      );
    if (used.job.has(id))
      throw new ConflictError(
        'Edge group is used by an Edge job',
        `Edge group ${id} is targeted by an edge job`,
      );
    await this.uow.run(async (tx) => {
      await tx.delete(EdgeGroupTagEntity, { edgeGroupId: id });
      await tx.delete(EdgeGroupEnvironmentEntity, { edgeGroupId: id });
      await tx.remove(g);
    });
    this.invalidate();
  }

  // ── internals ──

  private async get(id: number): Promise<EdgeGroupEntity> {
    const g = await this.groups.findOneBy({ id });
    if (!g)
      throw new NotFoundError(
        'Unable to find an Edge group with the specified identifier inside the database',
        `No edge group ${id}`,
      );
    return g;
  }

  private toResponse(g: EdgeGroupEntity, index: MembershipIndex): EdgeGroupResponse {
    const rule = index.rules.get(g.id);
    return {
      Id: g.id,
      Name: g.name,
      Dynamic: g.dynamic,
      TagIds: [...(rule?.tagIds ?? [])],
      Endpoints: [...(index.members.get(g.id) ?? [])],
      PartialMatch: g.partialMatch,
    };
  }

  /** Dynamic: tags required (and known); static: every listed environment must be an edge environment. */
  private async checkRule(
    dynamic: boolean,
    partialMatch: boolean,
    tagIds: number[] | undefined,
    environmentIds: number[] | undefined,
  ): Promise<Omit<GroupRule, 'id'>> {
    if (dynamic) {
      if (!tagIds || tagIds.length === 0)
        throw new BadRequestError('Invalid edge group', 'TagIDs is mandatory for a dynamic edge group');
      return { dynamic, partialMatch, tagIds: await this.environments.checkTags(tagIds), environmentIds: [] };
    }
    const ids = [...new Set(environmentIds ?? [])];
    if (ids.length > 0) {
      const edge = new Set((await this.environments.edgeMembers()).map((m) => m.id));
      const wrong = ids.filter((id) => !edge.has(id));
      if (wrong.length > 0)
        throw new BadRequestError(
          'Invalid environments',
          `Not edge environments (types 4 and 7): ${wrong.join(', ')}`,
        );
    }
    return { dynamic, partialMatch: false, tagIds: [], environmentIds: ids.sort((a, b) => a - b) };
  }

  private async writeRule(tx: Transaction, id: number, rule: Omit<GroupRule, 'id'>): Promise<void> {
    if (rule.tagIds.length > 0)
      await tx.insert(
        EdgeGroupTagEntity,
        rule.tagIds.map((tagId) => ({ edgeGroupId: id, tagId })),
      );
    if (rule.environmentIds.length > 0)
      await tx.insert(
        EdgeGroupEnvironmentEntity,
        rule.environmentIds.map((environmentId) => ({ edgeGroupId: id, environmentId })),
      );
  }

  private async used(): Promise<{ stack: ReadonlySet<number>; job: ReadonlySet<number> }> {
    const stack = new Set<number>();
    const job = new Set<number>();
    for (const u of this.usages)
      for (const id of await u.usedGroupIds()) (u.kind === 'stack' ? stack : job).add(id);
    return { stack, job };
  }

  private invalidate(): void {
    this.index = undefined;
    for (const l of this.listeners) l();
  }

  private current(): Promise<MembershipIndex> {
    if (!this.index) {
      const building = this.build();
      this.index = building;
      building.catch(() => {
        if (this.index === building) this.index = undefined;
      });
    }
    return this.index;
  }

  private async build(): Promise<MembershipIndex> {
    const [rows, tags, envs, members] = await Promise.all([
      this.groups.find(),
      this.groupTags.find(),
      this.groupEnvs.find(),
      this.environments.edgeMembers(),
    ]);
    const rules = new Map<number, GroupRule>(
      rows.map((g) => [
        g.id,
        {
          id: g.id,
          dynamic: g.dynamic,
          partialMatch: g.partialMatch,
          tagIds: tags
            .filter((t) => t.edgeGroupId === g.id)
            .map((t) => t.tagId)
            .sort((a, b) => a - b),
          environmentIds: envs
            .filter((e) => e.edgeGroupId === g.id)
            .map((e) => e.environmentId)
            .sort((a, b) => a - b),
        },
      ]),
    );
    const m = membership([...rules.values()], members);
    const groupsOf = new Map<number, number[]>();
    for (const [gid, ids] of m) for (const e of ids) groupsOf.set(e, [...(groupsOf.get(e) ?? []), gid]);
    return { rules, members: m, groupsOf, edge: new Map(members.map((x) => [x.id, x])) };
  }
}

function uniqueName(name: string): (e: unknown) => never {
  return (e) => {
    if (e instanceof Error && /UNIQUE|duplicate key/i.test(e.message))
      throw new ConflictError('Edge group name must be unique', `An edge group named "${name}" exists`);
    throw e;
  };
}
