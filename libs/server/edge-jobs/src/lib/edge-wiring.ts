import { Injectable } from '@nestjs/common';
import { EdgeAgents, EdgeCommands, EdgeModes, EdgePollContributors } from '@capstan/server-edge';
import { EdgeGroupsService } from '@capstan/server-edge-compute';
import {
  EdgeJobAgentsPort,
  EdgeJobAsyncPort,
  EdgeJobDeliveryPort,
  type EdgeJobCommandValue,
  type EdgeJobContributor,
} from './edge-job-delivery.port';
import { EdgeJobGroupsPort } from './edge-job-groups.port';

/** Standard delivery: the edge module's poll contributors (the `schedules` field) and its cache. */
@Injectable()
export class PollDelivery extends EdgeJobDeliveryPort {
  constructor(private readonly contributors: EdgePollContributors) {
    super();
  }

  register(contributor: EdgeJobContributor): void {
    this.contributors.register(contributor);
  }

  changed(environmentIds?: readonly number[]): void {
    this.contributors.changed(environmentIds);
  }
}

/** The edge module's authentication of agent calls (edge id bound to the environment, trusted, poll secret). */
@Injectable()
export class EdgeModuleAgents extends EdgeJobAgentsPort {
  constructor(private readonly agents: EdgeAgents) {
    super();
  }

  async authenticate(
    environmentId: number,
    edgeId: string | undefined,
    secret: string | undefined,
  ): Promise<void> {
    await this.agents.authenticate(environmentId, edgeId, secret);
  }
}

/** Edge groups from the edge compute module. */
@Injectable()
export class ComputeEdgeGroups extends EdgeJobGroupsPort {
  constructor(private readonly groups: EdgeGroupsService) {
    super();
  }

  async check(ids: readonly number[]): Promise<void> {
    await this.groups.checkGroups(ids, false);
  }

  environmentIdsOf(groupIds: readonly number[]): Promise<number[]> {
    return this.groups.environmentIdsOf(groupIds);
  }

  groupIdsOf(environmentId: number): Promise<readonly number[]> {
    return this.groups.groupIdsOf(environmentId);
  }

  onMembershipChange(listener: () => void): void {
    this.groups.onMembershipChange(listener);
  }

  registerUsage(usedGroupIds: () => Promise<ReadonlySet<number>>): void {
    this.groups.registerUsage({ kind: 'job', usedGroupIds });
  }
}

/** Async delivery: `edgeJob` commands through the edge module's queue; `jobsStatus` reports back. */
@Injectable()
export class CommandDelivery extends EdgeJobAsyncPort {
  constructor(
    private readonly modes: EdgeModes,
    private readonly commands: EdgeCommands,
  ) {
    super();
  }

  isAsync(environmentId: number): boolean {
    return this.modes.isAsync(environmentId);
  }

  async send(
    environmentId: number,
    op: 'add' | 'replace' | 'remove',
    value: EdgeJobCommandValue,
    summary: string,
  ): Promise<void> {
    await this.commands.enqueue(environmentId, 'edgeJob', value, {
      operation: op,
      path: `/edgejobs/${value.ID}`,
      summary,
    });
  }

  onJobLogs(listener: (environmentId: number, logs: { jobId: number; content: string }[]) => void): void {
    this.commands.onAgentReport((environmentId, report) => {
      const logs = Object.values(report.jobsStatus ?? {})
        .filter((j) => Number.isInteger(j?.JobID) && typeof j?.LogFileContent === 'string')
        .map((j) => ({ jobId: j.JobID, content: j.LogFileContent }));
      if (logs.length) listener(environmentId, logs);
    });
  }
}
