import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, In, IsNull, Repository } from 'typeorm';
import {
  ResourceControlType,
  UserRole,
  shortDockerId,
  type ResourceControlBody,
} from '@capstan/contracts-api';
import {
  AUTOCOMMIT,
  AuthenticatedUser,
  BadRequestError,
  ClockPort,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  setActivityTarget,
} from '@capstan/server-core';
import { EnvironmentsService } from '@capstan/server-environments';
import { controlGrants } from '@capstan/server-rbac';
import { TeamsService, UsersService } from '@capstan/server-users';
import { accessLabelNames, ControlIndex, type Labels } from './access-control';
import { ResourceControlEntity } from './entities/resource-control.entity';

/** What an ownership change asks for (Portainer's payload). */
export interface OwnershipInput {
  Public?: boolean;
  AdministratorsOnly?: boolean;
  Users?: number[];
  Teams?: number[];
}

export interface CreateControlInput extends OwnershipInput {
  ResourceID: string;
  Type: ResourceControlType;
  SubResourceIDs?: string[];
  /** Capstan: the environment the resource lives in; none = every environment (Portainer's model). */
  EndpointID?: number;
}

/**
 * An environment's controls are read on every list through the proxy: kept this long. Writes in this process
 * clear the cache at once; other replicas (PostgreSQL mode) see a change within this time, like user changes.
 */
const CONTROLS_TTL_MS = 5000;

/** Resource controls: ownership of Docker resources (reference §1.16, §2.4). */
@Injectable()
export class ResourceControlsService {
  private readonly controlsByEnv = new Map<number, { rows: ResourceControlBody[]; at: number }>();
  /** Bumped by every write: a read that overlapped a write does not cache what it read. */
  private generation = 0;

  constructor(
    @InjectRepository(ResourceControlEntity) private readonly repo: Repository<ResourceControlEntity>,
    private readonly clock: ClockPort,
    private readonly users: UsersService,
    private readonly teams: TeamsService,
    private readonly environments: EnvironmentsService,
  ) {}

  /**
   * The controls that apply in one environment, indexed. `labels` are the labels of the resources about to be
   * looked up: user and team names in access-control labels are resolved in one query each.
   */
  async index(envId: number, labels: Labels[] = []): Promise<ControlIndex> {
    const wanted = accessLabelNames(labels);
    const [rows, users, teams] = await Promise.all([
      this.controlsOf(envId),
      this.users.idsByUsername([...wanted.users]),
      this.teams.idsByName([...wanted.teams]),
    ]);
    return new ControlIndex(envId, rows, { users, teams });
  }

  /** Whether any control applies in an environment (its own, or global ones). */
  async any(envId: number): Promise<boolean> {
    return (await this.controlsOf(envId)).length > 0;
  }

  private async controlsOf(envId: number): Promise<ResourceControlBody[]> {
    const now = this.clock.now();
    const hit = this.controlsByEnv.get(envId);
    if (hit && now - hit.at < CONTROLS_TTL_MS) return hit.rows;
    const generation = this.generation;
    const entities = await this.repo
      .createQueryBuilder('rc')
      .where(
        new Brackets((w) =>
          w.where('rc.environment_id = :envId', { envId }).orWhere('rc.environment_id IS NULL'),
        ),
      )
      .getMany();
    // Global controls first: an environment's own control wins over a global one for the same resource.
    entities.sort(
      (a, b) => (a.environmentId === null ? 0 : 1) - (b.environmentId === null ? 0 : 1) || a.id - b.id,
    );
    const rows = entities.map(toBody);
    if (this.controlsByEnv.size > 1000) this.controlsByEnv.clear();
    if (generation === this.generation) this.controlsByEnv.set(envId, { rows, at: now });
    return rows;
  }

  /** Every write: the cached controls are stale. */
  private changed(): void {
    this.generation += 1;
    this.controlsByEnv.clear();
  }

  async get(id: number): Promise<ResourceControlBody> {
    return toBody(await this.entity(id));
  }

