import { DataSource } from 'typeorm';
import { EndpointCreationType, EnvironmentType } from '@capstan/contracts-api';
import { BadRequestError, ClockPort, MAIN_MIGRATIONS, SecretBox, UnitOfWork } from '@capstan/server-core';
import {
  EnvironmentAccess,
  type AccessService,
  type PolicyMap,
  type PolicyRow,
  type PolicyTarget,
} from '@capstan/server-rbac';
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
 * The environments lib on a real store (SQLite in memory, the committed migrations, the real UnitOfWork), with the
 * creation strategy, rbac's access service (policies written with SQL in the same unit of work) and the engine
 * replaced.
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
  const agentKeys = { headers: () => ({ signature: 'sig' }) } as unknown as AgentKeysService;
  const uow = new UnitOfWork(source);
  const access = fakeAccess(source, uow);
  const environments = new EnvironmentsService(
    source.getRepository(EnvironmentEntity),
    source.getRepository(EnvironmentGroupEntity),
    source.getRepository(TagEntity),
    source.getRepository(EnvironmentTagEntity),
    source.getRepository(SnapshotEntity),
    access,
    new FakeDockerPort(),
    { forget: () => undefined } as unknown as EngineConnections,
    box,
    clock,
    agentKeys,
    new CreationStrategies([strategy]),
    uow,
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

/** rbac's access service as far as environments use it: policies checked against the users table, written with SQL. */
export function fakeAccess(source: DataSource, uow: UnitOfWork): AccessService {
  return {
    async checkPolicies(target: PolicyTarget, users: PolicyMap | undefined): Promise<PolicyRow[]> {
      const ids = Object.keys(users ?? {}).map(Number);
      const found =
        ids.length === 0
          ? []
          : await source.query<{ id: number }[]>(
              `SELECT id FROM users WHERE id IN (${ids.map(() => '?').join(',')})`,
              ids,
            );
      if (found.length !== ids.length)
        throw new BadRequestError('Invalid access policies', 'Unknown user id');
      return ids.map((userId) => ({
        environmentId: 'environmentId' in target ? target.environmentId : null,
        groupId: 'groupId' in target ? target.groupId : null,
        userId,
        teamId: null,
        roleId: (users ?? {})[String(userId)].RoleId,
      }));
    },
    replacePolicies: (target: PolicyTarget, rows: readonly PolicyRow[]) =>
      uow.run(async (tx) => {
        const [column, id] =
          'environmentId' in target ? ['environment_id', target.environmentId] : ['group_id', target.groupId];
        await tx.query(`DELETE FROM access_policies WHERE ${column} = ?`, [id]);
        for (const r of rows)
          await tx.query(
            'INSERT INTO access_policies (environment_id, group_id, user_id, team_id, role_id) VALUES (?, ?, ?, ?, ?)',
            [r.environmentId, r.groupId, r.userId, r.teamId, r.roleId],
          );
      }),
    policyMaps: (_kind: string, ids: readonly number[]) =>
      Promise.resolve(new Map(ids.map((id) => [id, { users: {}, teams: {} }]))),
    environmentAccesses: (_principal: unknown, envs: readonly { id: number }[]) =>
      Promise.resolve(new Map(envs.map((e) => [e.id, EnvironmentAccess.forRole(undefined)]))),
    reachable: () => Promise.resolve({ environmentIds: [], groupIds: [] }),
  } as unknown as AccessService;
}
