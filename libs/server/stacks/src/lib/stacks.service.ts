import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { gitConfigView, type RepositorySource, type StackAutoUpdate } from './git-source';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Like, Not, type Repository } from 'typeorm';
import { Permission, ResourceControlType, UserRole, type ResourceControlBody } from '@capstan/contracts-api';
import {
  AUTOCOMMIT,
  BadGatewayError,
  BadRequestError,
  ClockPort,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  type AuthenticatedUser,
} from '@capstan/server-core';
import { EngineConnections, EnvironmentsService, type EnvironmentView } from '@capstan/server-environments';
import { GitService } from '@capstan/server-git';
import { RegistriesService, type DockerAuthConfig } from '@capstan/server-registries';
import type { EnvironmentAccess } from '@capstan/server-rbac';
import { ResourceControlsService, stackResourceId } from '@capstan/server-resource-controls';
import { UsersService } from '@capstan/server-users';
import { composeSecurityViolation, parseComposeFile } from './compose-security';
import type { StackEnvVar } from './deploy-runner';
import { MAX_STACK_FILE, type StackResponse } from './dto/stacks.dto';
import { StackEntity } from './entities/stack.entity';
import { DeployProgress } from './deploy-progress';
import { STACK_COMPOSE, STACK_SWARM, StackDeployer, type DeployTarget } from './stack-deployer';
import { StackFiles } from './stack-files';
import { KeyedLock } from './stack-lock';
import { checkStackName } from './stack-names';

const ACTIVE = 1;
const INACTIVE = 2;
const ENGINE_TIMEOUT_MS = 15_000;
const NOT_FOUND = 'Unable to find a stack with the specified identifier inside the database';
const COMPOSE_PROJECT = 'com.docker.compose.project';
const STACK_NAMESPACE = 'com.docker.stack.namespace';

export interface CreateStackInput {
  readonly name: string;
  readonly content: string;
  readonly env?: readonly StackEnvVar[];
  readonly swarmId?: string;
  readonly fromAppTemplate?: boolean;
  /** Git stacks: the checkout (staging dir), its files and the GitConfig (password sealed) to store. */
  readonly git?: RepositorySource;
}

/** Told when a git stack appears, changes its auto-update or goes (the git side schedules its jobs). */
export interface GitStackHooks {
  changed(stackId: number): void;
  removed(stackId: number): void;
}

export interface UpdateStackInput {
  readonly content?: string;
  readonly env?: readonly StackEnvVar[];
  readonly prune?: boolean;
  readonly pullImage?: boolean;
  readonly rollbackTo?: number;
}

/** Services the StacksModule wires (config-dependent parts built by the module). */
export class StackTools {
  constructor(
    readonly files: StackFiles,
    readonly deployer: StackDeployer,
  ) {}
}

/**
 * Stacks: the record, its files (every version kept), ownership (a private resource control type 6 for the
 * creator), the environment's rules for non-administrators, and the deploys (one at a time per stack).
 */
@Injectable()
export class StacksService implements OnApplicationBootstrap {
  private readonly lock = new KeyedLock();
  /** Set by the git side (StackGitService) at start-up. */
  gitHooks: GitStackHooks | undefined;

  constructor(
    @InjectRepository(StackEntity) private readonly stacks: Repository<StackEntity>,
    private readonly environments: EnvironmentsService,
    private readonly engines: EngineConnections,
    private readonly controls: ResourceControlsService,
    private readonly tools: StackTools,
    private readonly progress: DeployProgress,
    private readonly clock: ClockPort,
    private readonly git: GitService,
    private readonly registries: RegistriesService,
    private readonly users: UsersService,
  ) {}

  onApplicationBootstrap(): void {
    // In the background: the server answers while compose works.
    void this.recoverInterrupted();
  }

  // ---------- reading

  async list(
    actor: AuthenticatedUser,
    filters: { EndpointID?: number; SwarmID?: string; IncludeExternal?: boolean },
  ): Promise<StackResponse[]> {
    const where: Partial<Pick<StackEntity, 'environmentId' | 'swarmId'>> = {};
    if (filters.EndpointID !== undefined) where.environmentId = filters.EndpointID;
    if (filters.SwarmID !== undefined) where.swarmId = filters.SwarmID;
    const rows = await this.stacks.find({ where, order: { id: 'ASC' } });
    const out: StackResponse[] = [];
    const accessByEnv = new Map<number, EnvironmentAccess | null>();
    for (const s of rows) {
      let access = accessByEnv.get(s.environmentId);
      if (access === undefined) {
        access = await this.accessOrNull(actor, s.environmentId);
        accessByEnv.set(s.environmentId, access);
      }
      const control = await this.controlOf(s);
      if (actor.role !== UserRole.Administrator) {
        if (!access || !access.may(Permission.ResourcesRead, { control })) continue;
      }
      out.push(this.toResponse(s, control));
    }
    if (filters.EndpointID !== undefined && filters.IncludeExternal !== false) {
      out.push(...(await this.external(actor, filters.EndpointID, rows)));
    }
    return out;
  }

  async inspect(actor: AuthenticatedUser, id: number): Promise<StackResponse> {
    const { stack, control } = await this.readable(actor, id);
    return this.toResponse(stack, control);
  }

  async file(
    actor: AuthenticatedUser,
    id: number,
    version?: number,
  ): Promise<{ StackFileContent: string; Version: number }> {
    const { stack } = await this.readable(actor, id);
    const v = version ?? stack.fileVersion;
    const files = await this.tools.files.read(stack.id, v).catch(() => {
      throw new NotFoundError('Stack file version not found', `No version ${v} of stack ${id}`);
    });
    const entry = files.find((f) => f.path === stack.entryPoint);
    return { StackFileContent: entry?.content ?? '', Version: v };
  }

