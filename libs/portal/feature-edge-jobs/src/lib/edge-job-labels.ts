import { describeEdgeCron } from '@capstan/contracts-api';
import type { EdgeJob } from '@capstan/portal-data-access';

/** "every 5 minutes" for a recurring job; "once, at 14:30 on day 24 … " for a run-once job. */
export function scheduleLabel(job: Pick<EdgeJob, 'CronExpression' | 'Recurring'>): string {
  const words = describeEdgeCron(job.CronExpression) || job.CronExpression;
  return job.Recurring ? words : `once, ${words}`;
}

export function targetsLabel(job: Pick<EdgeJob, 'Endpoints' | 'EdgeGroups'>): string {
  const envs = Object.keys(job.Endpoints).length;
  const groups = job.EdgeGroups.length;
  const parts = [
    envs ? `${envs} environment${envs === 1 ? '' : 's'}` : '',
    groups ? `${groups} edge group${groups === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  return parts.join(', ') || 'none';
}
