/**
 * Debounced work per key (an environment's snapshot after changes made through Capstan): a burst of requests
 * runs the work once, `quietMs` after the last one, or `maxWaitMs` after the first while they keep coming. One
 * run per key at a time; a request during a run runs it again afterwards, so the last change is always seen.
 */
export class RefreshScheduler<K> {
  private readonly pending = new Map<K, { timer: NodeJS.Timeout; first: number }>();
  private readonly running = new Map<K, { again: boolean }>();
  private stopped = false;

  constructor(
    private readonly run: (key: K) => Promise<void>,
    private readonly options: { quietMs: number; maxWaitMs: number; now?: () => number },
  ) {}

  /** Never waits: the work happens later. */
  request(key: K): void {
    if (this.stopped) return;
    const active = this.running.get(key);
    if (active) {
      active.again = true;
      return;
    }
    const now = this.now();
    const first = this.pending.get(key)?.first ?? now;
    this.cancel(key);
    const delay = Math.max(0, Math.min(this.options.quietMs, first + this.options.maxWaitMs - now));
    const timer = setTimeout(() => void this.fire(key), delay);
    timer.unref();
    this.pending.set(key, { timer, first });
  }

  cancel(key: K): void {
    const entry = this.pending.get(key);
    if (entry) clearTimeout(entry.timer);
    this.pending.delete(key);
  }

  stop(): void {
    this.stopped = true;
    for (const key of [...this.pending.keys()]) this.cancel(key);
  }

  private async fire(key: K): Promise<void> {
    this.pending.delete(key);
    const state = { again: false };
    this.running.set(key, state);
    try {
      await this.run(key);
    } catch {
      // the work reports its own failures
    } finally {
      this.running.delete(key);
    }
    if (state.again) this.request(key);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