  async versions(actor: AuthenticatedUser, id: number): Promise<{ Versions: number[]; Current: number }> {
    const { stack } = await this.readable(actor, id);
    return { Versions: await this.tools.files.versions(stack.id), Current: stack.fileVersion };
  }

  async deployLog(actor: AuthenticatedUser, id: number): Promise<{ Log: string; Running: boolean }> {
    const { stack } = await this.readable(actor, id);
    const live = this.progress.current(stack.id);
    return live ? { Log: live.join('\n'), Running: true } : { Log: stack.lastDeployLog, Running: false };
  }

  /** Progress of the running deploy of a stack the caller may read (the WebSocket route). */
  async watch(actor: AuthenticatedUser, id: number): Promise<number> {
    const { stack } = await this.readable(actor, id);
    return stack.id;
  }

  // ---------- writing

  async create(
    actor: AuthenticatedUser,
    type: number,
    endpointId: number,
    input: CreateStackInput,
  ): Promise<StackResponse> {
    try {
      return await this.createChecked(actor, type, endpointId, input);
    } finally {
      // A git checkout not moved into its stack (any refusal) goes.
      if (input.git) await rm(input.git.stagingDir, { recursive: true, force: true });
    }
  }

  private async createChecked(
    actor: AuthenticatedUser,
    type: number,
    endpointId: number,
    input: CreateStackInput,
  ): Promise<StackResponse> {
    const named = checkStackName(input.name);
    if (!named.ok) throw new BadRequestError('Invalid stack name', named.reason);
    const name = named.name;
    const { env, access } = await this.environments.accessFor(actor, endpointId);
    this.assertMayManageStacks(actor, env, access, Permission.ResourcesCreate);
    const content = this.checkFile(actor, env, access, input.content);
    for (const f of input.git?.files.slice(1) ?? []) this.checkFile(actor, env, access, f.content);
    const vars = checkEnv(input.env ?? []);
    if (input.git?.autoUpdate?.Webhook) await this.assertWebhookFree(input.git.autoUpdate.Webhook, 0);
    let swarmId = '';
    if (type === STACK_SWARM) {
      swarmId = await this.swarmIdOf(env);
      if (input.swarmId && input.swarmId !== swarmId)
        throw new BadRequestError('Invalid SwarmID', 'SwarmID is not the cluster id of this environment');
    }
    return this.lock.run(`new:${endpointId}:${name}`, async () => {
      if (await this.stacks.existsBy({ environmentId: endpointId, name }))
        throw new ConflictError(`A stack with the normalized name '${name}' already exists`, `Stack ${name}`);
      if (await this.projectExists(env, name))
        throw new ConflictError(
          `A stack with the normalized name '${name}' already exists`,
          'A compose project or Swarm stack of that name already runs on the environment (adopt it instead)',
        );
      return this.register(
        actor,
        {
          type,
          endpointId,
          name,
          swarmId,
          vars,
          content,
          fromAppTemplate: input.fromAppTemplate === true,
          git: input.git,
        },
        'create',
      );
    });
  }

  /**
   * Takes over a compose project or Swarm stack made outside Capstan: with the pasted file, or — administrators,
   * compose projects on an environment whose engine runs on this machine — the file compose recorded in the
   * project's labels (`com.docker.compose.project.config_files`). Then it is deployed like any stack (compose
   * converges on what runs) and owned by the caller.
   */
  async adopt(
    actor: AuthenticatedUser,
    endpointId: number,
    input: { name: string; content?: string; env?: readonly StackEnvVar[] },
  ): Promise<StackResponse> {
    const named = checkStackName(input.name);
    if (!named.ok) throw new BadRequestError('Invalid stack name', named.reason);
    const name = named.name;
    const { env, access } = await this.environments.accessFor(actor, endpointId);
    this.assertMayManageStacks(actor, env, access, Permission.ResourcesManageAll);
    const projects = await this.projectsOn(env);
    const type = projects.get(name);
    if (type === undefined)
      throw new NotFoundError(
        'No such stack on the environment',
        `No compose project or Swarm stack ${name}`,
      );
    const text = input.content ?? (await this.recordedComposeFile(actor, env, name, type));
    const content = this.checkFile(actor, env, access, text);
    const vars = checkEnv(input.env ?? []);
    const swarmId = type === STACK_SWARM ? await this.swarmIdOf(env) : '';
    return this.lock.run(`new:${endpointId}:${name}`, async () => {
      if (await this.stacks.existsBy({ environmentId: endpointId, name }))
        throw new ConflictError(`A stack with the normalized name '${name}' already exists`, `Stack ${name}`);
      return this.register(
        actor,
        { type, endpointId, name, swarmId, vars, content, fromAppTemplate: false },
        'adopt',
      );
    });
  }

