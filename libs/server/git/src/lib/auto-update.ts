import type { GitRemote } from './git-client';

/** What a git-backed deployment (a stack) has deployed, read fresh before every check. */
export interface GitDeployment {
  remote: GitRemote;
  reference: string;
  /** The commit deployed last (Portainer's `GitConfig.ConfigHash`). */
  deployedCommit: string;
  /** Redeploy even when the remote commit is unchanged (Portainer's `AutoUpdate.ForceUpdate`). */
  forceUpdate: boolean;
}

/** The deployments' side, implemented by their owner (stacks): the updater holds no entity. */
export abstract class GitRedeployPort {
  /** The deployment's git state now; null when it is gone or no longer auto-updated. */
  abstract load(id: number): Promise<GitDeployment | null>;
  /** Whether its environment answers now (a check against a down environment is skipped). */
  abstract environmentUp(id: number): Promise<boolean>;
  /** Pulls `commit` and redeploys; resolves when the deploy has settled. */
  abstract redeploy(id: number, commit: string, trigger: UpdateTrigger): Promise<void>;
}

/** Reads the remote's commit for a reference (`GitClient.latestCommit`). */
export interface CommitSource {
  latestCommit(remote: GitRemote, reference: string): Promise<string>;
}

export type UpdateTrigger = 'interval' | 'webhook';

export type CheckOutcome = 'updated' | 'unchanged' | 'busy' | 'environment-down' | 'gone' | 'failed';

export interface CheckResult {
  outcome: CheckOutcome;
  commit?: string;
  error?: string;
}

export interface GitAutoUpdaterOptions {
  /** How many checks run their git command at once, whatever the number of deployments (default 8). */
  concurrency?: number;
  /** Told about every failed check (the deploy's own log keeps the details). */
  onFailure?: (id: number, error: unknown) => void;
}

/**
 * Auto-update of git deployments: a timer per deployment (its interval), one check at a time per deployment
 * (a check while one runs is `busy`, not queued), a global bound on concurrent git commands, and the rules:
 * environment down → skip; remote commit equal to the deployed one → skip unless forced; else redeploy.
 * Webhooks call `check(id, 'webhook')` through the same rules. `restore()` reinstates the jobs at start-up.
 */
export class GitAutoUpdater {
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private readonly running = new Set<number>();
  private readonly waiting: (() => void)[] = [];
  private active = 0;
  private readonly concurrency: number;

  constructor(
    private readonly port: GitRedeployPort,
    private readonly commits: CommitSource,
    private readonly options: GitAutoUpdaterOptions = {},
  ) {
    this.concurrency = Math.max(1, options.concurrency ?? 8);
  }

  /** (Re)starts the deployment's job every `intervalMs`. */
  schedule(id: number, intervalMs: number): void {
    this.unschedule(id);
    const timer = setInterval(() => void this.check(id, 'interval'), intervalMs);
    timer.unref();
    this.timers.set(id, timer);
  }

  unschedule(id: number): void {
    const timer = this.timers.get(id);
    if (timer) clearInterval(timer);
    this.timers.delete(id);
  }

  /** Start-up: the jobs of every auto-updated deployment. */
  restore(jobs: readonly { id: number; intervalMs: number }[]): void {
    for (const job of jobs) this.schedule(job.id, job.intervalMs);
  }

  scheduled(): number[] {
    return [...this.timers.keys()];
  }

  isRunning(id: number): boolean {
    return this.running.has(id);
  }

  stop(): void {
    for (const id of [...this.timers.keys()]) this.unschedule(id);
  }

  /** One pass over every scheduled deployment (what the timers do over an interval), for operators and benchmarks. */
  async checkAll(): Promise<Map<number, CheckResult>> {
    const ids = this.scheduled();
    const results = await Promise.all(ids.map((id) => this.check(id, 'interval')));
    return new Map(ids.map((id, i) => [id, results[i]]));
  }

  /** Checks one deployment now and redeploys it when the rules say so. Never throws. */
  async check(id: number, trigger: UpdateTrigger): Promise<CheckResult> {
    if (this.running.has(id)) return { outcome: 'busy' };
    this.running.add(id);
    try {
      const deployment = await this.port.load(id);
      if (!deployment) {
        this.unschedule(id);
        return { outcome: 'gone' };
      }
      if (!(await this.port.environmentUp(id))) return { outcome: 'environment-down' };
      const commit = await this.bounded(() =>
        this.commits.latestCommit(deployment.remote, deployment.reference),
      );
      if (commit === deployment.deployedCommit && !deployment.forceUpdate)
        return { outcome: 'unchanged', commit };
      await this.port.redeploy(id, commit, trigger);
      return { outcome: 'updated', commit };
    } catch (error) {
      this.options.onFailure?.(id, error);
      return { outcome: 'failed', error: error instanceof Error ? error.message : String(error) };
    } finally {
      this.running.delete(id);
    }
  }

  private async bounded<T>(work: () => Promise<T>): Promise<T> {
    // A finishing check hands its slot to the next waiting one, so the bound holds exactly.
    if (this.active < this.concurrency) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
