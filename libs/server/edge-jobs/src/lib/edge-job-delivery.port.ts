import type { EdgeSchedule } from '@capstan/contracts-agent';

/** What this module adds to one environment's poll answer. */
export interface EdgeJobContributor {
  contribute(environmentId: number): Promise<{ schedules: EdgeSchedule[] }>;
}

/**
 * Delivery to standard edge agents: the edge module's poll-contribution hook (the `schedules` field) and its
 * cache invalidation. A port so the service is unit-tested without the poll.
 */
export abstract class EdgeJobDeliveryPort {
  abstract register(contributor: EdgeJobContributor): void;
  /** These environments' poll answers changed (all when undefined). */
  abstract changed(environmentIds?: readonly number[]): void;
}

/** Checks that a call comes from the edge agent of this environment (edge id, Capstan's poll secret). */
export abstract class EdgeJobAgentsPort {
  abstract authenticate(
    environmentId: number,
    edgeId: string | undefined,
    secret: string | undefined,
  ): Promise<void>;
}

/** A job as an async agent receives it (`edgeJob` command value, agent protocol §5.10). */
export interface EdgeJobCommandValue {
  ID: number;
  CollectLogs: boolean;
  LogsStatus: number;
  CronExpression: string;
  /** base64 without padding. */
  ScriptFileContent: string;
  Version: number;
}

/**
 * Delivery to async agents: the edge module's command queue (`edgeJob` commands) and the job logs they report in
 * their snapshots (`jobsStatus`).
 */
export abstract class EdgeJobAsyncPort {
  abstract isAsync(environmentId: number): boolean;
  abstract send(
    environmentId: number,
    op: 'add' | 'replace' | 'remove',
    value: EdgeJobCommandValue,
    summary: string,
  ): Promise<void>;
  abstract onJobLogs(
    listener: (environmentId: number, logs: { jobId: number; content: string }[]) => void,
  ): void;
}