  /** The compose file of a running project, read from the path compose recorded, when it is on this machine. */
  private async recordedComposeFile(
    actor: AuthenticatedUser,
    env: EnvironmentView,
    name: string,
    type: number,
  ): Promise<string> {
    const paste = 'Paste the stack file (StackFileContent)';
    if (type !== STACK_COMPOSE)
      throw new BadRequestError('The stack file is needed', `${paste}: Swarm keeps no file`);
    if (actor.role !== UserRole.Administrator)
      throw new BadRequestError(
        'The stack file is needed',
        `${paste}: only administrators adopt from the server's disk`,
      );
    if (!env.connection.url.startsWith('unix://') || env.agent)
      throw new BadRequestError(
        'The stack file is needed',
        `${paste}: the environment's engine is not on this machine`,
      );
    const client = this.engines.client(this.environments.connectionOf(env, ENGINE_TIMEOUT_MS));
    const answer = await this.reach(() =>
      client.call(
        'GET',
        `/containers/json?all=1&filters=${encodeURIComponent(JSON.stringify({ label: [`${COMPOSE_PROJECT}=${name}`] }))}`,
      ),
    );
    const labels = (answer.body as { Labels?: Record<string, string> }[] | undefined)?.[0]?.Labels ?? {};
    const files = (labels['com.docker.compose.project.config_files'] ?? '').split(',').filter(Boolean);
    const first = files[0];
    if (files.length !== 1 || !first || !/\.ya?ml$/.test(first))
      throw new BadRequestError(
        'The stack file is needed',
        `${paste}: the project was not started from one YAML file`,
      );
    try {
      const st = await stat(first);
      if (!st.isFile() || st.size > MAX_STACK_FILE) throw new Error('not a file of at most 1 MiB');
      return await readFile(first, 'utf8');
    } catch (e) {
      throw new BadRequestError(
        'The stack file is needed',
        `${paste}: ${first}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }

  /** A new record (pending until its first deploy succeeds), its files, the deploy, and the caller's control. */
  private async register(
    actor: AuthenticatedUser,
    s: {
      type: number;
      endpointId: number;
      name: string;
      swarmId: string;
      vars: StackEnvVar[];
      content: string;
      fromAppTemplate: boolean;
      git?: RepositorySource;
    },
    pending: 'create' | 'adopt',
  ): Promise<StackResponse> {
    const { type, endpointId, name, swarmId, vars, content } = s;
    {
      const now = this.clock.now();
      const saved = await this.stacks.save(
        this.stacks.create({
          name,
          type,
          environmentId: endpointId,
          swarmId,
          entryPoint: s.git?.config.ConfigFilePath ?? 'docker-compose.yml',
          env: JSON.stringify(vars),
          status: ACTIVE,
          additionalFiles: JSON.stringify(s.git?.additionalFiles ?? []),
          fileVersion: 1,
          options: JSON.stringify({ Prune: false }),
          fromAppTemplate: s.fromAppTemplate,
          gitConfig: s.git ? JSON.stringify(s.git.config) : null,
          autoUpdate: null,
          pending,
          createdAt: now,
          createdBy: actor.username,
          createdByUserId: actor.id,
          updatedAt: 0,
          updatedBy: '',
        }),
        AUTOCOMMIT,
      );
      try {
        if (s.git) {
          const dir = this.git.workDir('stacks', saved.id);
          await mkdir(dirname(dir), { recursive: true, mode: 0o700 });
          await rm(dir, { recursive: true, force: true });
          await rename(s.git.stagingDir, dir);
          await this.tools.files.write(saved.id, 1, s.git.files);
        } else await this.tools.files.write(saved.id, 1, [{ path: saved.entryPoint, content }]);
        const target = this.targetOf(saved);
        await this.tools.deployer.validate(target);
        const registries = await this.registryAuths(actor, endpointId);
        const log = await this.runDeploy(saved.id, () =>
          this.tools.deployer.deploy(target, { registries, onProgress: this.progress.sink(saved.id) }),
        );
        const control = await this.controls.createPrivate(
          endpointId,
          ResourceControlType.Stack,
          stackResourceId(endpointId, name),
          actor.id,
        );
        const autoUpdate = s.git?.autoUpdate ? { ...s.git.autoUpdate } : null;
        if (autoUpdate?.Interval) autoUpdate.JobID = String(saved.id);
        const autoUpdateJson = autoUpdate ? JSON.stringify(autoUpdate) : null;
        await this.stacks.update(
          { id: saved.id },
          { lastDeployLog: log, pending: '', autoUpdate: autoUpdateJson },
        );
        saved.lastDeployLog = log;
        saved.pending = '';
        saved.autoUpdate = autoUpdateJson;
        if (s.git) this.gitHooks?.changed(saved.id);
        return this.toResponse(saved, control);
      } catch (e) {
        // No half-written stack: the record and its files go; what compose started stays as compose left it.
        await this.stacks.delete({ id: saved.id });
        await this.tools.files.remove(saved.id);
        if (s.git) await rm(this.git.workDir('stacks', saved.id), { recursive: true, force: true });
        throw e;
      }
    }
  }

  async update(
    actor: AuthenticatedUser,
    id: number,
    endpointId: number | undefined,
    input: UpdateStackInput,
  ): Promise<StackResponse> {
    return this.lock.run(`stack:${id}`, async () => {
      const { stack, control, env, access } = await this.manageable(actor, id, endpointId);
      if (stack.gitConfig && (input.content !== undefined || input.rollbackTo !== undefined))
        throw new BadRequestError(
          'The stack is deployed from git',
          'Change the repository and redeploy: PUT /api/stacks/{id}/git/redeploy (Env and Prune may change here)',
        );
      const previousVersion = stack.fileVersion;
      const versions = await this.tools.files.versions(stack.id);
      let version: number;
      if (input.rollbackTo !== undefined) {
        if (!versions.includes(input.rollbackTo))
          throw new NotFoundError(
            'Stack file version not found',
            `No version ${input.rollbackTo} of stack ${id}`,
          );
        const old = await this.tools.files.read(stack.id, input.rollbackTo);
        const entry = old.find((f) => f.path === stack.entryPoint)?.content ?? '';
        this.checkFile(actor, env, access, entry);
        version = input.rollbackTo;
        await this.tools.files.activate(stack.id, version, old);
      } else {
        const content =
          input.content === undefined
            ? ((await this.tools.files.read(stack.id, stack.fileVersion)).find(
                (f) => f.path === stack.entryPoint,
              )?.content ?? '')
            : input.content;
        const checked = this.checkFile(actor, env, access, content);
        version = Math.max(0, ...versions) + 1;
        const kept = stack.gitConfig
          ? (await this.tools.files.read(stack.id, stack.fileVersion)).filter(
              (f) => f.path !== stack.entryPoint,
            )
          : [];
        await this.tools.files.write(stack.id, version, [
          ...kept,
          { path: stack.entryPoint, content: checked },
        ]);
      }
      const vars = input.env === undefined ? parseEnv(stack.env) : checkEnv(input.env);
      const prune = input.prune ?? parseOptions(stack.options).Prune;
      const target = this.targetOf({ ...stack, env: JSON.stringify(vars) });
      await this.stacks.update({ id: stack.id }, { pending: 'update' });
      try {
        await this.tools.deployer.validate(target);
        const registries = await this.registryAuths(actor, stack.environmentId);
        const log = await this.runDeploy(stack.id, () =>
          this.tools.deployer.deploy(target, {
            prune,
            pullImage: input.pullImage === true,
            registries,
            onProgress: this.progress.sink(stack.id),
          }),
        );
        Object.assign(
          stack,
          deployedColumns({ version, vars, prune, log, at: this.clock.now(), by: actor.username }),
        );
        await this.stacks.save(stack, AUTOCOMMIT);
        return this.toResponse(stack, control);
      } catch (e) {
        // The record keeps its version; the project's files go back to it.
        await this.stacks.update({ id: stack.id }, { pending: '' });
        await this.tools.files.activate(stack.id, previousVersion).catch(() => undefined);
        if (input.rollbackTo === undefined) await this.tools.files.dropVersion(stack.id, version);
        throw e;
      }
    });
  }

  async start(actor: AuthenticatedUser, id: number, endpointId?: number): Promise<StackResponse> {
    return this.lock.run(`stack:${id}`, async () => {
      const { stack, control } = await this.manageable(actor, id, endpointId);
      if (stack.status === ACTIVE)
        throw new BadRequestError('Stack is already active', `Stack ${stack.name}`);
      const registries = await this.registryAuths(actor, stack.environmentId);
      const log = await this.runDeploy(stack.id, () =>
        this.tools.deployer.deploy(this.targetOf(stack), {
          prune: parseOptions(stack.options).Prune,
          registries,
          onProgress: this.progress.sink(stack.id),
        }),
      );
      await this.stacks.update({ id: stack.id }, { status: ACTIVE, lastDeployLog: log });
      return this.toResponse({ ...stack, status: ACTIVE, lastDeployLog: log }, control);
    });
  }

  async stop(actor: AuthenticatedUser, id: number, endpointId?: number): Promise<StackResponse> {
    return this.lock.run(`stack:${id}`, async () => {
      const { stack, control } = await this.manageable(actor, id, endpointId);
      if (stack.status === INACTIVE)
        throw new BadRequestError('Stack is already inactive', `Stack ${stack.name}`);
      await this.tools.deployer.remove(this.targetOf(stack));
      await this.stacks.update({ id: stack.id }, { status: INACTIVE });
      return this.toResponse({ ...stack, status: INACTIVE }, control);
    });
  }

  async delete(actor: AuthenticatedUser, id: number, endpointId?: number): Promise<void> {
    await this.lock.run(`stack:${id}`, async () => {
      const { stack } = await this.manageable(actor, id, endpointId);
      if (stack.status === ACTIVE && (await this.environments.exists(stack.environmentId)))
        await this.tools.deployer.remove(this.targetOf(stack));
      await this.stacks.delete({ id: stack.id });
      await this.controls.deleteFor(
        stack.environmentId,
        ResourceControlType.Stack,
        stackResourceId(stack.environmentId, stack.name),
      );
      await this.tools.files.remove(stack.id);
      if (stack.gitConfig) {
        this.gitHooks?.removed(stack.id);
        await rm(this.git.workDir('stacks', stack.id), { recursive: true, force: true });
      }
    });
  }

  /** `DELETE /api/stacks/{name}?external=true&endpointId=`: a stack Capstan did not create. */
  async deleteExternal(
    actor: AuthenticatedUser,
    name: string,
    endpointId: number,
    type: number,
  ): Promise<void> {
    const { env, access } = await this.environments.accessFor(actor, endpointId);
    this.assertMayManageStacks(actor, env, access, Permission.ResourcesManageAll);
    if (await this.stacks.existsBy({ environmentId: endpointId, name }))
      throw new BadRequestError('The stack has a record', 'Delete it by its id');
    await this.tools.deployer.removeProject(endpointId, type, name);
  }

  /** Recreates the stack on another environment, then removes it from the first. */
  async migrate(
    actor: AuthenticatedUser,
    id: number,
    endpointId: number | undefined,
    input: { EndpointID: number; SwarmID?: string; Name?: string },
  ): Promise<StackResponse> {
    return this.lock.run(`stack:${id}`, async () => {
      const { stack, control } = await this.manageable(actor, id, endpointId);
      const { env: targetEnv, access: targetAccess } = await this.environments.accessFor(
        actor,
        input.EndpointID,
      );
      this.assertMayManageStacks(actor, targetEnv, targetAccess, Permission.ResourcesCreate);
      let name = stack.name;
      if (input.Name !== undefined) {
        const n = checkStackName(input.Name);
        if (!n.ok) throw new BadRequestError('Invalid stack name', n.reason);
        name = n.name;
      }
      if (input.EndpointID === stack.environmentId && name === stack.name)
        throw new BadRequestError('Nothing to migrate', 'Choose another environment or name');
      if (await this.stacks.existsBy({ environmentId: input.EndpointID, name }))
        throw new ConflictError(`A stack with the normalized name '${name}' already exists`, `Stack ${name}`);
      const swarmId = stack.type === STACK_SWARM ? await this.swarmIdOf(targetEnv) : '';
      const moved = { ...stack, environmentId: input.EndpointID, name, swarmId };
      const registries = await this.registryAuths(actor, input.EndpointID);
      const log = await this.runDeploy(stack.id, () =>
        this.tools.deployer.deploy(this.targetOf(moved), {
          registries,
          onProgress: this.progress.sink(stack.id),
        }),
      );
      if (stack.status === ACTIVE && (await this.environments.exists(stack.environmentId)))
        await this.tools.deployer.remove(this.targetOf(stack)).catch(() => undefined);
      await this.stacks.update(
        { id: stack.id },
        { environmentId: input.EndpointID, name, swarmId, status: ACTIVE, lastDeployLog: log },
      );
      await this.controls.deleteFor(
        stack.environmentId,
        ResourceControlType.Stack,
        stackResourceId(stack.environmentId, stack.name),
      );
      const rc = await this.controls.createPrivate(
        input.EndpointID,
        ResourceControlType.Stack,
        stackResourceId(input.EndpointID, name),
        stack.createdByUserId ?? actor.id,
      );
      void control;
      return this.toResponse({ ...moved, status: ACTIVE, lastDeployLog: log }, rc);
    });
  }

  /** Administrators: re-attach an orphaned stack (its environment was deleted) to an environment. */
  async associate(
    actor: AuthenticatedUser,
    id: number,
    endpointId: number,
    swarmId: string | undefined,
    orphanedRunning: boolean,
  ): Promise<StackResponse> {
    if (actor.role !== UserRole.Administrator)
      throw new ForbiddenError('Access denied to resource', 'Only administrators associate orphaned stacks');
    return this.lock.run(`stack:${id}`, async () => {
      const stack = await this.entity(id);
      if (await this.environments.exists(stack.environmentId))
        throw new BadRequestError(
          'The stack is not orphaned',
          `Its environment ${stack.environmentId} exists`,
        );
      const env = await this.environments.view(endpointId);
      if (await this.stacks.existsBy({ environmentId: endpointId, name: stack.name }))
        throw new ConflictError(
          `A stack with the normalized name '${stack.name}' already exists`,
          `Stack ${stack.name}`,
        );
      const sw = stack.type === STACK_SWARM ? (swarmId ?? (await this.swarmIdOf(env))) : '';
      const status = orphanedRunning ? ACTIVE : INACTIVE;
      await this.stacks.update({ id }, { environmentId: endpointId, swarmId: sw, status });
      const rc = await this.controls.createPrivate(
        endpointId,
        ResourceControlType.Stack,
        stackResourceId(endpointId, stack.name),
        stack.createdByUserId ?? actor.id,
      );
      return this.toResponse({ ...stack, environmentId: endpointId, swarmId: sw, status }, rc);
    });
  }

  /**
   * Start-up: deploys the server was killed in the middle of. A stack never confirmed ('create') is taken down and
   * its record and files removed — as if the create had failed; an interrupted update is deployed again at the
   * version its record names, so the engine runs what the record says. Each in the stack's lock, in the background.
   */
  async recoverInterrupted(): Promise<void> {
    const rows = await this.stacks.find({
      where: [{ pending: 'create' }, { pending: 'adopt' }, { pending: 'update' }],
    });
    for (const stack of rows) {
      await this.lock
        .run(`stack:${stack.id}`, async () => {
          if (stack.pending === 'adopt') {
            // The project was running before: it stays; only the unconfirmed record goes.
            await this.stacks.delete({ id: stack.id });
            await this.tools.files.remove(stack.id);
            return;
          }
          if (!(await this.environments.exists(stack.environmentId))) return;
          if (stack.pending === 'create') {
            await this.tools.deployer.remove(this.targetOf(stack)).catch(() => undefined);
            await this.stacks.delete({ id: stack.id });
            await this.tools.files.remove(stack.id);
            return;
          }
          await this.tools.files.activate(stack.id, stack.fileVersion);
          for (const v of await this.tools.files.versions(stack.id))
            if (v > stack.fileVersion) await this.tools.files.dropVersion(stack.id, v);
          if (stack.status === ACTIVE) {
            const log = await this.runDeploy(stack.id, () =>
              this.tools.deployer.deploy(this.targetOf(stack), {
                prune: parseOptions(stack.options).Prune,
                onProgress: this.progress.sink(stack.id),
              }),
            );
            await this.stacks.update({ id: stack.id }, { lastDeployLog: log });
          }
          await this.stacks.update({ id: stack.id }, { pending: '' });
        })
        .catch(() => undefined);
    }
  }

  // ---------- for the git side (StackGitService) and drift

  /** Runs `work` in the stack's lock (one operation per stack at a time). */
  inStackLock<T>(id: number, work: () => Promise<T>): Promise<T> {
    return this.lock.run(`stack:${id}`, work);
  }

  /** The record, or 404. */
  record(id: number): Promise<StackEntity> {
    return this.entity(id);
  }

  /** Git stacks with an auto-update (interval or webhook), for restoring their jobs. */
  autoUpdated(): Promise<StackEntity[]> {
    return this.stacks.find({ where: { autoUpdate: Not(IsNull()) }, order: { id: 'ASC' } });
  }

  /** The git stack whose AutoUpdate.Webhook is `uuid`. */
  async byWebhook(uuid: string): Promise<StackEntity | undefined> {
    const rows = await this.stacks.find({ where: { autoUpdate: Like(`%${uuid.toLowerCase()}%`) } });
    return rows.find((s) => parseAutoUpdate(s.autoUpdate)?.Webhook === uuid.toLowerCase());
  }

  /** 409 when another stack uses the webhook id (ids are secrets and keys of the public route). */
  async assertWebhookFree(uuid: string, stackId: number): Promise<void> {
    const other = await this.byWebhook(uuid);
    if (other && other.id !== stackId)
      throw new ConflictError('A webhook with the same identifier already exists', 'Generate another UUID');
  }

  /** Whether the stack's environment exists and its engine answers `/_ping` now. */
  async environmentAnswers(envId: number): Promise<boolean> {
    try {
      const env = await this.environments.view(envId);
      const r = await this.engines.client(this.environments.connectionOf(env, 5000)).call('GET', '/_ping');
      return r.status === 200;
    } catch {
      return false;
    }
  }

  /** The creator of a stack as the server acts for them (jobs, webhooks); undefined when the user is gone. */
  async actingCreator(stack: StackEntity): Promise<AuthenticatedUser | undefined> {
    if (stack.createdByUserId === null) return undefined;
    const info = await this.users.authInfo(stack.createdByUserId);
    return info
      ? {
          id: info.id,
          username: info.username,
          role: info.role,
          isTeamLeader: info.isTeamLeader,
          via: 'api-key',
        }
      : undefined;
  }

  /**
   * Credentials of every registry `actor` may use on the environment (Portainer hands compose all of them):
   * for the deploy's temporary DOCKER_CONFIG. Anonymous registries are left out.
   */
  async registryAuths(actor: AuthenticatedUser, envId: number): Promise<DockerAuthConfig[]> {
    const visible = await this.registries.forEnvironment(actor, envId).catch(() => []);
    const out: DockerAuthConfig[] = [];
    for (const r of visible) {
      const auth = await this.registries.credentialsFor(actor, envId, r.Id).catch(() => undefined);
      if (auth && 'username' in auth && auth.username) out.push(auth as DockerAuthConfig);
    }
    return out;
  }

  /** The stack if `actor` may read it (404 otherwise). */
  readableStack(actor: AuthenticatedUser, id: number): ReturnType<StacksService['readable']> {
    return this.readable(actor, id);
  }

  /** The manage rights of `actor` on the stack (404 unreadable, 403 not theirs), with its environment. */
  manageableStack(
    actor: AuthenticatedUser,
    id: number,
    endpointId: number | undefined,
  ): ReturnType<StacksService['manageable']> {
    return this.manageable(actor, id, endpointId);
  }

  /** The size/YAML/security checks of a stack file for `actor` on the environment. */
  checkStackFile(
    actor: AuthenticatedUser,
    env: EnvironmentView,
    access: EnvironmentAccess,
    content: string,
  ): void {
    this.checkFile(actor, env, access, content);
  }

  /** Access of `actor` on the environment (for the checks of background runs). */
  accessOn(actor: AuthenticatedUser, envId: number): ReturnType<EnvironmentsService['accessFor']> {
    return this.environments.accessFor(actor, envId);
  }

  /** A deploy with its progress published and its log kept (see runDeploy). */
  deployWithLog(
    stackId: number,
    work: (onProgress: (line: string) => void) => Promise<{ lines: string[] }>,
  ): Promise<string> {
    return this.runDeploy(stackId, () => work(this.progress.sink(stackId)));
  }

  /** Saves changed columns of a stack. */
  async saveRecord(id: number, changes: Partial<StackEntity>): Promise<void> {
    await this.stacks.update({ id }, changes);
  }

  /** The response of a stack for `actor`'s view (with its control). */
  async respond(stack: StackEntity): Promise<StackResponse> {
    return this.toResponse(stack, await this.controlOf(stack));
  }

  now(): number {
    return this.clock.now();
  }

  // ---------- for the git module

  /** The deploy target of a stack (files relative to its project directory). */
  targetOf(
    stack: Pick<
      StackEntity,
      'id' | 'name' | 'type' | 'environmentId' | 'entryPoint' | 'additionalFiles' | 'env' | 'gitConfig'
    >,
  ): DeployTarget {
    return {
      name: stack.name,
      type: stack.type,
      environmentId: stack.environmentId,
      // A git stack runs in its checkout, so the repository's relative paths (env files, build contexts) resolve.
      projectPath: stack.gitConfig
        ? this.git.workDir('stacks', stack.id)
        : this.tools.files.projectPath(stack.id),
      files: [stack.entryPoint, ...(JSON.parse(stack.additionalFiles) as string[])],
      env: parseEnv(stack.env),
    };
  }

  // ---------- helpers

  /** Runs a deploy with its progress collected; the collected lines become the stack's last deploy log. */
  private async runDeploy(stackId: number, work: () => Promise<{ lines: string[] }>): Promise<string> {
    this.progress.begin(stackId);
    try {
      const r = await work();
      return r.lines.join('\n');
    } catch (e) {
      const lines = this.progress.current(stackId) ?? [];
      const log = [...lines, e instanceof Error ? e.message : String(e)].join('\n');
      await this.stacks.update({ id: stackId }, { lastDeployLog: log }).catch(() => undefined);
      throw e;
    } finally {
      this.progress.end(stackId);
    }
  }

  private assertMayManageStacks(
    actor: AuthenticatedUser,
    env: EnvironmentView,
    access: EnvironmentAccess,
    permission: Permission,
  ): void {
    if (!access.can(permission))
      throw new ForbiddenError(
        'Access denied to resource',
        'Your role on this environment cannot deploy stacks',
      );
    if (this.isRegular(actor, access) && !env.security.allowStackManagementForRegularUsers)
      throw new ForbiddenError(
        'Access denied to resource',
        'Stack management is disabled for non-administrator users on this environment',
      );
  }

  private isRegular(actor: AuthenticatedUser, access: EnvironmentAccess): boolean {
    return actor.role !== UserRole.Administrator && !access.can(Permission.ResourcesManageAll);
  }

  /** Size, YAML and, for non-administrators, the environment's security toggles — before anything runs. */
  private checkFile(
    actor: AuthenticatedUser,
    env: EnvironmentView,
    access: EnvironmentAccess,
    content: string,
  ): string {
    if (typeof content !== 'string' || content.trim() === '')
      throw new BadRequestError('Invalid stack file content', 'StackFileContent is empty');
    if (Buffer.byteLength(content) > MAX_STACK_FILE)
      throw new PayloadTooLargeError(
        'Stack file too large',
        `A stack file is at most ${MAX_STACK_FILE} bytes`,
      );
    const parsed = parseComposeFile(content);
    if (!parsed.ok) throw new BadRequestError('Invalid stack file content', parsed.reason);
    if (this.isRegular(actor, access)) {
      const hit = composeSecurityViolation(parsed.file, env.security);
      if (hit)
        throw new ForbiddenError(
          `Forbidden to use ${hit.what}`,
          `Service "${hit.service}": the environment's security settings do not allow this for regular users`,
        );
    }
    return content;
  }

