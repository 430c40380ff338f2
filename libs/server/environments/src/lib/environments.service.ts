import { Injectable } from '@nestjs/common';
import { stat } from 'node:fs/promises';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, In, Repository, SelectQueryBuilder } from 'typeorm';
import { EnvironmentType, UserRole } from '@capstan/contracts-api';
import {
  AUTOCOMMIT,
  AuthenticatedUser,
  BadRequestError,
  ClockPort,
  ConflictError,
  NotFoundError,
  SecretBox,
  UnitOfWork,
} from '@capstan/server-core';
import { AccessService, type EnvironmentAccess } from '@capstan/server-rbac';
import { AgentKeysService } from './agent/agent-keys.service';
import { EdgeTunnels } from './edge/edge-tunnels.port';
import { normaliseEngineUrl } from './connection-url';
import { parseIdList } from './id-list';
import { CreationStrategies } from './creation/creation-strategies';
import type { CreateEnvironmentInput, EnvironmentDraft } from './creation/creation-strategy';
import type { EngineConnection } from './engine/engine-connection';
import { EngineConnections } from './engine/engine-connections';
import { DockerPort } from './engine/engine-reader';
import type { EnvironmentView } from './environment-view';
import type {
  EnvironmentListQuery,
  EnvironmentResponse,
  UpdateEnvironmentDto,
  UpdateSecuritySettingsDto,
} from './dto/environments.dto';
import { EnvironmentEntity } from './entities/environment.entity';
import { EnvironmentGroupEntity } from './entities/environment-group.entity';
import { SnapshotEntity } from './entities/snapshot.entity';
import { EnvironmentTagEntity, GroupTagEntity, TagEntity } from './entities/tag.entity';
import { DEFAULT_SECURITY_SETTINGS, parseSecuritySettings } from './security-settings';
import { isPodmanVersion, type DockerSnapshotSummary } from './snapshot.model';

export type { CreateEnvironmentInput } from './creation/creation-strategy';

/** Environments: registry, connection details, access policies, security settings. */
@Injectable()
export class EnvironmentsService {
  /** Decrypted connections by environment id, with the sealed values they were opened from. */
  private readonly opened = new Map<number, { sealed: string; connection: EngineConnection }>();
  /** Listeners told when an edge environment's tags, group or existence may have changed (edge groups). */
  private readonly membershipListeners: (() => void)[] = [];

  constructor(
    @InjectRepository(EnvironmentEntity) private readonly envs: Repository<EnvironmentEntity>,
    @InjectRepository(EnvironmentGroupEntity) private readonly groups: Repository<EnvironmentGroupEntity>,
    @InjectRepository(TagEntity) private readonly tags: Repository<TagEntity>,
    @InjectRepository(EnvironmentTagEntity) private readonly envTags: Repository<EnvironmentTagEntity>,
    @InjectRepository(SnapshotEntity) private readonly snapshots: Repository<SnapshotEntity>,
    private readonly access: AccessService,
    private readonly docker: DockerPort,
    private readonly engines: EngineConnections,
    private readonly box: SecretBox,
    private readonly clock: ClockPort,
    private readonly agentKeys: AgentKeysService,
    private readonly strategies: CreationStrategies,
    private readonly uow: UnitOfWork,
    private readonly edgeTunnels: EdgeTunnels,
  ) {}

  /**
   * Validates everything, has the kind's strategy check that the engine (or agent) answers, then stores the
   * environment and its tags in one unit of work; nothing is written on failure.
   */
  async create(input: CreateEnvironmentInput): Promise<EnvironmentEntity> {
    const name = (input.Name ?? '').trim();
    if (name === '' || name.length > 255)
      throw new BadRequestError('Invalid environment name', 'Name is required (1–255 characters)');
    const strategy = this.strategies.forCreationType(input.EndpointCreationType);
    const draft = strategy.draft(input);
    const { groupId, tagIds } = await this.checkPlacement(name, input);
    const checked = await strategy.probe(draft);
    const env = await this.store(name, groupId, tagIds, checked, input).catch(nameRace(name));
    this.membershipChanged();
    return env;
  }

