/**
 * What edge jobs need from edge groups (owned by the edge compute module): a check of group ids, the environments
 * in groups now (and the groups of an environment), a word when membership changes, and a say before a group is
 * deleted. A port, so unit tests replace it.
 */
export abstract class EdgeJobGroupsPort {
  /** A 400 naming the ids that are not edge groups. */
  abstract check(ids: readonly number[]): Promise<void>;
  /** The environments in these groups (static members, dynamic matches), deduplicated. */
  abstract environmentIdsOf(groupIds: readonly number[]): Promise<number[]>;
  /** The groups an environment belongs to now. */
  abstract groupIdsOf(environmentId: number): Promise<readonly number[]>;
  abstract onMembershipChange(listener: () => void): void;
  /** Deleting a group in `usedGroupIds()` is refused. */
  abstract registerUsage(usedGroupIds: () => Promise<ReadonlySet<number>>): void;
}
