import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { EdgeStackStatusType, type EdgeStackPayload } from '@capstan/contracts-agent';
import {
  BadRequestError,
  ClockPort,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  UnitOfWork,
  type Transaction,
} from '@capstan/server-core';
import { EdgeAgents, EdgePollContributors, type EdgePollContribution } from '@capstan/server-edge';
import { RegistriesService } from '@capstan/server-registries';
import {
  MAX_STACK_FILE,
  StackFiles,
  checkStackEnv,
  checkStackName,
  gitConfigView,
  parseComposeFile,
} from '@capstan/server-stacks';
import { EdgeGroupsService } from '../groups/edge-groups.service';
import type { EdgeStackInput } from './edge-stack-input';
import type {
  EdgeStackEnvironmentStatus,
  EdgeStackResponse,
  EdgeStackStatusDto,
  EdgeStackStatusEntry,
} from './edge-stacks.dto';
import { EdgeStackEntity, EdgeStackGroupEntity, EdgeStackStatusEntity } from './edge-stack.entity';

export const EDGE_STACK_FILES = Symbol('EDGE_STACK_FILES');

const ENTRY_FILE = 'docker-compose.yml';
/** A status history keeps this many reports per environment (the newest). */
const HISTORY_MAX = 50;
/** Status reports arriving within this window are committed together. */
const GROUP_COMMIT_MS = 15;

interface EnvVar {
  name: string;
  value: string;
}

/** Which environments each stack targets now, and the poll's `stacks` per environment. */
interface TargetIndex {
  readonly byStack: ReadonlyMap<number, readonly number[]>;
  readonly byEnvironment: ReadonlyMap<number, { ID: number; Version: number }[]>;
}

/**
 * Edge stacks (Portainer's `/api/edge_stacks`): one compose file delivered to every environment of its edge groups.
 * Standard agents learn `{ID, Version}` from the poll (this service is an `EdgePollContributor`), fetch the payload
 * and report statuses. Targets are computed from the groups' membership and cached until a stack or a group
 * changes; only the environments whose answer changed get a fresh poll answer.
 */
@Injectable()
export class EdgeStacksService implements OnModuleInit {
  private targets?: Promise<TargetIndex>;

  constructor(
    @InjectRepository(EdgeStackEntity) private readonly stacks: Repository<EdgeStackEntity>,
    @InjectRepository(EdgeStackGroupEntity) private readonly stackGroups: Repository<EdgeStackGroupEntity>,
    @InjectRepository(EdgeStackStatusEntity) private readonly statuses: Repository<EdgeStackStatusEntity>,
    @Inject(EDGE_STACK_FILES) private readonly files: StackFiles,
    private readonly groups: EdgeGroupsService,
    private readonly contributors: EdgePollContributors,
    private readonly agents: EdgeAgents,
    private readonly registries: RegistriesService,
    private readonly uow: UnitOfWork,
    private readonly clock: ClockPort,
  ) {}

  onModuleInit(): void {
    this.contributors.register({ contribute: (id) => this.contribute(id) });
    this.groups.registerUsage({
      kind: 'stack',
      usedGroupIds: async () => new Set((await this.stackGroups.find()).map((r) => r.edgeGroupId)),
    });
    this.groups.onMembershipChange(() => {
      this.targets = undefined;
      this.contributors.changed();
    });
  }

  // ── administrators ──

  async create(input: EdgeStackInput): Promise<EdgeStackResponse> {
    const checkedName = checkStackName(input.name);
    if (!checkedName.ok) throw new BadRequestError('Invalid stack name', checkedName.reason);
    const name = checkedName.name;
    this.checkDeploymentType(input.deploymentType);
    const content = checkContent(input.content);
    const groupIds = await this.groups.checkGroups(idList(input.edgeGroups, 'EdgeGroups'));
    const registries = await this.checkRegistries(input.registries);
    const env = checkStackEnv(envList(input.envVars));
    if (await this.stacks.existsBy({ name }))
      throw new ConflictError('Edge stack name must be unique', `An edge stack named "${name}" exists`);
    const now = this.now();
    const saved = await this.uow
      .run(async (tx) => {
        const s = await tx.save(
          EdgeStackEntity,
          tx.create(EdgeStackEntity, {
            name,
            version: 1,
            deploymentType: 0,
            entryPoint: ENTRY_FILE,
            env: JSON.stringify(env),
            registries: JSON.stringify(registries),
            gitConfig: input.git ? JSON.stringify(input.git) : null,
            createdAt: now,
            updatedAt: now,
          }),
        );
        await tx.insert(
          EdgeStackGroupEntity,
          groupIds.map((edgeGroupId) => ({ edgeStackId: s.id, edgeGroupId })),
        );
        return s;
      })
      .catch((e: unknown) => {
        if (e instanceof Error && /UNIQUE|duplicate key/i.test(e.message))
          throw new ConflictError('Edge stack name must be unique', `An edge stack named "${name}" exists`);
        throw e;
      });
    try {
      await this.files.write(saved.id, 1, [{ path: ENTRY_FILE, content }]);
    } catch (e) {
      // No record without its file.
      await this.uow.run((tx) => tx.delete(EdgeStackEntity, { id: saved.id }));
      await this.files.remove(saved.id).catch(() => undefined);
      throw e;
    }
    await this.retarget([]);
    return this.response(saved.id);
  }