  /**
   * A private control for the creator of a resource, replacing any control left over for the same id
   * (a volume name reused after the volume was removed outside Capstan).
   */
  async createPrivate(
    envId: number | null,
    type: ResourceControlType,
    resourceId: string,
    userId: number,
  ): Promise<ResourceControlBody> {
    const fields = {
      subResourceIds: '[]',
      public: false,
      administratorsOnly: false,
      userAccesses: JSON.stringify([{ UserId: userId, AccessLevel: 1 }]),
      teamAccesses: '[]',
    };
    const existing = await this.repo.findOneBy({
      environmentId: envId === null ? IsNull() : envId,
      type,
      resourceId,
    });
    if (existing) {
      await this.repo.update({ id: existing.id }, fields);
      this.changed();
      return toBody({ ...existing, ...fields });
    }
    const saved = await this.repo.save(
      this.repo.create({ environmentId: envId, type, resourceId, createdAt: this.clock.now(), ...fields }),
      AUTOCOMMIT,
    );
    this.changed();
    return toBody(saved);
  }

  /** `POST /api/resource_controls` (administrators). */
  async create(input: CreateControlInput): Promise<ResourceControlBody> {
    setActivityTarget(activityTarget(input.Type, input.ResourceID));
    const ownership = await this.checkOwnership(input);
    const environmentId = input.EndpointID ?? null;
    if (environmentId !== null) {
      if (!(await this.environments.exists(environmentId)))
        throw new BadRequestError('Invalid environment', `No environment ${environmentId}`);
    }
    const clash = await this.repo
      .createQueryBuilder('rc')
      .where('rc.type = :type AND rc.resource_id = :rid', { type: input.Type, rid: input.ResourceID })
      .andWhere(
        environmentId === null
          ? 'rc.environment_id IS NULL'
          : new Brackets((w) =>
              w
                .where('rc.environment_id = :env', { env: environmentId })
                .orWhere('rc.environment_id IS NULL'),
            ),
      )
      .getCount();
    if (clash > 0) {
      throw new ConflictError(
        'A resource control is already associated to this resource',
        `Type ${input.Type}, resource ${input.ResourceID}`,
      );
    }
    const saved = await this.repo.save(
      this.repo.create({
        environmentId,
        type: input.Type,
        resourceId: input.ResourceID,
        subResourceIds: JSON.stringify([...new Set(input.SubResourceIDs ?? [])]),
        createdAt: this.clock.now(),
        ...ownership,
      }),
      AUTOCOMMIT,
    );
    this.changed();
    return toBody(saved);
  }

  /**
   * `PUT /api/resource_controls/{id}`. Administrators change anything. Others (Portainer's rule) only a control
   * that is public or lists them or one of their teams, never to or from "administrators only", may give it
   * only to themselves and their own teams, and must keep access to it.
   */
  async update(actor: AuthenticatedUser, id: number, input: OwnershipInput): Promise<ResourceControlBody> {
    const entity = await this.entity(id);
    const current = toBody(entity);
    const ownership = await this.checkOwnership(input);
    if (actor.role !== UserRole.Administrator) {
      const teamIds = await this.teams.teamIdsOf(actor.id);
      if (!controlGrants(current, actor.id, teamIds)) {
        throw new ForbiddenError(
          'Access denied to resource',
          'You cannot change the ownership of this resource',
        );
      }
      if (input.AdministratorsOnly) {
        throw new ForbiddenError(
          'Access denied to resource',
          'Only administrators can restrict a resource to administrators',
        );
      }
      const others = (input.Users ?? []).filter((u) => u !== actor.id);
      const foreignTeams = (input.Teams ?? []).filter((t) => !teamIds.includes(t));
      if (others.length > 0 || foreignTeams.length > 0) {
        throw new ForbiddenError(
          'Access denied to resource',
          'You can give a resource only to yourself and to teams you belong to',
        );
      }
    }
    await this.repo.update({ id }, ownership);
    this.changed();
    return toBody({ ...entity, ...ownership });
  }

  async delete(id: number): Promise<void> {
    await this.entity(id);
    await this.repo.delete({ id });
    this.changed();
  }

  /**
   * The resource is gone: its control goes too. `envId` null: a resource that belongs to no environment (a
   * custom template); otherwise controls created without an environment stay.
   */
  async deleteFor(envId: number | null, type: ResourceControlType, resourceId: string): Promise<void> {
    await this.repo.delete({ environmentId: envId === null ? IsNull() : envId, type, resourceId });
    this.changed();
  }

