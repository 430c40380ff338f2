import type { EdgeMember } from '@capstan/server-environments';

/** A group as membership needs it. */
export interface GroupRule {
  readonly id: number;
  readonly dynamic: boolean;
  readonly partialMatch: boolean;
  readonly tagIds: readonly number[];
  /** Static groups: the environments listed. */
  readonly environmentIds: readonly number[];
}

/**
 * Which edge environments each group holds. Static: the listed ones that are (still) edge environments. Dynamic:
 * edge environments whose tags (own plus their environment group's) contain all of the group's tags, or any of
 * them with PartialMatch. A dynamic group without tags holds nothing.
 */
export function membership(
  groups: readonly GroupRule[],
  members: readonly EdgeMember[],
): Map<number, number[]> {
  const edge = new Set(members.map((m) => m.id));
  const out = new Map<number, number[]>();
  for (const g of groups) {
    if (!g.dynamic) {
      out.set(
        g.id,
        g.environmentIds.filter((id) => edge.has(id)).sort((a, b) => a - b),
      );
      continue;
    }
    if (g.tagIds.length === 0) {
      out.set(g.id, []);
      continue;
    }
    out.set(
      g.id,
      members
        .filter((m) => {
          const has = new Set(m.tagIds);
          return g.partialMatch ? g.tagIds.some((t) => has.has(t)) : g.tagIds.every((t) => has.has(t));
        })
        .map((m) => m.id)
        .sort((a, b) => a - b),
    );
  }
  return out;
}