  private async entity(id: number): Promise<StackEntity> {
    const stack = await this.stacks.findOneBy({ id });
    if (!stack) throw new NotFoundError(NOT_FOUND, `No stack ${id}`);
    return stack;
  }

  private async controlOf(stack: StackEntity): Promise<ResourceControlBody | undefined> {
    const index = await this.controls.index(stack.environmentId);
    return index.find(ResourceControlType.Stack, stackResourceId(stack.environmentId, stack.name), null);
  }

  private async accessOrNull(actor: AuthenticatedUser, envId: number): Promise<EnvironmentAccess | null> {
    try {
      return (await this.environments.accessFor(actor, envId)).access;
    } catch {
      return null;
    }
  }

  private async readable(
    actor: AuthenticatedUser,
    id: number,
  ): Promise<{ stack: StackEntity; control: ResourceControlBody | undefined }> {
    const stack = await this.entity(id);
    const control = await this.controlOf(stack);
    if (actor.role === UserRole.Administrator) return { stack, control };
    const access = await this.accessOrNull(actor, stack.environmentId);
    if (!access || !access.may(Permission.ResourcesRead, { control }))
      throw new NotFoundError(NOT_FOUND, `No stack ${id}`);
    return { stack, control };
  }

  private async manageable(
    actor: AuthenticatedUser,
    id: number,
    endpointId: number | undefined,
  ): Promise<{
    stack: StackEntity;
    control: ResourceControlBody | undefined;
    env: EnvironmentView;
    access: EnvironmentAccess;
  }> {
    const { stack, control } = await this.readable(actor, id);
    if (endpointId !== undefined && endpointId !== stack.environmentId)
      throw new BadRequestError(
        'Invalid endpointId',
        `Stack ${id} belongs to environment ${stack.environmentId}`,
      );
    const { env, access } = await this.environments.accessFor(actor, stack.environmentId);
    this.assertMayManageStacks(actor, env, access, Permission.ResourcesManageOwned);
    if (!access.may(Permission.ResourcesManageOwned, { control }))
      throw new ForbiddenError('Access denied to resource', 'Only the owners of this stack can change it');
    return { stack, control, env, access };
  }