  /** The environment and its tags, in one unit of work. */
  private store(
    name: string,
    groupId: number,
    tagIds: number[],
    checked: EnvironmentDraft,
    input: CreateEnvironmentInput,
  ): Promise<EnvironmentEntity> {
    return this.uow.run(async (tx) => {
      const env = await tx.save(
        EnvironmentEntity,
        tx.create(EnvironmentEntity, {
          name,
          nameKey: name.toLowerCase(),
          type: checked.type,
          url: checked.url,
          publicUrl: (input.PublicURL ?? '').trim().slice(0, 2048),
          groupId,
          containerEngine: checked.containerEngine,
          tls: checked.tls,
          tlsSkipVerify: checked.tlsSkipVerify,
          tlsCa: checked.ca ? this.box.seal(checked.ca) : null,
          tlsCert: checked.cert ? this.box.seal(checked.cert) : null,
          tlsKey: checked.key ? this.box.seal(checked.key) : null,
          agentVersion: checked.agentVersion ?? null,
          status: 1,
          securitySettings: JSON.stringify(DEFAULT_SECURITY_SETTINGS),
          createdAt: this.clock.now(),
        }),
      );
      if (checked.edge) {
        env.edgeCheckinInterval = checked.edge.checkinInterval;
        env.edgeKey = checked.edge.keyFor?.(env.id) ?? null;
        await tx.update(
          EnvironmentEntity,
          { id: env.id },
          { edgeCheckinInterval: env.edgeCheckinInterval, edgeKey: env.edgeKey },
        );
      }
      if (tagIds.length > 0)
        await tx.insert(
          EnvironmentTagEntity,
          tagIds.map((tagId) => ({ environmentId: env.id, tagId })),
        );
      return env;
    });
  }

  private async checkPlacement(
    name: string,
    input: CreateEnvironmentInput,
  ): Promise<{ groupId: number; tagIds: number[] }> {
    const groupId = input.GroupID ? Number(input.GroupID) : 1;
    if (!Number.isInteger(groupId) || !(await this.groups.existsBy({ id: groupId }))) {
      throw new BadRequestError('Invalid environment group', `No group with id ${input.GroupID ?? ''}`);
    }
    const tagIds = await this.checkTags(parseIdList(input.TagIds, 'TagIds') ?? []);
    if (await this.envs.existsBy({ nameKey: name.toLowerCase() })) {
      throw new ConflictError('Name is not unique', `An environment named "${name}" exists`);
    }
    return { groupId, tagIds };
  }

  async get(id: number): Promise<EnvironmentEntity> {
    const env = await this.envs.findOneBy({ id });
    if (!env)
      throw new NotFoundError(
        'Unable to find an environment with the specified identifier inside the database',
        `No environment ${id}`,
      );
    return env;
  }

  /** Whether an environment exists (other modules check references through this, never the table). */
  async exists(id: number): Promise<boolean> {
    return this.envs.existsBy({ id });
  }

  /**
   * The environment (as a plain view) and the caller's access to it (`AccessService`: role from the policies
   * of the environment and its group, teams). No access answers 404 like a missing environment: existence is
   * not revealed.
   */
  async accessFor(
    actor: AuthenticatedUser,
    id: number,
  ): Promise<{ env: EnvironmentView; access: EnvironmentAccess }> {
    const { entity, access } = await this.entityFor(actor, id);
    return { env: this.toView(entity), access };
  }

  /** `accessFor` for this module's controllers, which answer with the entity's full response. */
  async entityFor(
    actor: AuthenticatedUser,
    id: number,
  ): Promise<{ entity: EnvironmentEntity; access: EnvironmentAccess }> {
    const entity = await this.get(id);
    return { entity, access: await this.access.requireEnvironment(actor, entity) };
  }

  /** The environment as a plain view, for the server's own work (webhook triggers); 404 when unknown. */
  async view(id: number): Promise<EnvironmentView> {
    return this.toView(await this.get(id));
  }

