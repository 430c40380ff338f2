import { type Signal, signal } from '@angular/core';
import type { StacksApi } from '@capstan/portal-data-access';

/** How often a running deploy's log is read again. */
export const DEPLOY_POLL_MS = 1000;

/**
 * Compose's output of a running deploy, read by polling the stack's deploy log (`GET /api/stacks/{id}/deploy-log`)
 * until `stop()`. During a create the stack's id is not known yet: `find` resolves it (from the list) first.
 */
export class DeployWatch {
  private readonly logState = signal('');
  readonly log: Signal<string> = this.logState.asReadonly();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(
    private readonly api: StacksApi,
    private readonly find: () => Promise<number | null>,
  ) {}

  start(): void {
    this.stopped = false;
    this.logState.set('');
    void this.tick(null);
  }

  /** Stops polling and shows the final log once more (the deploy is over). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const id = await this.find().catch(() => null);
    if (id) await this.read(id);
  }

  private async tick(known: number | null): Promise<void> {
    if (this.stopped) return;
    const id = known ?? (await this.find().catch(() => null));
    if (id) await this.read(id);
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(id), DEPLOY_POLL_MS);
  }

  private async read(id: number): Promise<void> {
    try {
      const { Log } = await this.api.deployLog(id);
      if (Log) this.logState.set(Log);
    } catch {
      // Not readable yet (being created) or gone: keep what was shown.
    }
  }
}