  /** The resource was replaced by another of the same kind (a recreated container): its control follows it. */
  async reassign(envId: number, type: ResourceControlType, fromId: string, toId: string): Promise<void> {
    await this.repo.update({ environmentId: envId, type, resourceId: fromId }, { resourceId: toId });
    this.changed();
  }

  /** Controls of resources that belong to no environment (custom templates), by resource id. */
  async globalControls(
    type: ResourceControlType,
    resourceIds: string[],
  ): Promise<Map<string, ResourceControlBody>> {
    const found = new Map<string, ResourceControlBody>();
    // Bounded IN lists: SQLite limits the number of bound parameters.
    for (let i = 0; i < resourceIds.length; i += 500) {
      const ids = resourceIds.slice(i, i + 500);
      for (const e of await this.repo.findBy({ environmentId: IsNull(), type, resourceId: In(ids) }))
        found.set(e.resourceId, toBody(e));
    }
    return found;
  }

  private async entity(id: number): Promise<ResourceControlEntity> {
    const entity = await this.repo.findOneBy({ id });
    if (!entity) {
      throw new NotFoundError(
        'Unable to find a resource control with the specified identifier inside the database',
        `No resource control ${id}`,
      );
    }
    setActivityTarget(activityTarget(entity.type, entity.resourceId));
    return entity;
  }

  /** Portainer's payload rules, and every user and team must exist. */
  private async checkOwnership(
    input: OwnershipInput,
  ): Promise<Pick<ResourceControlEntity, 'public' | 'administratorsOnly' | 'userAccesses' | 'teamAccesses'>> {
    const users = [...new Set(input.Users ?? [])];
    const teams = [...new Set(input.Teams ?? [])];
    const isPublic = input.Public === true;
    const adminsOnly = input.AdministratorsOnly === true;
    if (isPublic && adminsOnly) {
      throw new BadRequestError(
        'Invalid ownership',
        'A resource cannot be both public and restricted to administrators',
      );
    }
    if ((isPublic || adminsOnly) && (users.length > 0 || teams.length > 0)) {
      throw new BadRequestError(
        'Invalid ownership',
        'Users and Teams must be empty when the resource is public or restricted to administrators',
      );
    }
    if (!isPublic && !adminsOnly && users.length === 0 && teams.length === 0) {
      throw new BadRequestError(
        'Invalid ownership',
        'Give at least one user or team access, or make the resource public or administrators-only',
      );
    }
    assertExist('user', users, await this.users.existingIds(users));
    assertExist('team', teams, await this.teams.existingIds(teams));
    return {
      public: isPublic,
      administratorsOnly: adminsOnly,
      userAccesses: JSON.stringify(users.map((UserId) => ({ UserId, AccessLevel: 1 }))),
      teamAccesses: JSON.stringify(teams.map((TeamId) => ({ TeamId, AccessLevel: 1 }))),
    };
  }
}

/** Every id of `wanted` must be among `found`: a 400 naming the unknown ones. */
function assertExist(kind: 'user' | 'team', wanted: number[], found: number[]): void {
  const missing = wanted.filter((id) => !found.includes(id));
  if (missing.length > 0)
    throw new BadRequestError('Invalid ownership', `Unknown ${kind} id ${missing.join(', ')}`);
}

export function toBody(e: ResourceControlEntity): ResourceControlBody {
  return {
    Id: e.id,
    ResourceId: e.resourceId,
    SubResourceIds: parseArray<string>(e.subResourceIds),
    Type: e.type,
    UserAccesses: parseArray<{ UserId: number; AccessLevel: number }>(e.userAccesses),
    TeamAccesses: parseArray<{ TeamId: number; AccessLevel: number }>(e.teamAccesses),
    Public: Boolean(e.public),
    AdministratorsOnly: Boolean(e.administratorsOnly),
    System: false,
  };
}

function parseArray<T>(json: string): T[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? (v as T[]) : [];
  } catch {
    return [];
  }
}

/** "container 3f2a1b9c0d12", "custom template 4": what a control's activity-log entry says it was about. */
export function activityTarget(type: ResourceControlType, resourceId: string): string {
  const kind = (ResourceControlType[type] ?? 'resource').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return `${kind} ${shortDockerId(resourceId)}`;
}