  private toView(env: EnvironmentEntity): EnvironmentView {
    return {
      id: env.id,
      name: env.name,
      type: env.type,
      groupId: env.groupId,
      url: env.url,
      security: parseSecuritySettings(env.securitySettings),
      agent: env.type === EnvironmentType.Agent || env.type === EnvironmentType.EdgeAgent,
      connection: this.connectionOf(env, 0),
    };
  }

  async list(
    actor: AuthenticatedUser,
    q: EnvironmentListQuery,
  ): Promise<{ items: EnvironmentEntity[]; total: number; available: number }> {
    const base = this.envs.createQueryBuilder('e');
    if (actor.role !== UserRole.Administrator) await this.restrictToAccessible(base, actor);
    const available = await base.clone().getCount();
    const qb = base.clone();
    if (q.search) {
      const kw = `%${q.search.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c)}%`;
      qb.andWhere(
        new Brackets((w) =>
          w
            .where(`LOWER(e.name) LIKE :kw ESCAPE '\\'`, { kw })
            .orWhere(`LOWER(e.url) LIKE :kw ESCAPE '\\'`, { kw }),
        ),
      );
    }
    const groupIds = parseIdList(q.groupIds, 'groupIds');
    if (groupIds?.length) qb.andWhere('e.group_id IN (:...groupIds)', { groupIds });
    const types = parseIdList(q.types, 'types');
    if (types?.length) qb.andWhere('e.type IN (:...types)', { types });
    const statuses = parseIdList(q.status, 'status');
    if (statuses?.length) qb.andWhere('e.status IN (:...statuses)', { statuses });
    const ids = parseIdList(q.endpointIds, 'endpointIds');
    if (ids?.length) qb.andWhere('e.id IN (:...ids)', { ids });
    const tagIds = parseIdList(q.tagIds, 'tagIds');
    if (tagIds?.length) {
      const partial = q.tagsPartialMatch === 'true';
      qb.andWhere(
        `(SELECT COUNT(DISTINCT t.tag_id) FROM environment_tags t WHERE t.environment_id = e.id AND t.tag_id IN (:...tagIds)) ${partial ? '>= 1' : '= :tagCount'}`,
        { tagIds, tagCount: new Set(tagIds).size },
      );
    }
    // The waiting room lists the untrusted devices; every other list leaves them out (Portainer's filter).
    qb.andWhere('e.user_trusted = :trusted', { trusted: q.edgeDeviceUntrusted !== 'true' });
    if (q.edgeAsync !== undefined) qb.andWhere('e.edge_async = :edgeAsync', { edgeAsync: q.edgeAsync === 'true' });
    const order = q.order === 'desc' ? 'DESC' : 'ASC';
    const sortColumn = q.sort === 'Group' ? 'e.group_id' : q.sort === 'Status' ? 'e.status' : 'e.name_key';
    qb.orderBy(sortColumn, order).addOrderBy('e.id', 'ASC');
    if (q.start) qb.offset(q.start);
    if (q.limit) qb.limit(q.limit);
    const [items, total] = await qb.getManyAndCount();
    return { items, total, available };
  }

  async update(id: number, dto: UpdateEnvironmentDto): Promise<EnvironmentEntity> {
    const env = await this.get(id);
    if (dto.Name !== undefined) {
      const name = dto.Name.trim();
      const other = await this.envs.findOneBy({ nameKey: name.toLowerCase() });
      if (other && other.id !== id)
        throw new ConflictError('Name is not unique', `An environment named "${name}" exists`);
      env.name = name;
      env.nameKey = name.toLowerCase();
    }
    if (dto.URL !== undefined) {
      const strategy = this.strategies.forEnvironmentType(env.type);
      const moved = strategy
        ? await strategy.checkUrl(dto.URL, { url: env.url, agentVersion: env.agentVersion })
        : { url: normaliseEngineUrl(dto.URL) };
      env.url = moved.url;
      if (moved.agentVersion !== undefined) env.agentVersion = moved.agentVersion;
    }
    if (dto.PublicURL !== undefined) env.publicUrl = dto.PublicURL.trim();
    if (dto.GroupID !== undefined) {
      if (!(await this.groups.existsBy({ id: dto.GroupID })))
        throw new BadRequestError('Invalid environment group', `No group with id ${dto.GroupID}`);
      env.groupId = dto.GroupID;
    }
    if (dto.Status !== undefined) env.status = dto.Status;
    const tagIds = dto.TagIds === undefined ? undefined : await this.checkTags(dto.TagIds);
    const rows =
      dto.UserAccessPolicies === undefined && dto.TeamAccessPolicies === undefined
        ? undefined
        : await this.access.checkPolicies(
            { environmentId: id },
            dto.UserAccessPolicies,
            dto.TeamAccessPolicies,
          );
    // The environment, its tags and its policies change together.
    return this.uow
      .run(async (tx) => {
        const saved = await tx.save(env);
        if (tagIds) {
          await tx.delete(EnvironmentTagEntity, { environmentId: id });
          if (tagIds.length > 0)
            await tx.insert(
              EnvironmentTagEntity,
              tagIds.map((tagId) => ({ environmentId: id, tagId })),
            );
        }
        if (rows) await this.access.replacePolicies({ environmentId: id }, rows);
        return saved;
      })
      .catch(nameRace(env.name))
      .finally(() => this.membershipChanged());
  }

