import { Injectable, inject } from '@angular/core';

import { ApiClient, unwrap } from '../api/api-client';
import type { components } from '../api/schema';

type Schemas = components['schemas'];
export type EdgeGroup = Schemas['EdgeGroupListItemResponse'];
export type EdgeStack = Schemas['EdgeStackResponse'];
export type EdgeStackEnvironmentStatus = Schemas['EdgeStackEnvironmentStatus'];

/** Portainer's EdgeStackStatusType numbers, as words. */
export const EDGE_STACK_STATUS: Readonly<Record<number, string>> = {
  0: 'Pending',
  1: 'Deployment received',
  2: 'Error',
  3: 'Acknowledged',
  4: 'Removed',
  5: 'Remote update success',
  6: 'Images pulled',
  7: 'Running',
  8: 'Deploying',
  9: 'Removing',
  10: 'Paused',
  11: 'Rolling back',
  12: 'Rolled back',
  13: 'Completed',
};
export const EDGE_STACK_ERROR = 2;
export const EDGE_STACK_RUNNING = 7;

export interface EdgeGroupInput {
  name: string;
  dynamic: boolean;
  tagIds: readonly number[];
  environmentIds: readonly number[];
  partialMatch: boolean;
}

export interface EdgeStackInput {
  name: string;
  content: string;
  groupIds: readonly number[];
}

/** One device's state for a stack: its last report (Pending when it has not reported) and the version it is about. */
export interface EdgeDeviceState {
  environmentId: number;
  type: number;
  label: string;
  error: string;
  time: number;
  version: number;
}

/** The last report per environment of a stack, newest state first by failure. */
export function edgeDeviceStates(stack: EdgeStack): EdgeDeviceState[] {
  return Object.values(stack.Status)
    .map((s) => {
      const last = s.Status[s.Status.length - 1] ?? { Type: 0, Error: '', Time: 0 };
      return {
        environmentId: s.EndpointID,
        type: last.Type,
        label: EDGE_STACK_STATUS[last.Type] ?? String(last.Type),
        error: last.Error,
        time: last.Time,
        version: s.DeploymentInfo.Version,
      };
    })
    .sort((a, b) => a.environmentId - b.environmentId);
}

/** Edge groups and edge stacks (`/api/edge_groups`, `/api/edge_stacks`; server-edge-compute README). */
@Injectable({ providedIn: 'root' })
export class EdgeComputeApi {
  private readonly client = inject(ApiClient);

  groups(): Promise<EdgeGroup[]> {
    return unwrap(this.client.raw.GET('/api/edge_groups'));
  }

  async createGroup(input: EdgeGroupInput): Promise<void> {
    await unwrap(
      this.client.raw.POST('/api/edge_groups', {
        body: {
          Name: input.name.trim(),
          Dynamic: input.dynamic,
          TagIDs: input.dynamic ? [...input.tagIds] : [],
          Endpoints: input.dynamic ? [] : [...input.environmentIds],
          PartialMatch: input.dynamic && input.partialMatch,
        },
      }),
    );
  }

  async removeGroup(id: number): Promise<void> {
    await unwrap(this.client.raw.DELETE('/api/edge_groups/{id}', { params: { path: { id } } }));
  }

  stacks(): Promise<EdgeStack[]> {
    return unwrap(this.client.raw.GET('/api/edge_stacks'));
  }

  createStack(input: EdgeStackInput): Promise<EdgeStack> {
    return unwrap(
      this.client.raw.POST('/api/edge_stacks/create/{method}', {
        params: { path: { method: 'string' } },
        body: { Name: input.name.trim(), StackFileContent: input.content, EdgeGroups: [...input.groupIds] },
      }),
    );
  }

  async updateStack(id: number, content: string): Promise<EdgeStack> {
    return unwrap(
      this.client.raw.PUT('/api/edge_stacks/{id}', {
        params: { path: { id } },
        body: { StackFileContent: content },
      }),
    );
  }

  async removeStack(id: number): Promise<void> {
    await unwrap(this.client.raw.DELETE('/api/edge_stacks/{id}', { params: { path: { id } } }));
  }
}
