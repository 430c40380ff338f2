import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { UserRole } from '@capstan/contracts-api';
import {
  AUTOCOMMIT,
  AuthenticatedUser,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnitOfWork,
} from '@capstan/server-core';
import { AccessService } from '@capstan/server-rbac';
import type { CreateGroupDto, GroupResponse, TagResponse, UpdateGroupDto } from './dto/environments.dto';
import { EnvironmentEntity } from './entities/environment.entity';
import { EnvironmentGroupEntity } from './entities/environment-group.entity';
import { EnvironmentTagEntity, GroupTagEntity, TagEntity } from './entities/tag.entity';
import { EnvironmentsService } from './environments.service';

export const UNASSIGNED_GROUP_ID = 1;

/** Environment groups (group 1 "Unassigned" is permanent) and tags. */
@Injectable()
export class GroupsTagsService {
  constructor(
    @InjectRepository(EnvironmentGroupEntity) private readonly groups: Repository<EnvironmentGroupEntity>,
    @InjectRepository(TagEntity) private readonly tags: Repository<TagEntity>,
    @InjectRepository(GroupTagEntity) private readonly groupTags: Repository<GroupTagEntity>,
    @InjectRepository(EnvironmentTagEntity) private readonly envTags: Repository<EnvironmentTagEntity>,
    @InjectRepository(EnvironmentEntity) private readonly envs: Repository<EnvironmentEntity>,
    private readonly environments: EnvironmentsService,
    private readonly access: AccessService,
    private readonly uow: UnitOfWork,
  ) {}

  async createGroup(dto: CreateGroupDto): Promise<EnvironmentGroupEntity> {
    const name = dto.Name.trim();
    if (await this.groups.existsBy({ nameKey: name.toLowerCase() }))
      throw new ConflictError('Group name is not unique', `A group named "${name}" exists`);
    const tagIds = await this.environments.checkTags(dto.TagIDs ?? []);
    const envIds = [...new Set(dto.AssociatedEndpoints ?? [])];
    if (envIds.length > 0 && (await this.envs.countBy({ id: In(envIds) })) !== envIds.length) {
      throw new BadRequestError(
        'Invalid environments',
        'AssociatedEndpoints contains an unknown environment id',
      );
    }
    return this.uow
      .run(async (tx) => {
        const group = await tx.save(
          EnvironmentGroupEntity,
          tx.create(EnvironmentGroupEntity, {
            name,
            nameKey: name.toLowerCase(),
            description: dto.Description ?? '',
          }),
        );
        if (tagIds.length > 0)
          await tx.insert(
            GroupTagEntity,
            tagIds.map((tagId) => ({ groupId: group.id, tagId })),
          );
        if (envIds.length > 0) await tx.update(EnvironmentEntity, { id: In(envIds) }, { groupId: group.id });
        return group;
      })
      .finally(() => this.environments.membershipChanged());
  }

  async listGroups(actor: AuthenticatedUser): Promise<EnvironmentGroupEntity[]> {
    const all = await this.groups.find({ order: { id: 'ASC' } });
    if (actor.role === UserRole.Administrator) return all;
    // Non-admins see groups they hold a policy on.
    const ids = new Set((await this.access.reachable(actor)).groupIds);
    return all.filter((g) => ids.has(g.id));
  }

  async getGroup(id: number): Promise<EnvironmentGroupEntity> {
    const group = await this.groups.findOneBy({ id });
    if (!group)
      throw new NotFoundError(
        'Unable to find an environment group with the specified identifier inside the database',
        `No group ${id}`,
      );
    return group;
  }