  async updateSecuritySettings(id: number, dto: UpdateSecuritySettingsDto): Promise<EnvironmentEntity> {
    const env = await this.get(id);
    const next = { ...parseSecuritySettings(env.securitySettings), ...definedOnly(dto) };
    env.securitySettings = JSON.stringify(next);
    return this.envs.save(env, AUTOCOMMIT);
  }

  async delete(id: number): Promise<void> {
    const env = await this.get(id);
    await this.envs.remove(env, AUTOCOMMIT);
    this.opened.delete(id);
    this.engines.forget(id);
    this.membershipChanged();
  }

  /** Portainer's batch delete: `{deleted, errors}`, each id on its own. */
  async deleteMany(ids: number[]): Promise<{ deleted: number[]; errors: { id: number; message: string }[] }> {
    const deleted: number[] = [];
    const errors: { id: number; message: string }[] = [];
    for (const id of [...new Set(ids)]) {
      try {
        await this.delete(id);
        deleted.push(id);
      } catch (e) {
        errors.push({ id, message: e instanceof Error ? e.message : String(e) });
      }
    }
    return { deleted, errors };
  }

  /**
   * Decrypted connection details for the snapshotter, the proxy, consoles and streams. Never leaves the server.
   * The TLS material is decrypted once per environment and kept while its stored (sealed) values stay the same,
   * so a proxied request does not open the secret box again.
   */
  connectionOf(env: EnvironmentEntity | EnvironmentView, timeoutMs: number): EngineConnection {
    if ('connection' in env) return { ...env.connection, timeoutMs };
    const sealed = JSON.stringify([
      env.url,
      env.tls,
      env.tlsSkipVerify,
      env.tlsCa,
      env.tlsCert,
      env.tlsKey,
      env.type,
    ]);
    let cached = this.opened.get(env.id);
    if (cached?.sealed !== sealed) {
      cached = {
        sealed,
        connection: {
          url: env.url,
          tls: env.tls,
          tlsSkipVerify: env.tlsSkipVerify,
          ca: env.tlsCa ? this.box.open(env.tlsCa) : undefined,
          cert: env.tlsCert ? this.box.open(env.tlsCert) : undefined,
          key: env.tlsKey ? this.box.open(env.tlsKey) : undefined,
          timeoutMs: 0,
          environmentId: env.id,
          ...(env.type === EnvironmentType.Agent || env.type === EnvironmentType.EdgeAgent
            ? { agent: { headers: this.agentKeys.headers() } }
            : {}),
          ...(env.type === EnvironmentType.EdgeAgent ? { edge: this.edgeTunnels } : {}),
        },
      };
      this.opened.set(env.id, cached);
    }
    return { ...cached.connection, timeoutMs };
  }

  // ── Edge (type 4): what the edge module's poll, tunnel and waiting room need, without its tables ──