  async list(): Promise<EdgeStackResponse[]> {
    const rows = await this.stacks.find({ order: { id: 'ASC' } });
    return this.responses(rows);
  }

  async response(id: number): Promise<EdgeStackResponse> {
    const [r] = await this.responses([await this.get(id)]);
    if (!r) throw new Error(`edge stack ${id} vanished`);
    return r;
  }

  async file(id: number, version?: number): Promise<string> {
    const s = await this.get(id);
    const v = version ?? s.version;
    if (v < 1 || v > s.version)
      throw new BadRequestError('Invalid version', `Versions of edge stack ${id} are 1 to ${s.version}`);
    return this.entryContent(s, v);
  }

  async update(
    id: number,
    body: {
      content?: unknown;
      updateVersion?: unknown;
      edgeGroups?: unknown;
      deploymentType?: unknown;
      registries?: unknown;
      envVars?: unknown;
    },
  ): Promise<EdgeStackResponse> {
    const s = await this.get(id);
    this.checkDeploymentType(body.deploymentType);
    const content = body.content === undefined ? undefined : checkContent(body.content);
    const groupIds =
      body.edgeGroups === undefined
        ? undefined
        : await this.groups.checkGroups(idList(body.edgeGroups, 'EdgeGroups'));
    const registries =
      body.registries === undefined ? undefined : await this.checkRegistries(body.registries);
    const env = body.envVars === undefined ? undefined : checkStackEnv(envList(body.envVars));
    if (body.updateVersion !== undefined && typeof body.updateVersion !== 'boolean')
      throw new BadRequestError('Invalid UpdateVersion', 'UpdateVersion must be a boolean');
    const current = await this.entryContent(s, s.version);
    const changed =
      (content !== undefined && content !== current) ||
      (env !== undefined && JSON.stringify(env) !== s.env) ||
      (registries !== undefined && JSON.stringify(registries) !== s.registries) ||
      body.updateVersion === true;
    const before = (await this.current()).byStack.get(id) ?? [];
    const next = changed ? s.version + 1 : s.version;
    if (changed) await this.files.write(id, next, [{ path: ENTRY_FILE, content: content ?? current }]);
    try {
      await this.uow.run(async (tx) => {
        // Conditional on the version read: two concurrent updates cannot both become version n+1.
        const r = await tx
          .createQueryBuilder()
          .update(EdgeStackEntity)
          .set({
            version: next,
            updatedAt: this.now(),
            ...(env ? { env: JSON.stringify(env) } : {}),
            ...(registries ? { registries: JSON.stringify(registries) } : {}),
          })
          .where('id = :id AND version = :v', { id, v: s.version })
          .execute();
        if (!r.affected)
          throw new ConflictError('The edge stack changed meanwhile', 'Reload it and apply the change again');
        if (groupIds) {
          await tx.delete(EdgeStackGroupEntity, { edgeStackId: id });
          await tx.insert(
            EdgeStackGroupEntity,
            groupIds.map((edgeGroupId) => ({ edgeStackId: id, edgeGroupId })),
          );
        }
      });
    } catch (e) {
      if (changed) await this.files.activate(id, s.version).catch(() => undefined);
      throw e;
    }
    await this.retarget(before);
    return this.response(id);
  }

