/**
 * Edge check-ins kept in memory and written in batches: an unchanged poll costs no database write (Portainer
 * writes LastCheckInDate at every poll). Flushed every `flushMs` and at shutdown; a crash loses at most one
 * interval of check-in times, which only the heartbeat display reads.
 */
export class CheckIns {
  private pending = new Map<number, number>();
  private readonly latest = new Map<number, number>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly write: (times: ReadonlyMap<number, number>) => Promise<void>,
    private readonly onError: (e: unknown) => void,
  ) {}

  start(flushMs: number): void {
    this.timer = setInterval(() => void this.flush(), flushMs);
    this.timer.unref();
  }

  mark(environmentId: number, at: number): void {
    this.pending.set(environmentId, at);
    this.latest.set(environmentId, at);
  }

  /** The last check-in seen by this process (newer than the stored one between flushes). */
  last(environmentId: number): number | undefined {
    return this.latest.get(environmentId);
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await this.write(batch);
    } catch (e) {
      // Put back what was not written, unless a newer check-in came meanwhile.
      for (const [id, at] of batch) if (!this.pending.has(id)) this.pending.set(id, at);
      this.onError(e);
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }
}
