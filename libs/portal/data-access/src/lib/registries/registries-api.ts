import { Injectable, inject } from '@angular/core';

import { API_BASE_URL, API_FETCH, ApiClient, unwrap } from '../api/api-client';
import { ApiError } from '../api/api-error';
import type { components } from '../api/schema';

export type Registry = components['schemas']['RegistryResponse'];
export type RegistryCreate = components['schemas']['CreateRegistryDto'];
export type RegistryUpdate = components['schemas']['UpdateRegistryDto'];
export type RegistryPing = components['schemas']['RegistryPingResponse'];
export type RegistryTag = components['schemas']['TagInfoResponse'];

/** Portainer's registry types (`Type`). */
export const REGISTRY_TYPES = [
  { id: 1, label: 'Quay.io' },
  { id: 2, label: 'Azure' },
  { id: 3, label: 'Custom registry' },
  { id: 4, label: 'GitLab' },
  { id: 5, label: 'ProGet' },
  { id: 6, label: 'Docker Hub' },
  { id: 7, label: 'AWS ECR' },
  { id: 8, label: 'GitHub' },
] as const;

export function registryTypeLabel(type: number): string {
  return REGISTRY_TYPES.find((t) => t.id === type)?.label ?? `Type ${type}`;
}

/** Who may use a registry on one environment: user and team ids. */
export interface RegistryAccess {
  users: number[];
  teams: number[];
}

export type UpdateStatus = 'updated' | 'outdated' | 'unknown';
export type StatusMap = Record<string, { Status: UpdateStatus; Message: string }>;

export interface OutdatedSummary {
  CheckedAt: number;
  Outdated: number;
  Running: boolean;
  Environments: {
    EnvironmentId: number;
    EnvironmentName: string;
    CheckedAt: number;
    Containers: number;
    Outdated: { Id: string; Name: string; Image: string }[];
    Error?: string;
  }[];
}