  /** The agents see it gone from the poll and remove it; their Removing/Removed reports are then accepted. */
  async delete(id: number): Promise<void> {
    await this.get(id);
    const before = (await this.current()).byStack.get(id) ?? [];
    await this.uow.run(async (tx) => {
      await tx.delete(EdgeStackStatusEntity, { edgeStackId: id });
      await tx.delete(EdgeStackGroupEntity, { edgeStackId: id });
      await tx.delete(EdgeStackEntity, { id });
    });
    await this.files.remove(id).catch(() => undefined);
    await this.retarget(before);
  }

  // ── the edge agent ──

  /** `GET /api/endpoints/{id}/edge/stacks/{stackId}` — only for an environment the stack targets. */
  async payload(
    environmentId: number,
    stackId: number,
    edgeId: string | undefined,
    secret: string | undefined,
    version?: number,
  ): Promise<EdgeStackPayload> {
    await this.agents.authenticate(environmentId, edgeId, secret);
    const s = await this.get(stackId);
    if (!((await this.current()).byStack.get(stackId) ?? []).includes(environmentId))
      throw new ForbiddenError(
        'The environment is not a target of this edge stack',
        `Environment ${environmentId} is in none of the edge groups of stack ${stackId}`,
      );
    const v = version === undefined || version > s.version || version < 1 ? s.version : version;
    const files = await this.files.read(stackId, v);
    const entry = files.find((f) => f.path === s.entryPoint)?.content ?? '';
    return {
      ID: s.id,
      Name: s.name,
      StackFileContent: entry,
      EntryFileName: s.entryPoint,
      DirEntries: files.map((f) => ({
        Name: f.path,
        Content: Buffer.from(f.content, 'utf8').toString('base64'),
        IsFile: true,
        Permissions: 0o644,
      })),
      Namespace: '',
      Version: v,
      RollbackTo: null,
      RegistryCredentials: await this.registryCredentials(s),
      EnvVars: parseJson<EnvVar[]>(s.env, []),
      PrePullImage: false,
      RePullImage: false,
      RetryDeploy: false,
      EdgeUpdateID: 0,
      SupportRelativePath: false,
      FilesystemPath: '',
      ReadyRePullImage: false,
    };
  }

  /**
   * `PUT /api/edge_stacks/{id}/status`. The caller must be the edge agent of `EndpointID`; the environment must be
   * a target of the stack — or, for Removing/Removed, one that had reported on it. Removed drops its entry. A
   * report about a stack that no longer exists is accepted and ignored (it was deleted meanwhile).
   */
  async report(
    stackId: number,
    dto: EdgeStackStatusDto,
    edgeId: string | undefined,
    secret: string | undefined,
  ): Promise<{ Id: number }> {
    await this.agents.authenticate(dto.EndpointID, edgeId, secret);
    if (dto.Status === (EdgeStackStatusType.Error as number) && !dto.Error)
      throw new BadRequestError('Invalid status', 'Error message is mandatory when status is error');
    const s = await this.stacks.findOneBy({ id: stackId });
    if (!s) return { Id: stackId };
    const envId = dto.EndpointID;
    const row = await this.statuses.findOneBy({ edgeStackId: stackId, environmentId: envId });
    const removal =
      dto.Status === (EdgeStackStatusType.Removed as number) ||
      dto.Status === (EdgeStackStatusType.Removing as number);
    const target = ((await this.current()).byStack.get(stackId) ?? []).includes(envId);
    if (!target && !(removal && row))
      throw new ForbiddenError(
        'The environment is not a target of this edge stack',
        `Environment ${envId} is in none of the edge groups of stack ${stackId}`,
      );
    if (dto.Status === (EdgeStackStatusType.Removed as number)) {
      await this.uow.run((tx) =>
        tx.delete(EdgeStackStatusEntity, { edgeStackId: stackId, environmentId: envId }),
      );
      return { Id: stackId };
    }
    const entry: EdgeStackStatusEntry = {
      Type: dto.Status,
      Error: dto.Error ?? '',
      Time: dto.Time ?? this.now(),
    };
    const version =
      dto.Version !== undefined && dto.Version >= 1 && dto.Version <= s.version ? dto.Version : s.version;
    // Read-modify-write of the history inside a unit of work (reports for one row never interleave), committed
    // with the other reports of the same few milliseconds (group commit): the agent still gets its 200 only after
    // the commit, but a thousand devices reporting at once cost a few transactions, not thousands.
    await this.commitWithOthers(async (tx) => {
      const fresh = await tx.findOneBy(EdgeStackStatusEntity, { edgeStackId: stackId, environmentId: envId });
      const history = [...parseJson<EdgeStackStatusEntry[]>(fresh?.history ?? '[]', []), entry].slice(
        -HISTORY_MAX,
      );
      await tx.save(
        tx.create(EdgeStackStatusEntity, {
          edgeStackId: stackId,
          environmentId: envId,
          history: JSON.stringify(history),
          version,
          updatedAt: this.now(),
        }),
      );
    });
    return { Id: stackId };
  }

