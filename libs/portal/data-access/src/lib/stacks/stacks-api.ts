import { Injectable, inject } from '@angular/core';

import { ApiClient, unwrap } from '../api/api-client';
import type { components } from '../api/schema';

export type Stack = components['schemas']['StackResponse'];
export type StackEnvVar = components['schemas']['StackEnvDto'];
export type StackVersions = components['schemas']['StackVersionsResponse'];
export type StackDeployLog = components['schemas']['StackDeployLogResponse'];

/** Portainer's stack types and statuses. */
export const STACK_SWARM = 1;
export const STACK_COMPOSE = 2;
export const STACK_ACTIVE = 1;
export const STACK_INACTIVE = 2;

export interface StackCreate {
  name: string;
  content: string;
  env: readonly StackEnvVar[];
  /** Set: a Swarm stack on that cluster; unset: a compose stack. */
  swarmId?: string;
}

export interface StackUpdate {
  content: string;
  env: readonly StackEnvVar[];
  prune: boolean;
  pullImage: boolean;
}

/** Stacks (`/api/stacks`, server-stacks README): list, inspect, file, versions, deploy log, lifecycle. */
@Injectable({ providedIn: 'root' })
export class StacksApi {
  private readonly client = inject(ApiClient);

  /** The stacks of one environment, with those made outside Capstan (`External`, `Id: 0`). */
  list(envId: number): Promise<Stack[]> {
    const filters = JSON.stringify({ EndpointID: envId });
    return unwrap(this.client.raw.GET('/api/stacks', { params: { query: { filters } } }));
  }

  get(id: number): Promise<Stack> {
    return unwrap(this.client.raw.GET('/api/stacks/{id}', { params: { path: { id } } }));
  }

  /** The entry file, or a stored version of it. */
  async file(id: number, version?: number): Promise<string> {
    const query = version === undefined ? {} : { version: String(version) };
    const body = await unwrap(
      this.client.raw.GET('/api/stacks/{id}/file', { params: { path: { id }, query } }),
    );
    return body.StackFileContent;
  }

  versions(id: number): Promise<StackVersions> {
    return unwrap(this.client.raw.GET('/api/stacks/{id}/versions', { params: { path: { id } } }));
  }

  deployLog(id: number): Promise<StackDeployLog> {
    return unwrap(this.client.raw.GET('/api/stacks/{id}/deploy-log', { params: { path: { id } } }));
  }

  create(envId: number, form: StackCreate): Promise<Stack> {
    const type = form.swarmId ? 'swarm' : 'standalone';
    return unwrap(
      this.client.raw.POST('/api/stacks/create/{type}/{method}', {
        params: { path: { type, method: 'string' }, query: { endpointId: String(envId) } },
        body: {
          Name: form.name,
          StackFileContent: form.content,
          Env: [...form.env],
          ...(form.swarmId ? { SwarmID: form.swarmId } : {}),
        },
      }),
    );
  }

  update(stack: Stack, form: StackUpdate): Promise<Stack> {
    return unwrap(
      this.client.raw.PUT('/api/stacks/{id}', {
        params: { path: { id: stack.Id }, query: { endpointId: String(stack.EndpointId) } },
        body: {
          StackFileContent: form.content,
          Env: [...form.env],
          Prune: form.prune,
          PullImage: form.pullImage,
        },
      }),
    );
  }

  rollback(stack: Stack, version: number): Promise<Stack> {
    return unwrap(
      this.client.raw.PUT('/api/stacks/{id}', {
        params: { path: { id: stack.Id }, query: { endpointId: String(stack.EndpointId) } },
        body: { RollbackTo: version },
      }),
    );
  }

  start(stack: Stack): Promise<Stack> {
    return unwrap(
      this.client.raw.POST('/api/stacks/{id}/start', {
        params: { path: { id: stack.Id }, query: { endpointId: String(stack.EndpointId) } },
      }),
    );
  }

  stop(stack: Stack): Promise<Stack> {
    return unwrap(
      this.client.raw.POST('/api/stacks/{id}/stop', {
        params: { path: { id: stack.Id }, query: { endpointId: String(stack.EndpointId) } },
      }),
    );
  }

  /** Removes what runs and the record; a stack made outside Capstan is removed by name. */
  async remove(stack: Stack): Promise<void> {
    const endpointId = String(stack.EndpointId);
    const request = stack.External
      ? {
          params: {
            path: { id: stack.Name },
            query: { endpointId, external: 'true', type: String(stack.Type) },
          },
        }
      : { params: { path: { id: String(stack.Id) }, query: { endpointId } } };
    await unwrap(this.client.raw.DELETE('/api/stacks/{id}', request));
  }
}

/** Rows of a name/value editor as the API's env list: blank names dropped. */
export function stackEnv(rows: readonly { key: string; value: string }[]): StackEnvVar[] {
  return rows.filter((r) => r.key.trim()).map((r) => ({ name: r.key.trim(), value: r.value }));
}

/** What is wrong with a stack's env rows (null when valid), the server's rule. */
export function stackEnvError(rows: readonly { key: string; value: string }[]): string | null {
  const names = new Set<string>();
  for (const r of rows) {
    const name = r.key.trim();
    if (!name) {
      if (r.value) return 'Every variable with a value needs a name.';
      continue;
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      return `${name}: use letters, digits and "_", not starting with a digit.`;
    if (names.has(name)) return `${name} is given twice.`;
    names.add(name);
  }
  return null;
}