/** Registry repository and tag names as the registry API allows them (nothing to escape in a path). */
const REPOSITORY = /^[a-z0-9]+(?:[._/-][a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** `X-Registry-Auth` naming a stored registry (Portainer's form): the server puts in its credentials. */
export function storedRegistryAuth(registryId: number): string {
  return btoa(JSON.stringify({ registryId }));
}

/** Registries (`/api/registries`, server-registries README): CRUD, test connection, access, browsing, updates. */
@Injectable({ providedIn: 'root' })
export class RegistriesApi {
  private readonly client = inject(ApiClient);
  private readonly fetchImpl = inject(API_FETCH);
  private readonly base = inject(API_BASE_URL);

  list(): Promise<Registry[]> {
    return unwrap(this.client.raw.GET('/api/registries'));
  }

  get(id: number): Promise<Registry> {
    return unwrap(this.client.raw.GET('/api/registries/{id}', { params: { path: { id } } }));
  }

  /** The registries the caller may use on an environment (pull dialogs; no credentials). */
  forEnvironment(envId: number): Promise<Registry[]> {
    return unwrap(this.client.raw.GET('/api/endpoints/{id}/registries', { params: { path: { id: envId } } }));
  }

  create(body: RegistryCreate): Promise<Registry> {
    return unwrap(this.client.raw.POST('/api/registries', { body }));
  }

  update(id: number, body: RegistryUpdate): Promise<Registry> {
    return unwrap(this.client.raw.PUT('/api/registries/{id}', { params: { path: { id } }, body }));
  }

  async remove(id: number): Promise<void> {
    await unwrap(this.client.raw.DELETE('/api/registries/{id}', { params: { path: { id } } }));
  }

  /** "Test connection": a real login with these settings (a stored registry's password is used when omitted). */
  ping(body: RegistryCreate, storedId?: number): Promise<RegistryPing> {
    return storedId === undefined
      ? unwrap(this.client.raw.POST('/api/registries/ping', { body }))
      : unwrap(
          this.client.raw.POST('/api/registries/{id}/ping', { params: { path: { id: storedId } }, body }),
        );
  }

  async setAccess(envId: number, registryId: number, access: RegistryAccess): Promise<void> {
    const policies = (ids: number[]) => Object.fromEntries(ids.map((id) => [String(id), { RoleId: 0 }]));
    await unwrap(
      this.client.raw.PUT('/api/endpoints/{id}/registries/{registryId}', {
        params: { path: { id: envId, registryId } },
        body: { UserAccessPolicies: policies(access.users), TeamAccessPolicies: policies(access.teams) },
      }),
    );
  }

  repositories(id: number): Promise<string[]> {
    return unwrap(this.client.raw.GET('/api/registries/{id}/repositories', { params: { path: { id } } }));
  }

  tags(id: number, repository: string): Promise<RegistryTag[]> {
    return unwrap(
      this.client.raw.GET('/api/registries/{id}/tags', { params: { path: { id }, query: { repository } } }),
    );
  }

  async deleteTag(id: number, repository: string, tag: string): Promise<void> {
    await unwrap(
      this.client.raw.DELETE('/api/registries/{id}/tags', {
        params: { path: { id }, query: { repository, tag } },
      }),
    );
  }

  retag(id: number, repository: string, tag: string, newTag: string): Promise<RegistryTag> {
    return unwrap(
      this.client.raw.POST('/api/registries/{id}/retag', {
        params: { path: { id } },
        body: { Repository: repository, Tag: tag, NewTag: newTag },
      }),
    );
  }

  /** A tag's manifest as the registry serves it (JSON), through `/api/registries/{id}/v2/…`. */
  async manifest(id: number, repository: string, tag: string): Promise<unknown> {
    if (!REPOSITORY.test(repository) || !TAG.test(tag))
      throw new ApiError(400, 'Invalid repository or tag', `${repository}:${tag}`);
    const response = await this.fetchImpl(
      new Request(`${this.base}/api/registries/${id}/v2/${repository}/manifests/${tag}`, {
        credentials: 'same-origin',
        headers: {
          Accept: [
            'application/vnd.docker.distribution.manifest.v2+json',
            'application/vnd.oci.image.manifest.v1+json',
            'application/vnd.docker.distribution.manifest.list.v2+json',
            'application/vnd.oci.image.index.v1+json',
          ].join(', '),
        },
      }),
    );
    const text = await response.text();
    const body = text ? (JSON.parse(text) as unknown) : null;
    if (!response.ok) {
      const error = (body ?? {}) as { message?: string; details?: string };
      throw new ApiError(response.status, error.message ?? `HTTP ${response.status}`, error.details ?? '');
    }
    return body;
  }

  containerStatuses(envId: number): Promise<StatusMap> {
    return unwrap(
      this.client.raw.GET('/api/docker/{id}/containers/image_status', { params: { path: { id: envId } } }),
    ) as Promise<StatusMap>;
  }

  serviceStatuses(envId: number): Promise<StatusMap> {
    return unwrap(
      this.client.raw.GET('/api/docker/{id}/services/image_status', { params: { path: { id: envId } } }),
    ) as Promise<StatusMap>;
  }

  stackStatuses(envId: number): Promise<StatusMap> {
    return unwrap(
      this.client.raw.GET('/api/docker/{id}/stacks/image_status', { params: { path: { id: envId } } }),
    ) as Promise<StatusMap>;
  }

  /** Portainer's recreate: the same container again, on a freshly pulled image when `pullImage`. */
  recreate(envId: number, containerId: string, pullImage: boolean): Promise<{ Id: string }> {
    return unwrap(
      this.client.raw.POST('/api/docker/{id}/containers/{containerId}/recreate', {
        params: { path: { id: envId, containerId } },
        body: { PullImage: pullImage },
      }),
    ) as Promise<{ Id: string }>;
  }

  outdated(): Promise<OutdatedSummary> {
    return unwrap(this.client.raw.GET('/api/registries/updates')) as Promise<OutdatedSummary>;
  }

  checkOutdated(): Promise<OutdatedSummary> {
    return unwrap(this.client.raw.POST('/api/registries/updates/check')) as Promise<OutdatedSummary>;
  }
}