  /**
   * Edge environments (types 4 and 7) with their tags: their own and their group's (what dynamic edge groups
   * match on). One query per table, for the edge-compute module's membership index.
   */
  async edgeMembers(): Promise<EdgeMember[]> {
    const envs = await this.envs.find({
      where: { type: In([EnvironmentType.EdgeAgent, EnvironmentType.EdgeKubernetes]) },
      select: { id: true, type: true, groupId: true, userTrusted: true },
      order: { id: 'ASC' },
    });
    if (envs.length === 0) return [];
    const [own, grouped] = await Promise.all([
      this.envTags.find({ where: { environmentId: In(envs.map((e) => e.id)) } }),
      this.envs.manager.find(GroupTagEntity, {
        where: { groupId: In([...new Set(envs.map((e) => e.groupId))]) },
      }),
    ]);
    return envs.map((e) => ({
      id: e.id,
      type: e.type,
      trusted: e.userTrusted,
      tagIds: [
        ...new Set([
          ...own.filter((t) => t.environmentId === e.id).map((t) => t.tagId),
          ...grouped.filter((t) => t.groupId === e.groupId).map((t) => t.tagId),
        ]),
      ].sort((a, b) => a - b),
    }));
  }

  /** Called after a write that may change which edge groups an environment belongs to. */
  onMembershipChange(listener: () => void): void {
    this.membershipListeners.push(listener);
  }

  /** Environments, their tags, groups or group tags changed: edge group membership is recomputed. */
  membershipChanged(): void {
    for (const l of this.membershipListeners) l();
  }

  /** An edge environment's poll facts, or undefined when there is none with this id. */
  async edgeState(id: number): Promise<EdgeEnvironmentState | undefined> {
    const e = await this.envs.findOneBy({ id, type: EnvironmentType.EdgeAgent });
    return e ? toEdgeState(e) : undefined;
  }

  async edgeStateByEdgeId(edgeId: string): Promise<EdgeEnvironmentState | undefined> {
    const e = await this.envs.findOneBy({ edgeId, type: EnvironmentType.EdgeAgent });
    return e ? toEdgeState(e) : undefined;
  }

  /**
   * Binds the agent's edge id at its first poll; true when this id is (now) the environment's. Conditional, so
   * two agents racing for the same environment cannot both win.
   */
  async bindEdgeId(id: number, edgeId: string): Promise<boolean> {
    const bound = await this.envs
      .createQueryBuilder()
      .update(EnvironmentEntity)
      .set({ edgeId })
      .where('id = :id AND edge_id IS NULL', { id })
      .execute()
      .catch(() => ({ affected: 0 }));
    if (bound.affected) return true;
    return (await this.envs.findOneBy({ id }))?.edgeId === edgeId;
  }

  /** Sets the poll secret's hash once (conditional: a second request for a secret is refused). */
  async setEdgeSecretHash(id: number, hash: string): Promise<boolean> {
    const r = await this.envs
      .createQueryBuilder()
      .update(EnvironmentEntity)
      .set({ edgeSecretHash: hash })
      .where('id = :id AND edge_secret_hash IS NULL', { id })
      .execute();
    return (r.affected ?? 0) > 0;
  }

  /** Check-ins gathered in memory, written in one unit of work. */
  async recordCheckIns(times: ReadonlyMap<number, number>): Promise<void> {
    if (times.size === 0) return;
    // One statement per 200 environments (a CASE over the ids): a flush of thousands of check-ins must not hold the
    // event loop for a statement per row.
    const entries = [...times];
    await this.uow.run(async (tx) => {
      for (let i = 0; i < entries.length; i += 200) {
        const chunk = entries.slice(i, i + 200);
        const params: Record<string, number> = {};
        const cases = chunk
          .map(([id, at], j) => {
            params[`i${j}`] = id;
            params[`t${j}`] = at;
            return `WHEN :i${j} THEN :t${j}`;
          })
          .join(' ');
        await tx
          .createQueryBuilder()
          .update(EnvironmentEntity)
          .set({ lastCheckIn: () => `CASE id ${cases} ELSE last_check_in END` })
          .where('id IN (:...ids)', { ids: chunk.map(([id]) => id) })
          .setParameters(params)
          .execute();
      }
    });
  }

