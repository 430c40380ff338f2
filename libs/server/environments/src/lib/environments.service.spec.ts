import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DataSource } from 'typeorm';
import { EnvironmentType, UserRole } from '@capstan/contracts-api';
import {
  ConflictError,
  type SecretBox,
  UnprocessableError,
  type AuthenticatedUser,
} from '@capstan/server-core';
import type { CreateEnvironmentInput } from './creation/creation-strategy';
import { PEM } from './creation/fakes.spec-support';
import { EnvironmentEntity } from './entities/environment.entity';
import { EnvironmentTagEntity, TagEntity } from './entities/tag.entity';
import { environmentsStore, type FakeAccess, type ScriptedStrategy } from './environments.spec-support';
import type { EnvironmentsService } from './environments.service';

const ADMIN: AuthenticatedUser = {
  id: 1,
  username: 'admin',
  role: UserRole.Administrator,
} as AuthenticatedUser;

describe('EnvironmentsService', () => {
  let source: DataSource;
  let service: EnvironmentsService;
  let strategy: ScriptedStrategy;
  let access: FakeAccess;
  let box: SecretBox;
  let count: (table: string) => Promise<number>;
  let addTag: (name: string) => Promise<number>;
  let create: (fields?: Partial<CreateEnvironmentInput>) => Promise<EnvironmentEntity>;

  const tagsOf = async (environmentId: number): Promise<number[]> =>
    (await source.getRepository(EnvironmentTagEntity).findBy({ environmentId })).map((t) => t.tagId).sort();

  beforeEach(async () => {
    ({
      source,
      environments: service,
      strategy,
      access,
      box,
      count,
      addTag,
      create,
    } = await environmentsStore());
  });

  afterEach(async () => {
    await source.destroy();
  });

  describe('create', () => {
    it('stores the environment with its tags, TLS material sealed', async () => {
      const [a, b] = [await addTag('a'), await addTag('b')];
      const env = await create({
        URL: 'tcp://h:2376',
        TLS: 'true',
        TagIds: `[${b},${a},${b}]`,
        PublicURL: ' pub ',
        files: { TLSCACertFile: PEM },
      });
      expect(env).toMatchObject({
        name: 'local',
        type: EnvironmentType.Docker,
        url: 'tcp://h:2376',
        publicUrl: 'pub',
      });
      expect(env.tlsCa).not.toContain('BEGIN');
      expect(box.open(env.tlsCa ?? '')).toBe(PEM);
      expect(await tagsOf(env.id)).toEqual([a, b].sort());
    });

    it('checks the name, the kind, the group and the tags before the engine is contacted', async () => {
      await expect(create({ Name: '  ' })).rejects.toMatchObject({ message: 'Invalid environment name' });
      await expect(create({ EndpointCreationType: '4' })).rejects.toMatchObject({
        message: 'Unsupported environment type',
      });
      await expect(create({ URL: 'bad' })).rejects.toMatchObject({ message: 'Invalid environment URL' });
      await expect(create({ GroupID: '9' })).rejects.toMatchObject({ message: 'Invalid environment group' });
      await expect(create({ TagIds: '[77]' })).rejects.toMatchObject({ message: 'Invalid tags' });
      await create({ Name: 'Local' });
      await expect(create({ Name: 'LOCAL' })).rejects.toBeInstanceOf(ConflictError);
      expect(strategy.probes).toBe(1);
      expect(await count('environments')).toBe(1);
    });

    it('answers 409, not 500, when a create of the same name wins the race after the checks', async () => {
      strategy.onProbe = async () => {
        strategy.onProbe = () => Promise.resolve();
        await create({ Name: 'LOCAL' });
      };
      await expect(create({ Name: 'local' })).rejects.toBeInstanceOf(ConflictError);
      expect(await count('environments')).toBe(1);
    });

    it('writes nothing when the engine check fails', async () => {
      strategy.onProbe = () =>
        Promise.reject(new UnprocessableError('Unable to reach the Docker engine', 'x'));
      await expect(create({ TagIds: `[${await addTag('a')}]` })).rejects.toBeInstanceOf(UnprocessableError);
      expect(await count('environments')).toBe(0);
      expect(await count('environment_tags')).toBe(0);
    });

    it('stores the environment and its tags as one unit: a failed tag insert leaves no environment', async () => {
      const tag = await addTag('a');
      // The tag goes away between the checks and the write (another request deleted it).
      strategy.onProbe = async () => {
        await source.getRepository(TagEntity).delete({ id: tag });
      };
      await expect(create({ TagIds: `[${tag}]` })).rejects.toThrow(/FOREIGN KEY/);
      expect(await count('environments')).toBe(0);
    });
  });

  describe('update', () => {
    it('changes the environment, its tags and its policies together', async () => {
      const [a, b] = [await addTag('a'), await addTag('b')];
      const env = await create({ TagIds: `[${a}]` });
      const saved = await service.update(env.id, {
        Name: 'renamed',
        TagIds: [b],
        UserAccessPolicies: { '1': { RoleId: 3 } },
      });
      expect(saved.name).toBe('renamed');
      expect(await tagsOf(env.id)).toEqual([b]);
      expect(access.replaced).toMatchObject([
        { target: { environmentId: env.id }, rows: [{ userId: 1, roleId: 3 }], inUnit: true },
      ]);
    });

    it('changes neither name nor tags when the policies cannot be stored', async () => {
      const [a, b] = [await addTag('a'), await addTag('b')];
      const env = await create({ TagIds: `[${a}]` });
      access.failReplace = true;
      await expect(
        service.update(env.id, { Name: 'renamed', TagIds: [b], UserAccessPolicies: { '1': { RoleId: 3 } } }),
      ).rejects.toThrow('policies could not be stored');
      expect((await service.get(env.id)).name).toBe('local');
      expect(await tagsOf(env.id)).toEqual([a]);
    });

    it('changes nothing when the tags cannot be written', async () => {
      const [a, b] = [await addTag('a'), await addTag('b')];
      const env = await create({ TagIds: `[${a}]` });
      // b passes the check, then goes away before the write: the rename must go with the failed tag write.
      const tags = source.getRepository(TagEntity);
      const find = tags.find.bind(tags);
      tags.find = async (...args: Parameters<typeof find>) => {
        const found = await find(...args);
        await tags.delete({ id: b });
        return found;
      };
      await expect(service.update(env.id, { Name: 'renamed', TagIds: [b] })).rejects.toThrow(/FOREIGN KEY/);
      expect((await service.get(env.id)).name).toBe('local');
      expect(await tagsOf(env.id)).toEqual([a]);
    });

    it("has the environment's kind check a new URL", async () => {
      const env = await create({ URL: 'tcp://old:2375' });
      const saved = await service.update(env.id, { URL: 'new:2375' });
      expect(strategy.moved).toEqual([{ url: 'tcp://old:2375', agentVersion: null }]);
      expect(saved.url).toBe('checked:new:2375');
    });
  });

  it('opens the TLS material once per environment, again only after it changed', async () => {
    const env = await create({ URL: 'tcp://h:2376', TLS: 'true', files: { TLSCACertFile: PEM } });
    const open = vi.spyOn(box, 'open');
    const first = service.connectionOf(env, 1000);
    const again = service.connectionOf(await service.get(env.id), 5000);
    expect(first.ca).toBe(PEM);
    expect(again).toMatchObject({ ca: PEM, timeoutMs: 5000, environmentId: env.id });
    expect(open).toHaveBeenCalledTimes(1);
    const changed = { ...env, tlsCa: box.seal('other CA') };
    expect(service.connectionOf(changed, 0).ca).toBe('other CA');
    expect(open).toHaveBeenCalledTimes(2);
  });

  it('deletes an environment with its tags', async () => {
    const env = await create({ TagIds: `[${await addTag('a')}]` });
    await service.delete(env.id);
    expect(await count('environments')).toBe(0);
    expect(await count('environment_tags')).toBe(0);
    await expect(service.get(env.id)).rejects.toMatchObject({ status: 404 });
  });

  it('answers with the contract shape, the agent version only for agents', async () => {
    const env = await create({ TagIds: `[${await addTag('a')}]` });
    await source.getRepository(EnvironmentEntity).update(
      { id: env.id },
      {
        type: EnvironmentType.Agent,
        agentVersion: '2.19.4',
      },
    );
    const [response] = await service.toResponses(ADMIN, [await service.get(env.id)], false);
    expect(response).toMatchObject({
      Id: env.id,
      Type: EnvironmentType.Agent,
      TagIds: [1],
      Agent: { Version: '2.19.4' },
    });
    expect(JSON.stringify(response)).not.toMatch(/tls(Ca|Cert|Key)/i);
  });
});
