/**
 * Fixed-window counters for the public trigger: per client address (guessing tokens) and per token (a leaked
 * URL hammered, or a CI loop). Memory stays bounded: a full map is cleared (the windows are short).
 */
export class WindowCounter {
  private readonly hits = new Map<string, { count: number; start: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Counts one hit; returns the seconds to wait when over the limit, else 0. */
  hit(key: string, now: number): number {
    let entry = this.hits.get(key);
    if (!entry || now - entry.start >= this.windowMs) {
      if (!entry && this.hits.size >= this.maxKeys) this.hits.clear();
      entry = { count: 0, start: now };
      this.hits.set(key, entry);
    }
    entry.count += 1;
    if (entry.count <= this.limit) return 0;
    return Math.max(1, Math.ceil((entry.start + this.windowMs - now) / 1000));
  }
}