  // ── internals ──

  private pendingWrites: { work: (tx: Transaction) => Promise<void>; done: (e?: Error) => void }[] = [];
  private flushTimer?: NodeJS.Timeout;

  /** Runs `work` in the next batched unit of work; resolves once that commits (or fails on its own). */
  private commitWithOthers(work: (tx: Transaction) => Promise<void>): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pendingWrites.push({ work, done: (e) => (e === undefined ? resolve() : reject(e)) });
      this.flushTimer ??= setTimeout(() => void this.flushWrites(), GROUP_COMMIT_MS);
    });
  }

  private async flushWrites(): Promise<void> {
    this.flushTimer = undefined;
    const batch = this.pendingWrites.splice(0, 500);
    if (this.pendingWrites.length > 0) this.flushTimer = setTimeout(() => void this.flushWrites(), 0);
    try {
      await this.uow.run(async (tx) => {
        for (const b of batch) await b.work(tx);
      });
      for (const b of batch) b.done();
    } catch {
      // One bad write must not fail the others: each alone, with its own outcome.
      for (const b of batch)
        await this.uow.run(b.work).then(
          () => b.done(),
          (e: unknown) => b.done(e instanceof Error ? e : new Error(String(e))),
        );
    }
  }

  private async contribute(environmentId: number): Promise<EdgePollContribution> {
    return { stacks: (await this.current()).byEnvironment.get(environmentId) ?? [] };
  }

  /** Targets changed (a stack written or removed): drop the poll answers of the environments before and after. */
  private async retarget(before: readonly number[]): Promise<void> {
    this.targets = undefined;
    const after = await this.current();
    const ids = new Set(before);
    for (const list of after.byStack.values()) for (const id of list) ids.add(id);
    this.contributors.changed([...ids]);
  }

  private current(): Promise<TargetIndex> {
    if (!this.targets) {
      const building = this.build();
      this.targets = building;
      building.catch(() => {
        if (this.targets === building) this.targets = undefined;
      });
    }
    return this.targets;
  }

  private async build(): Promise<TargetIndex> {
    const [rows, links] = await Promise.all([
      this.stacks.find({ select: { id: true, version: true } }),
      this.stackGroups.find(),
    ]);
    const byStack = new Map<number, number[]>();
    const byEnvironment = new Map<number, { ID: number; Version: number }[]>();
    for (const s of rows) {
      const envs = await this.groups.environmentIdsOf(
        links.filter((l) => l.edgeStackId === s.id).map((l) => l.edgeGroupId),
      );
      byStack.set(s.id, envs);
      for (const e of envs)
        byEnvironment.set(e, [...(byEnvironment.get(e) ?? []), { ID: s.id, Version: s.version }]);
    }
    return { byStack, byEnvironment };
  }

  private async responses(rows: EdgeStackEntity[]): Promise<EdgeStackResponse[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const [links, statusRows, index] = await Promise.all([
      this.stackGroups.find({ where: { edgeStackId: In(ids) } }),
      this.statuses.find({ where: { edgeStackId: In(ids) } }),
      this.current(),
    ]);
    return rows.map((s) => {
      const status: Record<string, EdgeStackEnvironmentStatus> = {};
      const drift: number[] = [];
      for (const envId of index.byStack.get(s.id) ?? [])
        status[String(envId)] = {
          EndpointID: envId,
          Status: [{ Type: EdgeStackStatusType.Pending, Error: '', Time: s.updatedAt }],
          DeploymentInfo: { Version: 0, FileVersion: 0, ConfigHash: '' },
          ReadyRePullImage: false,
        };
      for (const r of statusRows.filter((x) => x.edgeStackId === s.id)) {
        status[String(r.environmentId)] = {
          EndpointID: r.environmentId,
          Status: parseJson<EdgeStackStatusEntry[]>(r.history, []),
          DeploymentInfo: { Version: r.version, FileVersion: r.version, ConfigHash: '' },
          ReadyRePullImage: false,
        };
        if (r.version !== s.version) drift.push(r.environmentId);
      }
      return {
        Id: s.id,
        Name: s.name,
        Status: status,
        CreationDate: s.createdAt,
        EdgeGroups: links
          .filter((l) => l.edgeStackId === s.id)
          .map((l) => l.edgeGroupId)
          .sort((a, b) => a - b),
        ProjectPath: this.files.projectPath(s.id),
        EntryPoint: s.entryPoint,
        Version: s.version,
        NumDeployments: (index.byStack.get(s.id) ?? []).length,
        DeploymentType: s.deploymentType,
        ManifestPath: '',
        UseManifestNamespaces: false,
        Registries: parseJson<number[]>(s.registries, []),
        EnvVars: parseJson<EnvVar[]>(s.env, []),
        GitConfig: gitConfigView(s.gitConfig),
        Drift: drift.sort((a, b) => a - b),
      };
    });
  }

  private async get(id: number): Promise<EdgeStackEntity> {
    const s = await this.stacks.findOneBy({ id });
    if (!s)
      throw new NotFoundError(
        'Unable to find an edge stack with the specified identifier inside the database',
        `No edge stack ${id}`,
      );
    return s;
  }

  private async entryContent(s: EdgeStackEntity, version: number): Promise<string> {
    const files = await this.files.read(s.id, version);
    return files.find((f) => f.path === s.entryPoint)?.content ?? '';
  }

  private checkDeploymentType(t: unknown): void {
    if (t === undefined || t === null || t === 0) return;
    if (t === 1)
      throw new BadRequestError(
        'Kubernetes edge stacks are not supported yet',
        'DeploymentType 1 (kubernetes) comes with the Kubernetes environments',
      );
    throw new BadRequestError('Invalid DeploymentType', 'DeploymentType is 0 (compose)');
  }

  private async checkRegistries(raw: unknown): Promise<number[]> {
    const ids = [...new Set(idList(raw ?? [], 'Registries'))];
    for (const id of ids)
      if ((await this.registries.credentialsForServer(id)) === undefined)
        throw new BadRequestError('Invalid registries', `No registry with id ${id}`);
    return ids;
  }

  /** Credentials of the registries the stack names (agents log in before pulling); gone ones are skipped. */
  private async registryCredentials(s: EdgeStackEntity): Promise<EdgeStackPayload['RegistryCredentials']> {
    const out: EdgeStackPayload['RegistryCredentials'] = [];
    for (const id of parseJson<number[]>(s.registries, [])) {
      const auth = await this.registries.credentialsForServer(id);
      if (auth && 'username' in auth)
        out.push({ ServerURL: auth.serveraddress, Username: auth.username, Secret: auth.password });
    }
    return out;
  }

  private now(): number {
    return Math.floor(this.clock.now() / 1000);
  }
}