  /** Waiting room: trust (or un-trust) edge environments; the ids that are edge environments and changed. */
  async setEdgeTrust(ids: readonly number[], trusted: boolean): Promise<number[]> {
    if (ids.length === 0) return [];
    return this.uow.run(async (tx) => {
      const rows = await tx.find(EnvironmentEntity, {
        where: { id: In([...ids]), type: EnvironmentType.EdgeAgent },
      });
      const changed = rows.filter((r) => r.userTrusted !== trusted).map((r) => r.id);
      if (changed.length > 0)
        await tx.update(EnvironmentEntity, { id: In(changed) }, { userTrusted: trusted });
      return changed;
    });
  }

  /**
   * Global key onboarding: an edge environment for an agent nobody created one for, bound to its edge id, in the
   * waiting room unless `trusted`. Its name is `edge-<edge id>` (a suffix when taken); group and tags as asked when
   * they exist (unknown ones are dropped, the agent cannot fix them); the request kept as `edge_meta`.
   */
  async createEdgeFromGlobalKey(input: {
    edgeId: string;
    serverUrl: string;
    trusted: boolean;
    asyncMode: boolean;
    groupId: number;
    tagIds: readonly number[];
    meta: unknown;
  }): Promise<EdgeEnvironmentState> {
    const groupId = input.groupId > 0 && (await this.groups.existsBy({ id: input.groupId })) ? input.groupId : 1;
    const wanted = [...new Set(input.tagIds)].filter((t) => t > 0);
    const tagIds =
      wanted.length === 0
        ? []
        : (await this.tags.find({ where: { id: In(wanted) }, select: { id: true } })).map((t) => t.id);
    const base = `edge-${input.edgeId}`.slice(0, 240);
    for (let attempt = 0; ; attempt++) {
      const name = attempt === 0 ? base : `${base}-${attempt + 1}`;
      try {
        const env = await this.uow.run(async (tx) => {
          const saved = await tx.save(
            EnvironmentEntity,
            tx.create(EnvironmentEntity, {
              name,
              nameKey: name.toLowerCase(),
              type: EnvironmentType.EdgeAgent,
              url: input.serverUrl,
              publicUrl: '',
              groupId,
              containerEngine: 'docker',
              tls: false,
              tlsSkipVerify: false,
              tlsCa: null,
              tlsCert: null,
              tlsKey: null,
              agentVersion: null,
              status: 1,
              securitySettings: JSON.stringify(DEFAULT_SECURITY_SETTINGS),
              edgeId: input.edgeId,
              edgeKey: null,
              userTrusted: input.trusted,
              edgeAsync: input.asyncMode,
              edgeMeta: JSON.stringify(input.meta ?? null),
              createdAt: this.clock.now(),
            }),
          );
          if (tagIds.length > 0)
            await tx.insert(
              EnvironmentTagEntity,
              tagIds.map((tagId) => ({ environmentId: saved.id, tagId })),
            );
          return saved;
        });
        return toEdgeState(env);
      } catch (e) {
        if (!(e instanceof Error && /UNIQUE|duplicate key/i.test(e.message))) throw e;
        // Another agent with this edge id won the race: its environment is the answer.
        const same = await this.edgeStateByEdgeId(input.edgeId);
        if (same) return same;
        if (attempt >= 20) throw e;
      }
    }
  }

  /** Edge devices waiting in the waiting room. */
  async countUntrustedEdge(): Promise<number> {
    return this.envs.countBy({ type: EnvironmentType.EdgeAgent, userTrusted: false });
  }

  /** The edge environments in async mode (loaded once at start; the edge module keeps the set). */
  async edgeAsyncIds(): Promise<number[]> {
    const rows = await this.envs.find({
      where: { type: EnvironmentType.EdgeAgent, edgeAsync: true },
      select: { id: true },
    });
    return rows.map((r) => r.id);
  }

  /** The agent switched between standard and async polling (its EDGE_ASYNC). */
  async setEdgeAsync(id: number, asyncMode: boolean): Promise<void> {
    await this.envs.update({ id, type: EnvironmentType.EdgeAgent }, { edgeAsync: asyncMode });
  }

