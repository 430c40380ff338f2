import { Injectable, inject } from '@angular/core';
import { EndpointCreationType } from '@capstan/contracts-api';

import { ApiClient, unwrap } from '../api/api-client';
import { ApiError } from '../api/api-error';
import type { components } from '../api/schema';
import type {
  BatchDeleteResult,
  Environment,
  EnvironmentGroup,
  EnvironmentPage,
  EnvironmentQuery,
  EnvironmentRole,
  EnvironmentTag,
  EnvironmentUpdate,
  GroupInput,
  LocalEngine,
  NewEnvironment,
  SecuritySettings,
  SnapshotOutcome,
} from './environment.models';

type Schemas = components['schemas'];

const idList = (ids: readonly number[] | undefined): string | undefined =>
  ids && ids.length > 0 ? JSON.stringify(ids) : undefined;

function headerCount(response: Response, name: string): number | undefined {
  const value = Number.parseInt(response.headers.get(name) ?? '', 10);
  return Number.isFinite(value) ? value : undefined;
}

/** Environments, their groups and tags, the environment roles, snapshots (`/api/endpoints*`, Portainer's routes). */
@Injectable({ providedIn: 'root' })
export class EnvironmentsApi {
  private readonly client = inject(ApiClient);

  // Environments

  /** One page of environments and the total (`X-Total-Count`). */
  async list(query: EnvironmentQuery = {}): Promise<EnvironmentPage> {
    const result = await this.client.raw.GET('/api/endpoints', {
      params: {
        query: {
          start: query.start || undefined,
          limit: query.limit || undefined,
          search: query.search?.trim() || undefined,
          groupIds: idList(query.groupIds),
          tagIds: idList(query.tagIds),
          types: idList(query.types),
          status: idList(query.status),
          sort: query.sort,
          order: query.order,
        },
      },
    });
    if (!result.response.ok) throw ApiError.from(result.response, result.error);
    const items = result.data ?? [];
    const total = headerCount(result.response, 'X-Total-Count') ?? items.length;
    return { items, total, available: headerCount(result.response, 'X-Total-Available') ?? total };
  }

  get(id: number): Promise<Environment> {
    return unwrap(this.client.raw.GET('/api/endpoints/{id}', { params: { path: { id } } }));
  }

  /**
   * Portainer's multipart form (TLS files as file parts). The server pings the engine before storing
   * anything: an unreachable engine or bad TLS material comes back as an `ApiError` with its reason.
   */
  create(input: NewEnvironment): Promise<Environment> {
    const form = new FormData();
    form.set('Name', input.name.trim());
    form.set(
      'EndpointCreationType',
      String(input.agent ? EndpointCreationType.Agent : EndpointCreationType.LocalDocker),
    );
    form.set('ContainerEngine', input.engine);
    form.set('URL', input.url.trim());
    if (input.groupId) form.set('GroupID', String(input.groupId));
    if (input.tagIds?.length) form.set('TagIds', JSON.stringify(input.tagIds));
    if (input.publicUrl?.trim()) form.set('PublicURL', input.publicUrl.trim());
    if (input.tls) {
      form.set('TLS', 'true');
      form.set('TLSSkipVerify', String(input.tls.skipVerify));
      if (input.tls.ca) form.set('TLSCACertFile', input.tls.ca, 'ca.pem');
      if (input.tls.cert) form.set('TLSCertFile', input.tls.cert, 'cert.pem');
      if (input.tls.key) form.set('TLSKeyFile', input.tls.key, 'key.pem');
    }
    return unwrap(
      this.client.raw.POST('/api/endpoints', {
        // openapi-fetch sends FormData as is (the browser sets the multipart boundary).
        body: form as unknown as Schemas['CreateEnvironmentForm'],
      }),
    );
  }

  update(id: number, body: EnvironmentUpdate): Promise<Environment> {
    return unwrap(
      this.client.raw.PUT('/api/endpoints/{id}', {
        params: { path: { id } },
        // The generated type cannot express the `{ "<id>": { RoleId } }` maps.
        body: body as Schemas['UpdateEnvironmentDto'],
      }),
    );
  }

  updateSecuritySettings(id: number, body: Partial<SecuritySettings>): Promise<Environment> {
    return unwrap(this.client.raw.PUT('/api/endpoints/{id}/settings', { params: { path: { id } }, body }));
  }

  async remove(id: number): Promise<void> {
    await unwrap(this.client.raw.DELETE('/api/endpoints/{id}', { params: { path: { id } } }));
  }

  /** Each id on its own: some may fail while others are deleted. */
  removeMany(ids: readonly number[]): Promise<BatchDeleteResult> {
    return unwrap(
      this.client.raw.DELETE('/api/endpoints', { body: { endpoints: ids.map((id) => ({ id })) } }),
    );
  }

  /** Snapshot every environment now; one outcome per environment. */
  snapshotAll(): Promise<SnapshotOutcome[]> {
    return unwrap(this.client.raw.POST('/api/endpoints/snapshot'));
  }

  async snapshot(id: number): Promise<void> {
    await unwrap(this.client.raw.POST('/api/endpoints/{id}/snapshot', { params: { path: { id } } }));
  }

  /** Administrators: whether this host's Docker or Podman socket answers (first-run offer). */
  localEngine(): Promise<LocalEngine> {
    return unwrap(this.client.raw.GET('/api/endpoints/local-engine'));
  }

  // Groups

  groups(): Promise<EnvironmentGroup[]> {
    return unwrap(this.client.raw.GET('/api/endpoint_groups'));
  }

  createGroup(name: string, description = '', tagIds: number[] = []): Promise<EnvironmentGroup> {
    return unwrap(
      this.client.raw.POST('/api/endpoint_groups', {
        body: { Name: name.trim(), Description: description, TagIDs: tagIds },
      }),
    );
  }

  updateGroup(id: number, body: GroupInput): Promise<EnvironmentGroup> {
    return unwrap(
      this.client.raw.PUT('/api/endpoint_groups/{id}', {
        params: { path: { id } },
        body: body as Schemas['UpdateGroupDto'],
      }),
    );
  }

  async removeGroup(id: number): Promise<void> {
    await unwrap(this.client.raw.DELETE('/api/endpoint_groups/{id}', { params: { path: { id } } }));
  }

  async addToGroup(groupId: number, environmentId: number): Promise<void> {
    await unwrap(
      this.client.raw.PUT('/api/endpoint_groups/{id}/endpoints/{endpointId}', {
        params: { path: { id: groupId, endpointId: environmentId } },
      }),
    );
  }

  async removeFromGroup(groupId: number, environmentId: number): Promise<void> {
    await unwrap(
      this.client.raw.DELETE('/api/endpoint_groups/{id}/endpoints/{endpointId}', {
        params: { path: { id: groupId, endpointId: environmentId } },
      }),
    );
  }

  // Tags

  tags(): Promise<EnvironmentTag[]> {
    return unwrap(this.client.raw.GET('/api/tags'));
  }

  createTag(name: string): Promise<EnvironmentTag> {
    return unwrap(this.client.raw.POST('/api/tags', { body: { name: name.trim() } }));
  }

  async removeTag(id: number): Promise<void> {
    await unwrap(this.client.raw.DELETE('/api/tags/{id}', { params: { path: { id } } }));
  }

  // Roles

  roles(): Promise<EnvironmentRole[]> {
    return unwrap(this.client.raw.GET('/api/roles'));
  }
}
