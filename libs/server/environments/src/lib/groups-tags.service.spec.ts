import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import type { AccessService } from '@capstan/server-rbac';
import { EnvironmentEntity } from './entities/environment.entity';
import { EnvironmentGroupEntity } from './entities/environment-group.entity';
import { EnvironmentTagEntity, GroupTagEntity, TagEntity } from './entities/tag.entity';
import { environmentsStore } from './environments.spec-support';
import { GroupsTagsService, UNASSIGNED_GROUP_ID } from './groups-tags.service';

describe('GroupsTagsService: a group, its tags, environments and policies change together', () => {
  let store: Awaited<ReturnType<typeof environmentsStore>>;
  let source: DataSource;
  let groups: GroupsTagsService;

  const groupOf = async (id: number) =>
    (await source.getRepository(EnvironmentEntity).findOneBy({ id }))?.groupId;
  const groupTags = async (groupId: number) =>
    (await source.getRepository(GroupTagEntity).findBy({ groupId })).map((t) => t.tagId);
  /** Deletes the tag right after the service checked it exists: another request removed it meanwhile. */
  const tagVanishesAfterCheck = (tag: number) => {
    const check = store.environments.checkTags.bind(store.environments);
    store.environments.checkTags = async (ids: number[]) => {
      const found = await check(ids);
      await source.getRepository(TagEntity).delete({ id: tag });
      return found;
    };
  };

  beforeEach(async () => {
    store = await environmentsStore();
    source = store.source;
    groups = new GroupsTagsService(
      source.getRepository(EnvironmentGroupEntity),
      source.getRepository(TagEntity),
      source.getRepository(GroupTagEntity),
      source.getRepository(EnvironmentTagEntity),
      source.getRepository(EnvironmentEntity),
      store.environments,
      store.access as unknown as AccessService,
      store.uow,
    );
  });

  afterEach(async () => {
    await source.destroy();
  });

  it('creates a group with its tags and moves the environments named into it', async () => {
    const tag = await store.addTag('prod');
    const env = await store.create();
    const group = await groups.createGroup({ Name: 'edge', TagIDs: [tag], AssociatedEndpoints: [env.id] });
    expect(await groupTags(group.id)).toEqual([tag]);
    expect(await groupOf(env.id)).toBe(group.id);
  });

  it('leaves no group and moves no environment when its tags cannot be stored', async () => {
    const tag = await store.addTag('prod');
    const env = await store.create();
    tagVanishesAfterCheck(tag);
    await expect(
      groups.createGroup({ Name: 'edge', TagIDs: [tag], AssociatedEndpoints: [env.id] }),
    ).rejects.toThrow(/FOREIGN KEY/);
    expect(await store.count('environment_groups')).toBe(1);
    expect(await groupOf(env.id)).toBe(UNASSIGNED_GROUP_ID);
  });

  it('keeps the group as it was when an update cannot store its tags', async () => {
    const [a, b] = [await store.addTag('a'), await store.addTag('b')];
    const group = await groups.createGroup({ Name: 'edge', TagIDs: [a] });
    tagVanishesAfterCheck(b);
    await expect(groups.updateGroup(group.id, { Name: 'renamed', TagIDs: [b] })).rejects.toThrow(
      /FOREIGN KEY/,
    );
    expect((await groups.getGroup(group.id)).name).toBe('edge');
    expect(await groupTags(group.id)).toEqual([a]);
  });

  it('replaces the policies inside the unit, and keeps the group as it was when they cannot be stored', async () => {
    const group = await groups.createGroup({ Name: 'edge' });
    await groups.updateGroup(group.id, { UserAccessPolicies: { '1': { RoleId: 3 } } });
    expect(store.access.replaced).toMatchObject([{ target: { groupId: group.id }, inUnit: true }]);
    store.access.failReplace = true;
    await expect(
      groups.updateGroup(group.id, { Name: 'renamed', UserAccessPolicies: { '1': { RoleId: 2 } } }),
    ).rejects.toThrow('policies could not be stored');
    expect((await groups.getGroup(group.id)).name).toBe('edge');
  });

  it('deletes a group, its environments going back to Unassigned', async () => {
    const env = await store.create();
    const group = await groups.createGroup({ Name: 'edge', AssociatedEndpoints: [env.id] });
    await groups.deleteGroup(group.id);
    expect(await store.count('environment_groups')).toBe(1);
    expect(await groupOf(env.id)).toBe(UNASSIGNED_GROUP_ID);
    await expect(groups.deleteGroup(UNASSIGNED_GROUP_ID)).rejects.toMatchObject({ status: 403 });
  });
});