  /** Poll and async intervals of one edge environment (seconds; -1 the settings' default, 0 off). */
  async setEdgeIntervals(
    id: number,
    intervals: { checkin?: number; ping?: number; snapshot?: number; command?: number },
  ): Promise<void> {
    const set: Partial<EnvironmentEntity> = {};
    if (intervals.checkin !== undefined) set.edgeCheckinInterval = intervals.checkin;
    if (intervals.ping !== undefined) set.edgePingInterval = intervals.ping;
    if (intervals.snapshot !== undefined) set.edgeSnapshotInterval = intervals.snapshot;
    if (intervals.command !== undefined) set.edgeCommandInterval = intervals.command;
    if (Object.keys(set).length > 0) await this.envs.update({ id, type: EnvironmentType.EdgeAgent }, set);
  }

  async all(): Promise<EnvironmentEntity[]> {
    return this.envs.find({ order: { id: 'ASC' } });
  }

  async setStatus(id: number, status: number): Promise<void> {
    await this.envs.update({ id }, { status });
  }

  /** API shape for a page of environments, loading tags, policies and snapshots in three queries. */
  async toResponses(
    actor: AuthenticatedUser,
    items: EnvironmentEntity[],
    withSnapshots: boolean,
  ): Promise<EnvironmentResponse[]> {
    const ids = items.map((e) => e.id);
    if (ids.length === 0) return [];
    const [tagRows, policies, snaps, accesses] = await Promise.all([
      this.envTags.find({ where: { environmentId: In(ids) } }),
      this.access.policyMaps('environment', ids),
      withSnapshots ? this.snapshots.find({ where: { environmentId: In(ids) } }) : Promise.resolve([]),
      this.access.environmentAccesses(actor, items),
    ]);
    return items.map((e) => {
      const maps = policies.get(e.id) ?? { users: {}, teams: {} };
      const access = accesses.get(e.id);
      const snap = snaps.find((s) => s.environmentId === e.id);
      const security = parseSecuritySettings(e.securitySettings);
      return {
        Id: e.id,
        Name: e.name,
        Type: e.type,
        URL: e.url,
        PublicURL: e.publicUrl,
        GroupId: e.groupId,
        TagIds: tagRows
          .filter((t) => t.environmentId === e.id)
          .map((t) => t.tagId)
          .sort((a, b) => a - b),
        ContainerEngine: e.containerEngine,
        Status: e.status,
        TLSConfig: { TLS: e.tls, TLSSkipVerify: e.tlsSkipVerify },
        UserAccessPolicies: maps.users,
        TeamAccessPolicies: maps.teams,
        SecuritySettings: security,
        Snapshots: snap ? [withDefaults(JSON.parse(snap.summary) as Partial<DockerSnapshotSummary>)] : [],
        CapstanAccess: {
          RoleId: access?.displayedRoleId ?? 0,
          Permissions: access?.permissions ?? [],
          VolumeBrowse:
            access?.volumeBrowse(
              e.type === EnvironmentType.Agent,
              security.allowVolumeBrowserForRegularUsers,
            ) ?? 'none',
        },
        ...(e.type === EnvironmentType.Agent || e.type === EnvironmentType.EdgeAgent
          ? { Agent: { Version: e.agentVersion ?? '' } }
          : {}),
        ...(e.type === EnvironmentType.EdgeAgent
          ? {
              EdgeID: e.edgeId ?? '',
              EdgeKey: e.edgeKey ?? '',
              EdgeCheckinInterval: e.edgeCheckinInterval,
              UserTrusted: e.userTrusted,
              LastCheckInDate: Math.floor(e.lastCheckIn / 1000),
              Edge: {
                AsyncMode: e.edgeAsync,
                PingInterval: e.edgePingInterval,
                SnapshotInterval: e.edgeSnapshotInterval,
                CommandInterval: e.edgeCommandInterval,
              },
            }
          : {}),
      };
    });
  }

