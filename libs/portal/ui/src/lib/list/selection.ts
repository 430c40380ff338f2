import { computed, signal } from '@angular/core';

/**
 * Which rows of a list are selected, by key (an id): the state behind row checkboxes, "select all" and bulk
 * actions. Keys of rows that left the list stay selected until `retain` (after a reload) or `clear`.
 */
export class Selection<K> {
  private readonly keys = signal<ReadonlySet<K>>(new Set());

  /** The selected keys (a new set on every change). */
  readonly selected = this.keys.asReadonly();
  readonly size = computed(() => this.keys().size);

  has(key: K): boolean {
    return this.keys().has(key);
  }

  toggle(key: K, on: boolean): void {
    this.keys.update((s) => {
      const next = new Set(s);
      if (on) next.add(key);
      else next.delete(key);
      return next;
    });
  }

  /** Adds (on) or removes (off) several keys at once (a shift-click range, the rows a bulk action removed). */
  setMany(keys: readonly K[], on: boolean): void {
    this.keys.update((s) => {
      const next = new Set(s);
      for (const k of keys) {
        if (on) next.add(k);
        else next.delete(k);
      }
      return next;
    });
  }

  /** Selects exactly `keys` (on) or nothing (off). */
  setAll(keys: readonly K[], on: boolean): void {
    this.keys.set(on ? new Set(keys) : new Set());
  }

  /** Whether every one of `keys` is selected (false for none). */
  allOf(keys: readonly K[]): boolean {
    const s = this.keys();
    return keys.length > 0 && keys.every((k) => s.has(k));
  }

  /** Keeps only the keys still present (after a reload). */
  retain(keys: readonly K[]): void {
    const present = new Set(keys);
    this.keys.update((s) => new Set([...s].filter((k) => present.has(k))));
  }

  clear(): void {
    this.keys.set(new Set());
  }
}
