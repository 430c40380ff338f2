import type { WritableSignal } from '@angular/core';

/** Adds the id to the signal's set, or removes it when present (checkbox lists of groups, tags, environments). */
export function toggleId(set: WritableSignal<Set<number>>, id: number): void {
  const next = new Set(set());
  if (next.has(id)) next.delete(id);
  else next.add(id);
  set.set(next);
}
