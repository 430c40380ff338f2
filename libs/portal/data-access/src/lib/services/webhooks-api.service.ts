import { Injectable, inject } from '@angular/core';

import { ApiClient, unwrap } from '../api/api-client';
import type { components } from '../api/schema';

export type Webhook = components['schemas']['WebhookResponse'];

/** Portainer's `WebhookType` of a Swarm service webhook (the only type). */
const SERVICE_WEBHOOK = 1;

/** Swarm service webhooks (`/api/webhooks`). */
@Injectable({ providedIn: 'root' })
export class WebhooksApi {
  private readonly client = inject(ApiClient);

  /** The webhooks of one service in one environment (at most one in practice). */
  forService(envId: number, serviceId: string): Promise<Webhook[]> {
    const filters = JSON.stringify({ ResourceID: serviceId, EndpointID: envId });
    return unwrap(this.client.raw.GET('/api/webhooks', { params: { query: { filters } } }));
  }

  createForService(envId: number, serviceId: string): Promise<Webhook> {
    return unwrap(
      this.client.raw.POST('/api/webhooks', {
        body: { ResourceID: serviceId, EndpointID: envId, WebhookType: SERVICE_WEBHOOK },
      }),
    );
  }

  async remove(id: number): Promise<void> {
    await unwrap(this.client.raw.DELETE('/api/webhooks/{id}', { params: { path: { id } } }));
  }
}
