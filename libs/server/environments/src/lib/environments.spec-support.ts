import { EdgeTunnels } from './edge/edge-tunnels.port';
import { DataSource } from 'typeorm';
import { EndpointCreationType, EnvironmentType } from '@capstan/contracts-api';
import { BadRequestError, ClockPort, MAIN_MIGRATIONS, SecretBox, UnitOfWork } from '@capstan/server-core';
import type { AccessService, PolicyRow, PolicyTarget } from '@capstan/server-rbac';
import type { AgentKeysService } from './agent/agent-keys.service';
import { CreationStrategies } from './creation/creation-strategies';
import {
  CreationStrategy,
  type CheckedUrl,
  type CreateEnvironmentInput,
  type EnvironmentDraft,
} from './creation/creation-strategy';
import { FakeDockerPort } from './creation/fakes.spec-support';
import type { EngineConnections } from './engine/engine-connections';
import { EnvironmentEntity } from './entities/environment.entity';
import { EnvironmentGroupEntity } from './entities/environment-group.entity';
import { SnapshotEntity, SnapshotRawEntity } from './entities/snapshot.entity';
import { EnvironmentTagEntity, GroupTagEntity, TagEntity } from './entities/tag.entity';
import { EnvironmentsService } from './environments.service';

/** A strategy whose checks the test scripts: what it drafts, and what its probe does before answering. */
export class ScriptedStrategy extends CreationStrategy {
  readonly creationType = EndpointCreationType.LocalDocker;
  readonly environmentType = EnvironmentType.Docker;
  probes = 0;
  onProbe: () => Promise<void> = () => Promise.resolve();
  moved: CheckedUrl[] = [];

  draft(input: CreateEnvironmentInput): EnvironmentDraft {
    if (input.URL === 'bad') throw new BadRequestError('Invalid environment URL', 'bad');
    return {
      type: EnvironmentType.Docker,
      url: input.URL ?? 'unix:///var/run/docker.sock',
      containerEngine: 'docker',
      tls: input.TLS === 'true',
      tlsSkipVerify: false,
      ca: input.files.TLSCACertFile,
    };
  }

  async probe(draft: EnvironmentDraft): Promise<EnvironmentDraft> {
    this.probes += 1;
    await this.onProbe();
    return draft;
  }

  checkUrl(raw: string, current: CheckedUrl): Promise<CheckedUrl> {
    this.moved.push(current);
    return Promise.resolve({ url: `checked:${raw}` });
  }
}

/**
 * The rbac facade as far as environments use it: policies are checked and replaced (recorded, with whether the
 * replacement ran inside a unit of work), and can be made to fail.
 */
export class FakeAccess {
  readonly replaced: { target: PolicyTarget; rows: readonly PolicyRow[]; inUnit: boolean }[] = [];
  failReplace = false;

  constructor(private readonly inUnit: () => boolean) {}

  checkPolicies(
    target: PolicyTarget,
    users: Record<string, { RoleId: number }> | undefined,
  ): Promise<PolicyRow[]> {
    return Promise.resolve(
      Object.entries(users ?? {}).map(([id, p]) => ({
        environmentId: 'environmentId' in target ? target.environmentId : null,
        groupId: 'groupId' in target ? target.groupId : null,
        userId: Number(id),
        teamId: null,
        roleId: p.RoleId,
      })) as unknown as PolicyRow[],
    );
  }

  replacePolicies(target: PolicyTarget, rows: readonly PolicyRow[]): Promise<void> {
    if (this.failReplace) return Promise.reject(new Error('policies could not be stored'));
    this.replaced.push({ target, rows, inUnit: this.inUnit() });
    return Promise.resolve();
  }

  policyMaps(_kind: string, ids: readonly number[]) {
    return Promise.resolve(new Map(ids.map((id) => [id, { users: {}, teams: {} }])));
  }

  environmentAccesses() {
    return Promise.resolve(new Map());
  }

  reachable() {
    return Promise.resolve({ environmentIds: [], groupIds: [] });
  }
}

/**
 * The environments lib on a real store (SQLite in memory, the committed migrations, the real UnitOfWork), with the
 * creation strategy, the rbac facade and the engine replaced.
 */
export async function environmentsStore() {
  const source = new DataSource({
    type: 'sqlite',
    database: ':memory:',
    entities: [
      EnvironmentEntity,
      EnvironmentGroupEntity,
      TagEntity,
      EnvironmentTagEntity,
      GroupTagEntity,
      SnapshotEntity,
      SnapshotRawEntity,
    ],
    migrations: MAIN_MIGRATIONS,
    logging: false,
  });
  await source.initialize();
  await source.runMigrations();
  const strategy = new ScriptedStrategy();
  const box = new SecretBox('test-secret');
  const clock: ClockPort = { now: () => 1_700_000_000_000 };
  const access = new FakeAccess(() => uow.manager() !== source.manager);
  const engines = { forget: () => undefined } as unknown as EngineConnections;
  const agentKeys = { headers: () => ({ signature: 'sig' }) } as unknown as AgentKeysService;
  const uow = new UnitOfWork(source);
  const environments = new EnvironmentsService(
    source.getRepository(EnvironmentEntity),
    source.getRepository(EnvironmentGroupEntity),
    source.getRepository(TagEntity),
    source.getRepository(EnvironmentTagEntity),
    source.getRepository(SnapshotEntity),
    access as unknown as AccessService,
    new FakeDockerPort(),
    engines,
    box,
    clock,
    agentKeys,
    new CreationStrategies([strategy]),
    uow,
    new EdgeTunnels(),
  );
  return {
    source,
    strategy,
    box,
    access,
    uow,
    environments,
    count: async (table: string): Promise<number> =>
      Number((await source.query<{ n: number }[]>(`SELECT COUNT(*) AS n FROM ${table}`))[0].n),
    addTag: async (name: string): Promise<number> =>
      (await source.getRepository(TagEntity).save({ name, nameKey: name })).id,
    create: (fields: Partial<CreateEnvironmentInput> = {}) =>
      environments.create({ Name: 'local', EndpointCreationType: '1', files: {}, ...fields }),
  };
}