  /**
   * The local engine socket, for the portal's first-run offer: the Docker socket if it answers, else Podman's
   * rootful socket. Only sockets that exist are tried, each with a short timeout.
   */
  async localEngine(): Promise<{
    Available: boolean;
    URL: string;
    Engine: 'docker' | 'podman' | null;
    Version: string | null;
  }> {
    for (const path of LOCAL_SOCKETS) {
      const isSocket = await stat(path).then(
        (s) => s.isSocket(),
        () => false,
      );
      if (!isSocket) continue;
      const url = `unix://${path}`;
      try {
        const client = this.docker.connect({ url, tls: false, tlsSkipVerify: false, timeoutMs: 3000 });
        await client.ping();
        const version = await client.version();
        return {
          Available: true,
          URL: url,
          Engine: isPodmanVersion(version) ? 'podman' : 'docker',
          Version: typeof version['Version'] === 'string' ? version['Version'] : null,
        };
      } catch {
        continue;
      }
    }
    return { Available: false, URL: `unix://${LOCAL_SOCKETS[0]}`, Engine: null, Version: null };
  }

  /** The distinct ids, or a 400 naming the unknown ones. */
  async checkTags(ids: number[]): Promise<number[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    const found = await this.tags.find({ where: { id: In(unique) }, select: { id: true } });
    const missing = unique.filter((id) => !found.some((t) => t.id === id));
    if (missing.length > 0) throw new BadRequestError('Invalid tags', `No tag with id ${missing.join(', ')}`);
    return unique;
  }

  /** Non-administrators list the environments where they or one of their teams hold a policy (on it or its group). */
  private async restrictToAccessible(
    qb: SelectQueryBuilder<EnvironmentEntity>,
    actor: AuthenticatedUser,
  ): Promise<void> {
    const { environmentIds, groupIds } = await this.access.reachable(actor);
    if (environmentIds.length === 0 && groupIds.length === 0) {
      qb.andWhere('1 = 0');
      return;
    }
    qb.andWhere(
      new Brackets((w) => {
        if (environmentIds.length > 0)
          w.orWhere('e.id IN (:...reachableIds)', { reachableIds: environmentIds });
        if (groupIds.length > 0)
          w.orWhere('e.group_id IN (:...reachableGroups)', { reachableGroups: groupIds });
      }),
    );
  }
}

const LOCAL_SOCKETS = ['/var/run/docker.sock', '/run/podman/podman.sock'];

/** A unique-name violation in a unit of work: a concurrent request took the name after this one checked it. */
function nameRace(name: string): (e: unknown) => never {
  return (e) => {
    if (e instanceof Error && /UNIQUE|duplicate key/i.test(e.message))
      throw new ConflictError('Name is not unique', `An environment named "${name}" exists`);
    throw e;
  };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Snapshots stored before a field existed read with its empty value. */
function withDefaults(summary: Partial<DockerSnapshotSummary>): DockerSnapshotSummary {
  return { ...summary, UnreachableNodes: summary.UnreachableNodes ?? [] } as DockerSnapshotSummary;
}

/** An edge environment as edge groups see it: its type and its tags (own plus its group's). */
export interface EdgeMember {
  readonly id: number;
  readonly type: number;
  readonly trusted: boolean;
  readonly tagIds: readonly number[];
}

/** What the edge poll needs of an environment. */
export interface EdgeEnvironmentState {
  readonly id: number;
  readonly name: string;
  readonly edgeId: string | null;
  readonly userTrusted: boolean;
  readonly checkinInterval: number;
  readonly secretHash: string | null;
  readonly lastCheckIn: number;
  readonly asyncMode: boolean;
  /** Seconds; -1 the settings' default, 0 off. */
  readonly pingInterval: number;
  readonly snapshotInterval: number;
  readonly commandInterval: number;
}

function toEdgeState(e: EnvironmentEntity): EdgeEnvironmentState {
  return {
    id: e.id,
    name: e.name,
    edgeId: e.edgeId,
    userTrusted: e.userTrusted,
    checkinInterval: e.edgeCheckinInterval,
    secretHash: e.edgeSecretHash,
    lastCheckIn: e.lastCheckIn,
    asyncMode: e.edgeAsync,
    pingInterval: e.edgePingInterval,
    snapshotInterval: e.edgeSnapshotInterval,
    commandInterval: e.edgeCommandInterval,
  };
}