function checkContent(content: unknown): string {
  if (typeof content !== 'string' || content.trim() === '')
    throw new BadRequestError('Invalid stack file content', 'StackFileContent is empty');
  if (Buffer.byteLength(content) > MAX_STACK_FILE)
    throw new PayloadTooLargeError('Stack file too large', `A stack file is at most ${MAX_STACK_FILE} bytes`);
  const parsed = parseComposeFile(content);
  if (!parsed.ok) throw new BadRequestError('Invalid stack file content', parsed.reason);
  return content;
}

function idList(raw: unknown, label: string): number[] {
  if (!Array.isArray(raw) || raw.length > 1000)
    throw new BadRequestError(`Invalid ${label}`, `${label} must be an array of ids`);
  for (const v of raw)
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 2_147_483_647)
      throw new BadRequestError(`Invalid ${label}`, `${label} must be an array of positive integer ids`);
  return raw as number[];
}

function envList(raw: unknown): EnvVar[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw))
    throw new BadRequestError('Invalid EnvVars', 'EnvVars must be an array of {name, value}');
  return (raw as unknown[]).map((v) => {
    if (typeof v !== 'object' || v === null)
      throw new BadRequestError('Invalid EnvVars', 'Each entry is {name, value}');
    const get = (k: string): unknown => Object.entries(v).find(([key]) => key.toLowerCase() === k)?.[1];
    return { name: get('name') as string, value: get('value') as string };
  });
}

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
