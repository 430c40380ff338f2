import { Injectable, inject } from '@angular/core';

import { ApiClient, unwrap } from '../api/api-client';
import type { components } from '../api/schema';

export type EdgeJob = components['schemas']['EdgeJobResponse'];
export type EdgeJobTask = components['schemas']['EdgeJobTaskResponse'];
/** The part of an edge group a job's targets need. */
export type EdgeJobGroup = Pick<
  components['schemas']['EdgeGroupListItemResponse'],
  'Id' | 'Name' | 'Endpoints'
>;

/** Portainer's EdgeJobLogsStatus. */
export const EDGE_JOB_LOGS_IDLE = 1;
export const EDGE_JOB_LOGS_PENDING = 2;
export const EDGE_JOB_LOGS_COLLECTED = 3;

/** The server's script limit (64 KiB). */
export const MAX_EDGE_JOB_SCRIPT = 64 * 1024;

export interface EdgeJobForm {
  name: string;
  cronExpression: string;
  recurring: boolean;
  endpoints: readonly number[];
  edgeGroups: readonly number[];
  script: string;
}

export function edgeJobLogsLabel(status: number): string {
  switch (status) {
    case EDGE_JOB_LOGS_PENDING:
      return 'Requested';
    case EDGE_JOB_LOGS_COLLECTED:
      return 'Collected';
    default:
      return 'Not collected';
  }
}

/** Edge jobs (`/api/edge_jobs`, server-edge-jobs README): list, create, update, delete, tasks and their logs. */
@Injectable({ providedIn: 'root' })
export class EdgeJobsApi {
  private readonly client = inject(ApiClient);

  /** The edge groups a job can target (id, name, members). */
  async groups(): Promise<EdgeJobGroup[]> {
    const all = await unwrap(this.client.raw.GET('/api/edge_groups'));
    return all.map((g) => ({ Id: g.Id, Name: g.Name, Endpoints: g.Endpoints }));
  }

  list(): Promise<EdgeJob[]> {
    return unwrap(this.client.raw.GET('/api/edge_jobs'));
  }

  get(id: number): Promise<EdgeJob> {
    return unwrap(this.client.raw.GET('/api/edge_jobs/{id}', { params: { path: { id } } }));
  }

  async script(id: number): Promise<string> {
    const body = await unwrap(this.client.raw.GET('/api/edge_jobs/{id}/file', { params: { path: { id } } }));
    return body.FileContent;
  }

  create(form: EdgeJobForm): Promise<EdgeJob> {
    return unwrap(
      this.client.raw.POST('/api/edge_jobs/create/{method}', {
        params: { path: { method: 'string' } },
        body: {
          Name: form.name,
          CronExpression: form.cronExpression,
          Recurring: form.recurring,
          Endpoints: [...form.endpoints],
          EdgeGroups: [...form.edgeGroups],
          FileContent: form.script,
        },
      }),
    );
  }

  update(id: number, form: EdgeJobForm): Promise<EdgeJob> {
    return unwrap(
      this.client.raw.PUT('/api/edge_jobs/{id}', {
        params: { path: { id } },
        body: {
          Name: form.name,
          CronExpression: form.cronExpression,
          Recurring: form.recurring,
          Endpoints: [...form.endpoints],
          EdgeGroups: [...form.edgeGroups],
          FileContent: form.script,
        },
      }),
    );
  }

  async remove(id: number): Promise<void> {
    await unwrap(this.client.raw.DELETE('/api/edge_jobs/{id}', { params: { path: { id } } }));
  }

  tasks(id: number): Promise<EdgeJobTask[]> {
    return unwrap(this.client.raw.GET('/api/edge_jobs/{id}/tasks', { params: { path: { id } } }));
  }

  /** Asks the device's agent for the log at its next poll. */
  async collectLogs(id: number, environmentId: number): Promise<void> {
    await unwrap(
      this.client.raw.POST('/api/edge_jobs/{id}/tasks/{taskId}/logs', {
        params: { path: { id, taskId: String(environmentId) } },
      }),
    );
  }

  async logs(id: number, environmentId: number): Promise<string> {
    const body = await unwrap(
      this.client.raw.GET('/api/edge_jobs/{id}/tasks/{taskId}/logs', {
        params: { path: { id, taskId: String(environmentId) } },
      }),
    );
    return body.FileContent;
  }

  async clearLogs(id: number, environmentId: number): Promise<void> {
    await unwrap(
      this.client.raw.DELETE('/api/edge_jobs/{id}/tasks/{taskId}/logs', {
        params: { path: { id, taskId: String(environmentId) } },
      }),
    );
  }
}