  private async swarmIdOf(env: EnvironmentView): Promise<string> {
    const answer = await this.reach(() =>
      this.engines.client(this.environments.connectionOf(env, ENGINE_TIMEOUT_MS)).call('GET', '/swarm'),
    );
    const id = (answer.body as { ID?: unknown } | undefined)?.ID;
    if (answer.status !== 200 || typeof id !== 'string')
      throw new BadRequestError(
        'The environment is not a Swarm manager',
        'Swarm stacks need a Swarm manager',
      );
    return id;
  }

  /** Compose projects (container labels) and Swarm stacks (service labels) running on the environment. */
  private async projectsOn(env: EnvironmentView): Promise<Map<string, number>> {
    const client = this.engines.client(this.environments.connectionOf(env, ENGINE_TIMEOUT_MS));
    const out = new Map<string, number>();
    const containers = await this.reach(() =>
      client.call(
        'GET',
        `/containers/json?all=1&filters=${encodeURIComponent(JSON.stringify({ label: [COMPOSE_PROJECT] }))}`,
      ),
    );
    if (containers.status === 200 && Array.isArray(containers.body))
      for (const c of containers.body as { Labels?: Record<string, string> }[]) {
        const p = c.Labels?.[COMPOSE_PROJECT];
        if (p) out.set(p, STACK_COMPOSE);
      }
    const services = await client
      .call('GET', `/services?filters=${encodeURIComponent(JSON.stringify({ label: [STACK_NAMESPACE] }))}`)
      .catch(() => undefined);
    if (services?.status === 200 && Array.isArray(services.body))
      for (const s of services.body as { Spec?: { Labels?: Record<string, string> } }[]) {
        const p = s.Spec?.Labels?.[STACK_NAMESPACE];
        if (p) out.set(p, STACK_SWARM);
      }
    return out;
  }

