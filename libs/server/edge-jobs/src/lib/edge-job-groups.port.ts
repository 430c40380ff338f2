/**
 * What edge jobs need from edge groups (owned by the edge compute module): which of some group ids exist, the
 * environments in groups now, and a say before a group is deleted. A port, so jobs work (with environment targets
 * only) before groups exist and so unit tests replace it.
 */
export abstract class EdgeJobGroupsPort {
  /** The ids among `ids` that are edge groups. */
  abstract known(ids: readonly number[]): Promise<number[]>;
  /** The environments in these groups (static members, dynamic matches), deduplicated. */
  abstract environmentIdsOf(groupIds: readonly number[]): Promise<number[]>;
}

/** No edge groups module: every group id is unknown (so a job naming one is refused), no members. */
export class NoEdgeGroups extends EdgeJobGroupsPort {
  known(): Promise<number[]> {
    return Promise.resolve([]);
  }

  environmentIdsOf(): Promise<number[]> {
    return Promise.resolve([]);
  }
}