  async updateGroup(id: number, dto: UpdateGroupDto): Promise<EnvironmentGroupEntity> {
    const group = await this.getGroup(id);
    if (dto.Name !== undefined) {
      const name = dto.Name.trim();
      const other = await this.groups.findOneBy({ nameKey: name.toLowerCase() });
      if (other && other.id !== id)
        throw new ConflictError('Group name is not unique', `A group named "${name}" exists`);
      group.name = name;
      group.nameKey = name.toLowerCase();
    }
    if (dto.Description !== undefined) group.description = dto.Description;
    const tagIds = dto.TagIDs === undefined ? undefined : await this.environments.checkTags(dto.TagIDs);
    const rows =
      dto.UserAccessPolicies === undefined && dto.TeamAccessPolicies === undefined
        ? undefined
        : await this.access.checkPolicies({ groupId: id }, dto.UserAccessPolicies, dto.TeamAccessPolicies);
    // The group, its tags and its policies change together.
    return this.uow
      .run(async (tx) => {
        const saved = await tx.save(group);
        if (tagIds) {
          await tx.delete(GroupTagEntity, { groupId: id });
          if (tagIds.length > 0)
            await tx.insert(
              GroupTagEntity,
              tagIds.map((tagId) => ({ groupId: id, tagId })),
            );
        }
        if (rows) await this.access.replacePolicies({ groupId: id }, rows);
        return saved;
      })
      .finally(() => this.environments.membershipChanged());
  }

  /** Its environments move to "Unassigned"; its policies and tags go with it. */
  async deleteGroup(id: number): Promise<void> {
    if (id === UNASSIGNED_GROUP_ID)
      throw new ForbiddenError('Unable to remove the default "Unassigned" group', 'Group 1 is permanent');
    const group = await this.getGroup(id);
    await this.uow.run(async (tx) => {
      await tx.update(EnvironmentEntity, { groupId: id }, { groupId: UNASSIGNED_GROUP_ID });
      await tx.remove(group);
    });
    this.environments.membershipChanged();
  }

  async moveEnvironment(groupId: number, environmentId: number, into: boolean): Promise<void> {
    await this.getGroup(groupId);
    const env = await this.environments.get(environmentId);
    if (!into && env.groupId !== groupId)
      throw new BadRequestError(
        'Environment not in group',
        `Environment ${environmentId} is not in group ${groupId}`,
      );
    await this.envs.update({ id: environmentId }, { groupId: into ? groupId : UNASSIGNED_GROUP_ID });
    this.environments.membershipChanged();
  }

  async groupResponses(groups: EnvironmentGroupEntity[]): Promise<GroupResponse[]> {
    const ids = groups.map((g) => g.id);
    if (ids.length === 0) return [];
    const [tagRows, policies] = await Promise.all([
      this.groupTags.find({ where: { groupId: In(ids) } }),
      this.access.policyMaps('group', ids),
    ]);
    return groups.map((g) => {
      const maps = policies.get(g.id) ?? { users: {}, teams: {} };
      return {
        Id: g.id,
        Name: g.name,
        Description: g.description,
        TagIds: tagRows
          .filter((t) => t.groupId === g.id)
          .map((t) => t.tagId)
          .sort((a, b) => a - b),
        UserAccessPolicies: maps.users,
        TeamAccessPolicies: maps.teams,
      };
    });
  }

  async createTag(name: string): Promise<TagEntity> {
    const trimmed = name.trim();
    if (await this.tags.existsBy({ nameKey: trimmed.toLowerCase() }))
      throw new ConflictError('This name is already associated to a tag', `Tag "${trimmed}" exists`);
    return this.tags.save(this.tags.create({ name: trimmed, nameKey: trimmed.toLowerCase() }), AUTOCOMMIT);
  }

  async listTags(): Promise<TagResponse[]> {
    const [tags, envRows, groupRows] = await Promise.all([
      this.tags.find({ order: { nameKey: 'ASC' } }),
      this.envTags.find(),
      this.groupTags.find(),
    ]);
    return tags.map((t) => ({
      ID: t.id,
      Name: t.name,
      Endpoints: Object.fromEntries(
        envRows.filter((r) => r.tagId === t.id).map((r) => [String(r.environmentId), true]),
      ),
      EndpointGroups: Object.fromEntries(
        groupRows.filter((r) => r.tagId === t.id).map((r) => [String(r.groupId), true]),
      ),
    }));
  }

  /** Detached from environments and groups by the foreign keys' cascade. */
  async deleteTag(id: number): Promise<void> {
    const tag = await this.tags.findOneBy({ id });
    if (!tag)
      throw new NotFoundError(
        'Unable to find a tag with the specified identifier inside the database',
        `No tag ${id}`,
      );
    await this.tags.remove(tag, AUTOCOMMIT);
    this.environments.membershipChanged();
  }
}
