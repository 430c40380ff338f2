import { type Signal, signal } from '@angular/core';
import type { DeployWatchHandle, StacksApi } from '@capstan/portal-data-access';

/** Pause before following again: the deploy had not begun yet, or the stack's id is not known yet. */
export const DEPLOY_RETRY_MS = 300;
/** How long the last log may take to arrive once the deploy's request has answered. */
export const DEPLOY_FINAL_MS = 3000;

/**
 * Compose's output of a deploy, followed over the progress WebSocket (`StacksApi.watchDeploy`) while the deploy's
 * request runs. Each connection sends the lines written so far and then the new ones, so the shown log is the
 * current connection's lines. A connection that ends while the request still runs (the deploy had not begun, or
 * has just ended) is opened again. During a create the stack's id is not known until its record exists: `find`
 * resolves it first. `stop()` reads the final log once more over the socket.
 */
export class DeployWatch {
  private readonly logState = signal('');
  readonly log: Signal<string> = this.logState.asReadonly();
  private readonly liveState = signal(false);
  /** True while a connection is open during a deploy (the portal says "live"). */
  readonly live: Signal<boolean> = this.liveState.asReadonly();
  private active = false;
  private generation = 0;
  private socket: DeployWatchHandle | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly api: StacksApi,
    private readonly find: () => Promise<number | null>,
  ) {}

  /** Starts following (the deploy's request is about to be sent). */
  start(): void {
    this.halt();
    this.active = true;
    this.logState.set('');
    void this.follow(this.generation, null);
  }

  /** The request answered: stop following and show the deploy's final log (the last log the server kept). */
  async stop(): Promise<void> {
    this.active = false;
    this.halt();
    const generation = this.generation;
    const id = await this.find().catch(() => null);
    if (!id || generation !== this.generation) return;
    await new Promise<void>((resolve) => {
      const lines: string[] = [];
      const timer = setTimeout(() => finish(), DEPLOY_FINAL_MS);
      const finish = (show = false) => {
        clearTimeout(timer);
        handle.close();
        if (show && lines.length && generation === this.generation) this.logState.set(lines.join('\n'));
        resolve();
      };
      const handle = this.api.watchDeploy(id, {
        line: (text) => lines.push(text),
        done: () => finish(true),
        failed: () => finish(),
      });
    });
  }

  /** Closes everything (the page goes away). */
  dispose(): void {
    this.active = false;
    this.halt();
  }

  private halt(): void {
    this.generation++;
    this.socket?.close();
    this.socket = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.liveState.set(false);
  }

  private async follow(generation: number, known: number | null): Promise<void> {
    const id = known ?? (await this.find().catch(() => null));
    if (generation !== this.generation || !this.active) return;
    if (!id) return this.retry(generation, null);
    const lines: string[] = [];
    const again = () => {
      this.socket = null;
      this.liveState.set(false);
      if (generation === this.generation && this.active) this.retry(generation, id);
    };
    this.socket = this.api.watchDeploy(id, {
      line: (text) => {
        if (generation !== this.generation) return;
        this.liveState.set(true);
        lines.push(text);
        this.logState.set(lines.join('\n'));
      },
      done: again,
      failed: again,
    });
  }

  private retry(generation: number, id: number | null): void {
    this.timer = setTimeout(() => void this.follow(generation, id), DEPLOY_RETRY_MS);
  }
}

/** A watch for a stack being created: its id is found by name in the environment's list once its record exists. */
export function watchNewStack(api: StacksApi, envId: () => number, name: () => string): DeployWatch {
  return new DeployWatch(api, async () => {
    const wanted = name().trim().toLowerCase();
    const list = await api.list(envId());
    return list.find((s) => !s.External && s.Name === wanted)?.Id ?? null;
  });
}

/** Runs a deploy's request while `watch` follows its output; the final log shows whatever the outcome. */
export async function watched<T>(watch: DeployWatch, run: () => Promise<T>): Promise<T> {
  watch.start();
  try {
    return await run();
  } finally {
    await watch.stop();
  }
}
