import { randomUUID } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  BadRequestError,
  CAPSTAN_CONFIG,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ServiceUnavailableError,
  TooManyRequestsError,
  UnprocessableError,
  type AuthenticatedUser,
  type CapstanConfig,
} from '@capstan/server-core';
import {
  GitAutoUpdater,
  GitRedeployPort,
  GitService,
  GitWebhookCommand,
  checkReference,
  type CheckResult,
  type GitDeployment,
  type UpdateTrigger,
} from '@capstan/server-git';
import { UserRole } from '@capstan/contracts-api';
import { WindowCounter } from '@capstan/server-webhooks';
import type { StackResponse } from './dto/stacks.dto';
import type { StackEntity } from './entities/stack.entity';
import type { StackEnvVar } from './deploy-runner';
import {
  bodyGetter,
  envList,
  intervalMs,
  readAutoUpdate,
  readCredentials,
  type StackAutoUpdate,
  type StoredGitConfig,
} from './git-source';
import {
  StackTools,
  StacksService,
  checkEnv,
  deployedColumns,
  parseAutoUpdate,
  parseEnv,
  parseOptions,
} from './stacks.service';

const ACTIVE = 1;

/** What a git redeploy may change (`PUT /api/stacks/{id}/git/redeploy`, webhooks, auto-update). */
export interface GitRedeployInput {
  reference?: string;
  /** New credentials; undefined keeps the stored ones, null drops them. */
  credentials?: { username: string; password: string } | null;
  env?: readonly StackEnvVar[];
  prune?: boolean;
  pullImage?: boolean;
}

/**
 * Git stacks after creation: their settings (`POST /api/stacks/{id}/git`), a pull and redeploy
 * (`PUT /api/stacks/{id}/git/redeploy`), the public webhook (`POST /api/stacks/webhooks/{uuid}`) and the
 * auto-update jobs — `GitAutoUpdater` of the git lib with this service as its port. Jobs run as the stack's creator
 * (their registries, their security rules), are restored at start-up, and a run is skipped when the environment
 * does not answer or the remote commit is the deployed one (unless ForceUpdate).
 */