  private async projectExists(env: EnvironmentView, name: string): Promise<boolean> {
    return (await this.projectsOn(env)).has(name);
  }

  private async external(
    actor: AuthenticatedUser,
    envId: number,
    known: StackEntity[],
  ): Promise<StackResponse[]> {
    const access = await this.accessOrNull(actor, envId);
    if (!access) return [];
    const env = await this.environments.view(envId);
    const projects = await this.projectsOn(env).catch(() => new Map<string, number>());
    const names = new Set(known.filter((s) => s.environmentId === envId).map((s) => s.name));
    const out: StackResponse[] = [];
    for (const [name, type] of [...projects].sort((a, b) => a[0].localeCompare(b[0]))) {
      if (names.has(name)) continue;
      const control = (await this.controls.index(envId)).find(
        ResourceControlType.Stack,
        stackResourceId(envId, name),
        null,
      );
      if (actor.role !== UserRole.Administrator && !access.may(Permission.ResourcesRead, { control }))
        continue;
      out.push({
        Id: 0,
        Name: name,
        Type: type,
        EndpointId: envId,
        SwarmId: '',
        EntryPoint: '',
        Env: [],
        ResourceControl: control,
        Status: ACTIVE,
        ProjectPath: '',
        CreationDate: 0,
        CreatedBy: '',
        UpdateDate: 0,
        UpdatedBy: '',
        AdditionalFiles: [],
        AutoUpdate: null,
        GitConfig: null,
        Option: { Prune: false },
        FromAppTemplate: false,
        Namespace: '',
        External: true,
      });
    }
    return out;
  }

