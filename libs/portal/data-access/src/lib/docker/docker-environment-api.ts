import { Injectable, inject } from '@angular/core';

import { ApiClient, unwrap } from '../api/api-client';
import type { components } from '../api/schema';
import { DockerApi } from './docker-api';

type Schemas = components['schemas'];

/** The caller's effective role on one environment and its permission strings (Capstan extension). */
export interface CapstanAccess {
  RoleId: number;
  Permissions: string[];
  /** Agent environments' volume browser for the caller (the server decides from role and security setting). */
  VolumeBrowse?: 'none' | 'read' | 'write';
}

/**
 * An environment as `GET /api/endpoints/{id}` returns it. `CapstanAccess` is optional until the schema is
 * regenerated with it.
 */
export type DockerEnvironment = Schemas['EnvironmentResponse'] & { CapstanAccess?: CapstanAccess };
export type DockerEnvironmentSnapshot = Schemas['DockerSnapshotResponse'];
export type DockerDashboard = Schemas['DashboardResponse'];

/** Who may use a resource: `PUT /api/resource_controls/{id}` body. */
export interface OwnershipUpdate {
  Public: boolean;
  AdministratorsOnly: boolean;
  Users: number[];
  Teams: number[];
}

/** Capstan's routes about one Docker environment (outside the engine API itself). */
@Injectable({ providedIn: 'root' })
export class DockerEnvironmentApi {
  private readonly client = inject(ApiClient);
  private readonly docker = inject(DockerApi);

  get(id: number): Promise<DockerEnvironment> {
    return unwrap(this.client.raw.GET('/api/endpoints/{id}', { params: { path: { id } } }));
  }

  dashboard(id: number): Promise<DockerDashboard> {
    return unwrap(this.client.raw.GET('/api/docker/{id}/dashboard', { params: { path: { id } } }));
  }

  /** Sets who may use a resource after it was created (the create response names its resource control). */
  async setOwnership(resourceControlId: number, body: OwnershipUpdate): Promise<void> {
    await this.docker.capstan('PUT', `/api/resource_controls/${resourceControlId}`, body);
  }
}
