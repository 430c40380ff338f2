import { Injectable } from '@nestjs/common';
import type { EdgeSchedule } from '@capstan/contracts-agent';

/** The part of one environment's poll answer a contributor fills (edge stacks, edge jobs). */
export interface EdgePollContribution {
  readonly stacks?: readonly { ID: number; Version: number }[];
  readonly schedules?: readonly EdgeSchedule[];
}

/** A module that adds to the poll answer. `contribute` is called only when the cached answer was dropped. */
export interface EdgePollContributor {
  contribute(environmentId: number): Promise<EdgePollContribution>;
}

/**
 * The poll's extension point: edge compute modules (stacks, jobs) register what they add to an environment's
 * answer and say when it changed (`changed(ids)` drops those cached answers, `changed()` all of them), so the
 * unchanged poll stays a 304 from memory. The edge module itself knows nothing of stacks or jobs.
 */
@Injectable()
export class EdgePollContributors {
  private readonly contributors: EdgePollContributor[] = [];
  private readonly listeners: ((ids: readonly number[] | undefined) => void)[] = [];

  register(contributor: EdgePollContributor): void {
    this.contributors.push(contributor);
  }

  /** What contributors changed for these environments (all when `ids` is undefined). */
  changed(ids?: readonly number[]): void {
    for (const l of this.listeners) l(ids);
  }

  onChanged(listener: (ids: readonly number[] | undefined) => void): void {
    this.listeners.push(listener);
  }

  /** Everything contributed for one environment; `stacks` and `schedules` are concatenated in id order. */
  async collect(
    environmentId: number,
  ): Promise<{ stacks: { ID: number; Version: number }[]; schedules: EdgeSchedule[] }> {
    const parts = await Promise.all(this.contributors.map((c) => c.contribute(environmentId)));
    return {
      stacks: parts.flatMap((p) => p.stacks ?? []).sort((a, b) => a.ID - b.ID),
      schedules: parts.flatMap((p) => p.schedules ?? []).sort((a, b) => a.Id - b.Id),
    };
  }
}