  private reach<T>(call: () => Promise<T>): Promise<T> {
    return reachEngine(call);
  }

  toResponse(s: StackEntity, control: ResourceControlBody | undefined): StackResponse {
    return {
      Id: s.id,
      Name: s.name,
      Type: s.type,
      EndpointId: s.environmentId,
      SwarmId: s.swarmId,
      EntryPoint: s.entryPoint,
      Env: parseEnv(s.env),
      ...(control ? { ResourceControl: control } : {}),
      Status: s.status,
      ProjectPath: this.tools.files.projectPath(s.id),
      CreationDate: Math.floor(Number(s.createdAt) / 1000),
      CreatedBy: s.createdBy,
      UpdateDate: Math.floor(Number(s.updatedAt) / 1000),
      UpdatedBy: s.updatedBy,
      AdditionalFiles: JSON.parse(s.additionalFiles) as string[],
      AutoUpdate: parseAutoUpdate(s.autoUpdate),
      // Never the git password: the username only.
      GitConfig: gitConfigView(s.gitConfig),
      Option: parseOptions(s.options),
      FromAppTemplate: s.fromAppTemplate,
      Namespace: '',
      FileVersion: s.fileVersion,
    };
  }
}

/** An engine call whose transport failure is a 502 naming the engine (not a 500). */
export async function reachEngine<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw new BadGatewayError(
      'Unable to reach the Docker engine',
      e instanceof Error ? e.message : String(e),
    );
  }
}