@Injectable()
export class StackGitService
  extends GitRedeployPort
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly log = new Logger('StackGit');
  readonly updater: GitAutoUpdater;
  private readonly dataDir: string;
  /** The public webhook's limits, as the service webhooks': unknown or malformed ids per client, triggers per id. */
  private readonly misses = new WindowCounter(20, 60_000);
  private readonly perWebhook = new WindowCounter(10, 60_000);

  constructor(
    private readonly stacks: StacksService,
    private readonly git: GitService,
    private readonly tools: StackTools,
    @Inject(CAPSTAN_CONFIG) config: CapstanConfig,
  ) {
    super();
    this.dataDir = config.dataDir;
    this.updater = new GitAutoUpdater(this, git, {
      onFailure: (id, e) =>
        this.log.warn(`auto-update of stack ${id}: ${e instanceof Error ? e.message : String(e)}`),
    });
    this.stacks.gitHooks = {
      changed: (id) => void this.reschedule(id),
      removed: (id) => this.updater.unschedule(id),
    };
  }

  /** Start-up: every interval job back. */
  async onApplicationBootstrap(): Promise<void> {
    const rows = await this.stacks.autoUpdated().catch(() => []);
    const jobs: { id: number; intervalMs: number }[] = [];
    for (const s of rows) {
      const ms = intervalMs(parseAutoUpdate(s.autoUpdate));
      if (ms !== undefined && s.gitConfig) jobs.push({ id: s.id, intervalMs: ms });
    }
    this.updater.restore(jobs);
    if (jobs.length) this.log.log(`restored ${jobs.length} git auto-update job(s)`);
  }

  onApplicationShutdown(): void {
    this.updater.stop();
  }

  private async reschedule(id: number): Promise<void> {
    const stack = await this.stacks.record(id).catch(() => undefined);
    const ms = stack?.gitConfig ? intervalMs(parseAutoUpdate(stack.autoUpdate)) : undefined;
    if (ms === undefined) this.updater.unschedule(id);
    else this.updater.schedule(id, ms);
  }

  // ---------- routes

  /**
   * `POST /api/stacks/{id}/git`: reference, credentials, TLS, AutoUpdate, Env, Prune. The new reference and
   * credentials are tried (`ls-remote`) before anything is stored; the job restarts. No redeploy (as Portainer).
   */
  async updateSettings(
    actor: AuthenticatedUser,
    id: number,
    endpointId: number | undefined,
    body: unknown,
  ): Promise<StackResponse> {
    const get = bodyGetter(body);
    return this.stacks.inStackLock(id, async () => {
      const { stack } = await this.stacks.manageableStack(actor, id, endpointId);
      const cfg = gitConfigOf(stack);
      const reference =
        get('RepositoryReferenceName') === undefined
          ? cfg.ReferenceName
          : checkReference(get('RepositoryReferenceName'));
      const tls = get('TLSSkipVerify');
      const tlsSkipVerify = typeof tls === 'boolean' ? tls : cfg.TLSSkipVerify;
      const auth = this.credentialsFrom(get, cfg);
      const autoUpdate = readAutoUpdate(get('AutoUpdate'), String(stack.id));
      if (autoUpdate?.Webhook) await this.stacks.assertWebhookFree(autoUpdate.Webhook, stack.id);
      const env =
        get('Env') === undefined || get('Env') === null ? parseEnv(stack.env) : checkEnv(envList(get('Env')));
      const prune =
        typeof get('Prune') === 'boolean' ? (get('Prune') as boolean) : parseOptions(stack.options).Prune;
      // The settings must reach the repository: wrong credentials or an unknown reference are refused here.
      await this.git.latestCommit(this.git.remote(cfg.URL, auth, tlsSkipVerify), reference);
      const next: StoredGitConfig = {
        ...cfg,
        ReferenceName: reference,
        TLSSkipVerify: tlsSkipVerify,
        ...(auth ? { Authentication: auth } : {}),
      };
      if (!auth) delete next.Authentication;
      const changes: Partial<StackEntity> = {
        gitConfig: JSON.stringify(next),
        autoUpdate: autoUpdate ? JSON.stringify(autoUpdate) : null,
        env: JSON.stringify(env),
        options: JSON.stringify({ Prune: prune }),
        updatedAt: this.stacks.now(),
        updatedBy: actor.username,
      };
      await this.stacks.saveRecord(stack.id, changes);
      await this.reschedule(stack.id);
      return this.stacks.respond({ ...stack, ...changes });
    });
  }

  /** `PUT /api/stacks/{id}/git/redeploy`: pull the reference (or another one) and redeploy now. */
  async redeployRoute(
    actor: AuthenticatedUser,
    id: number,
    endpointId: number | undefined,
    body: unknown,
  ): Promise<StackResponse> {
    const get = bodyGetter(body ?? {});
    const ref = get('RepositoryReferenceName');
    const input: GitRedeployInput = {
      ...(ref === undefined || ref === null || ref === '' ? {} : { reference: checkReference(ref) }),
      ...(get('RepositoryAuthentication') === undefined ? {} : { credentials: readCredentials(get) ?? null }),
      ...(get('Env') === undefined || get('Env') === null ? {} : { env: checkEnv(envList(get('Env'))) }),
      ...(typeof get('Prune') === 'boolean' ? { prune: get('Prune') as boolean } : {}),
      ...(typeof get('PullImage') === 'boolean' ? { pullImage: get('PullImage') as boolean } : {}),
    };
    // Keep the stored password when the client sends the username only (Portainer's form does).
    if (input.credentials === null && get('RepositoryAuthentication') === true) delete input.credentials;
    return this.stacks.inStackLock(id, async () => {
      await this.stacks.manageableStack(actor, id, endpointId);
      return this.redeployLocked(actor, id, input);
    });
  }

  /**
   * The public webhook: the stack whose AutoUpdate.Webhook is `uuid` is checked now and redeployed when its
   * remote commit changed (or ForceUpdate), as its creator, pulling images when ForcePullImage. Malformed id 400,
   * unknown 404, a run of that stack already going 409, environment down 503, a failed pull/deploy 422.
   */
  async webhook(uuid: string, client: string): Promise<CheckResult> {
    const now = Date.now();
    const miss = (e: Error): Error => {
      const wait = this.misses.hit(client, now);
      return wait > 0 ? new TooManyRequestsError('Too many requests', wait) : e;
    };
    let webhookId: string;
    try {
      webhookId = GitWebhookCommand.parse({ webhookId: uuid }).webhookId;
    } catch (e) {
      throw miss(e as Error);
    }
    const stack = await this.stacks.byWebhook(webhookId);
    if (!stack?.gitConfig)
      throw miss(new NotFoundError('Unable to find the stack by webhook ID', 'Unknown webhook'));
    const wait = this.perWebhook.hit(webhookId, now);
    if (wait > 0) throw new TooManyRequestsError('Too many requests for this webhook', wait);
    if (stack.status !== ACTIVE)
      throw new ConflictError('The stack is stopped', 'Start it before redeploying it from its webhook');
    const result = await this.updater.check(stack.id, 'webhook');
    if (result.outcome === 'busy')
      throw new ConflictError('A redeploy of this stack is running', 'Try again when it has finished');
    if (result.outcome === 'environment-down')
      throw new ServiceUnavailableError('The environment is down', 'The stack was not redeployed');
    if (result.outcome === 'gone')
      throw new NotFoundError('Unable to find the stack by webhook ID', 'Unknown webhook');
    if (result.outcome === 'failed')
      throw new UnprocessableError('Unable to redeploy the stack', result.error ?? '');
    return result;
  }

  /**
   * Capstan, administrators: one auto-update pass over every interval job now (what the timers do over an
   * interval) — for operators after an outage, and for the benchmark (tools/bench/git-autoupdate.mjs).
   */
  async checkAllNow(actor: AuthenticatedUser): Promise<Record<string, number>> {
    if (actor.role !== UserRole.Administrator)
      throw new ForbiddenError('Access denied to resource', 'Only administrators run an auto-update pass');
    const started = Date.now();
    const results = await this.updater.checkAll();
    const out: Record<string, number> = { Checked: results.size };
    for (const r of results.values()) out[r.outcome] = (out[r.outcome] ?? 0) + 1;
    out['DurationMs'] = Date.now() - started;
    return out;
  }

  // ---------- the updater's port

  async load(id: number): Promise<GitDeployment | null> {
    const stack = await this.stacks.record(id).catch(() => undefined);
    const auto = stack ? parseAutoUpdate(stack.autoUpdate) : null;
    if (!stack?.gitConfig || !auto) return null;
    const cfg = gitConfigOf(stack);
    return {
      remote: this.git.remote(cfg.URL, cfg.Authentication, cfg.TLSSkipVerify),
      reference: cfg.ReferenceName,
      deployedCommit: cfg.ConfigHash,
      forceUpdate: auto.ForceUpdate,
    };
  }

  async environmentUp(id: number): Promise<boolean> {
    const stack = await this.stacks.record(id).catch(() => undefined);
    // A stopped stack is skipped like a down environment: its job stays for when it is started again.
    if (!stack || stack.status !== ACTIVE) return false;
    return this.stacks.environmentAnswers(stack.environmentId);
  }

  async redeploy(id: number, commit: string, trigger: UpdateTrigger): Promise<void> {
    await this.stacks.inStackLock(id, async () => {
      const stack = await this.stacks.record(id);
      // Re-read in the lock: the settings may have changed while the check ran (interval off, another redeploy).
      const now = stack.gitConfig ? parseAutoUpdate(stack.autoUpdate) : null;
      if (!now || (trigger === 'interval' && !now.Interval)) return;
      if (!now.ForceUpdate && gitConfigOf(stack).ConfigHash === commit) return;
      const actor = await this.stacks.actingCreator(stack);
      if (!actor)
        throw new ConflictError(
          'The stack author no longer exists',
          `Stack ${stack.name} has no creator to act as`,
        );
      const auto: StackAutoUpdate | null = parseAutoUpdate(stack.autoUpdate);
      await this.redeployLocked(actor, id, { pullImage: auto?.ForcePullImage === true });
    });
  }

  // ---------- the redeploy

  /**
   * In the stack's lock: checkout of the reference into a staging dir (git failures: 400, nothing changed), the
   * files checked for `actor`, the checkout swapped in, a new version stored, validate + deploy. A failed deploy
   * puts the previous checkout and version back; the record moves to the new commit only on success.
   */
  private async redeployLocked(
    actor: AuthenticatedUser,
    id: number,
    input: GitRedeployInput,
  ): Promise<StackResponse> {
    const stack = await this.stacks.record(id);
    const cfg = gitConfigOf(stack);
    const reference = input.reference ?? cfg.ReferenceName;
    const auth =
      input.credentials === undefined
        ? cfg.Authentication
        : input.credentials === null
          ? undefined
          : this.git.seal(input.credentials.username, input.credentials.password);
    const additional = JSON.parse(stack.additionalFiles) as string[];
    const paths = [stack.entryPoint, ...additional];
    const staging = join(this.dataDir, 'tmp', `stack-git-${randomUUID()}`);
    const dir = this.git.workDir('stacks', stack.id);
    const previous = `${dir}.previous-${randomUUID()}`;
    let swapped = false;
    let version = 0;
    try {
      const checkout = await this.git.checkoutInto(
        this.git.remote(cfg.URL, auth, cfg.TLSSkipVerify),
        reference,
        paths,
        staging,
      );
      const { env, access } = await this.stacks.accessOn(actor, stack.environmentId);
      for (const f of checkout.files) this.stacks.checkStackFile(actor, env, access, f.content);
      const vars = input.env ?? parseEnv(stack.env);
      const prune = input.prune ?? parseOptions(stack.options).Prune;
      version = Math.max(0, ...(await this.tools.files.versions(stack.id))) + 1;
      await rename(dir, previous).catch(() => undefined);
      await rename(staging, dir);
      swapped = true;
      await this.tools.files.write(stack.id, version, checkout.files);
      const target = this.stacks.targetOf({ ...stack, env: JSON.stringify(vars) });
      await this.stacks.saveRecord(stack.id, { pending: 'update' });
      await this.tools.deployer.validate(target);
      const registries = await this.stacks.registryAuths(actor, stack.environmentId);
      const log = await this.stacks.deployWithLog(stack.id, (onProgress) =>
        this.tools.deployer.deploy(target, {
          prune,
          pullImage: input.pullImage === true,
          registries,
          onProgress,
        }),
      );
      const next: StoredGitConfig = { ...cfg, ReferenceName: reference, ConfigHash: checkout.commit };
      if (auth) next.Authentication = auth;
      else delete next.Authentication;
      const changes: Partial<StackEntity> = {
        gitConfig: JSON.stringify(next),
        ...deployedColumns({ version, vars, prune, log, at: this.stacks.now(), by: actor.username }),
      };
      await this.stacks.saveRecord(stack.id, changes);
      await rm(previous, { recursive: true, force: true });
      return this.stacks.respond({ ...stack, ...changes });
    } catch (e) {
      if (swapped) {
        await rm(dir, { recursive: true, force: true });
        await rename(previous, dir).catch(() => undefined);
        await this.stacks.saveRecord(stack.id, { pending: '' }).catch(() => undefined);
        await this.tools.files.activate(stack.id, stack.fileVersion).catch(() => undefined);
        if (version) await this.tools.files.dropVersion(stack.id, version).catch(() => undefined);
      }
      throw e;
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  /** Credentials of a settings change: new ones, the stored ones (password left empty), or none. */
  private credentialsFrom(
    get: (k: string) => unknown,
    cfg: StoredGitConfig,
  ): StoredGitConfig['Authentication'] {
    const use = get('RepositoryAuthentication');
    if (use === undefined) return cfg.Authentication;
    if (use !== true) return undefined;
    const password = get('RepositoryPassword');
    const username =
      typeof get('RepositoryUsername') === 'string' ? (get('RepositoryUsername') as string) : '';
    if ((password === undefined || password === '') && cfg.Authentication)
      return { ...cfg.Authentication, username: username || cfg.Authentication.username };
    const c = readCredentials(get);
    return c ? this.git.seal(c.username, c.password) : undefined;
  }
}

function gitConfigOf(stack: StackEntity): StoredGitConfig {
  if (!stack.gitConfig)
    throw new BadRequestError('The stack is not deployed from git', `Stack ${stack.name} has no repository`);
  return JSON.parse(stack.gitConfig) as StoredGitConfig;
}