/** The columns of a stack that a successful redeploy sets (file update and git redeploy alike). */
export function deployedColumns(d: {
  version: number;
  vars: readonly StackEnvVar[];
  prune: boolean;
  log: string;
  at: number;
  by: string;
}): Partial<StackEntity> {
  return {
    fileVersion: d.version,
    env: JSON.stringify(d.vars),
    options: JSON.stringify({ Prune: d.prune }),
    status: ACTIVE,
    lastDeployLog: d.log,
    pending: '',
    updatedAt: d.at,
    updatedBy: d.by,
  };
}

export function parseAutoUpdate(json: string | null): StackAutoUpdate | null {
  if (!json) return null;
  try {
    return JSON.parse(json) as StackAutoUpdate;
  } catch {
    return null;
  }
}

export function parseEnv(json: string): StackEnvVar[] {
  try {
    return JSON.parse(json) as StackEnvVar[];
  } catch {
    return [];
  }
}

export function parseOptions(json: string): { Prune: boolean } {
  try {
    return { Prune: (JSON.parse(json) as { Prune?: boolean }).Prune === true };
  } catch {
    return { Prune: false };
  }
}

/** Variable names as the shell allows them (compose interpolates `${NAME}`); values are free text. */
export function checkEnv(vars: readonly StackEnvVar[]): StackEnvVar[] {
  if (vars.length > 500) throw new BadRequestError('Invalid Env', 'At most 500 variables');
  const seen = new Set<string>();
  for (const v of vars) {
    if (typeof v.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(v.name))
      throw new BadRequestError('Invalid Env', `Invalid variable name "${String(v.name)}"`);
    if (typeof v.value !== 'string')
      throw new BadRequestError('Invalid Env', `Value of ${v.name} is not a string`);
    if (v.value.includes('\0')) throw new BadRequestError('Invalid Env', `Value of ${v.name} contains NUL`);
    if (seen.has(v.name)) throw new BadRequestError('Invalid Env', `Variable ${v.name} given twice`);
    seen.add(v.name);
  }
  return vars.map((v) => ({ name: v.name, value: v.value }));
}
