import { Injectable, inject } from '@angular/core';
import { EndpointCreationType } from '@capstan/contracts-api';

import { ApiClient, unwrap } from '../api/api-client';
import { ApiError } from '../api/api-error';
import type { components } from '../api/schema';
import type { Environment } from './environment.models';

type Schemas = components['schemas'];

/** `GET /api/endpoints/{id}/edge/tunnel`: check-in, tunnel, mode, heartbeat, open commands. */
export type EdgeStatus = Schemas['EdgeEnvironmentStatus'];
/** One queued command of an async edge environment. */
export type EdgeCommand = Schemas['EdgeCommandResponse'];
export type EdgeIntervals = Schemas['EdgeIntervalsDto'];

export interface NewEdgeEnvironment {
  readonly name: string;
  /** The server URL the agents reach (the key carries it). */
  readonly url: string;
  /** Poll interval in seconds; 0 = the settings' default. */
  readonly checkinInterval?: number;
  readonly groupId?: number;
  readonly tagIds?: readonly number[];
}

/** Edge agents' administration: creation, global keys, the waiting room, status, commands, intervals. */
@Injectable({ providedIn: 'root' })
export class EdgeApi {
  private readonly client = inject(ApiClient);

  /** An edge environment (`EndpointCreationType` 4) and its key. */
  create(input: NewEdgeEnvironment): Promise<Environment> {
    const form = new FormData();
    form.set('Name', input.name.trim());
    form.set('EndpointCreationType', String(EndpointCreationType.EdgeAgent));
    form.set('URL', input.url.trim());
    if (input.checkinInterval) form.set('EdgeCheckinInterval', String(input.checkinInterval));
    if (input.groupId) form.set('GroupID', String(input.groupId));
    if (input.tagIds?.length) form.set('TagIds', JSON.stringify(input.tagIds));
    return unwrap(
      this.client.raw.POST('/api/endpoints', {
        body: form as unknown as Schemas['CreateEnvironmentForm'],
      }),
    );
  }

  /** A global key (environment id 0): agents started with it wait in the waiting room. */
  async globalKey(): Promise<string> {
    return (await unwrap(this.client.raw.POST('/api/endpoints/edge/generate-key'))).edgeKey;
  }

  /** The waiting room: edge devices not trusted yet. */
  async waitingRoom(): Promise<Environment[]> {
    const result = await this.client.raw.GET('/api/endpoints', {
      params: { query: { edgeDeviceUntrusted: 'true', sort: 'Name' } },
    });
    if (!result.response.ok) throw ApiError.from(result.response, result.error);
    return result.data ?? [];
  }

  /** Trust in bulk: the ids that changed. */
  async trust(ids: readonly number[]): Promise<number[]> {
    return (
      await unwrap(this.client.raw.POST('/api/endpoints/edge/trust', { body: { endpointIds: [...ids] } }))
    ).trusted;
  }

  /** Reject (remove) untrusted devices: the ids removed. */
  async reject(ids: readonly number[]): Promise<number[]> {
    return (
      await unwrap(this.client.raw.POST('/api/endpoints/edge/reject', { body: { endpointIds: [...ids] } }))
    ).rejected;
  }

  status(id: number): Promise<EdgeStatus> {
    return unwrap(this.client.raw.GET('/api/endpoints/{id}/edge/tunnel', { params: { path: { id } } }));
  }

  commands(id: number, open = false): Promise<EdgeCommand[]> {
    return unwrap(
      this.client.raw.GET('/api/endpoints/{id}/edge/commands', {
        params: { path: { id }, query: open ? { open: 'true' } : {} },
      }),
    );
  }

  async setIntervals(id: number, intervals: EdgeIntervals): Promise<void> {
    await unwrap(
      this.client.raw.PUT('/api/endpoints/{id}/edge/intervals', {
        params: { path: { id } },
        body: intervals,
      }),
    );
  }
}

export interface AgentCommandOptions {
  readonly key: string;
  /** The agent's edge id; a fresh UUID by default (the poll credential: keep it per device). */
  readonly edgeId: string;
  readonly async: boolean;
  /** EDGE_INSECURE_POLL: the server's certificate is not verified (self-signed HTTPS). */
  readonly insecurePoll?: boolean;
  /** Image of the agent (Capstan's agent image runs in edge mode with EDGE=1). */
  readonly image?: string;
}

/** The agent image `tools/docker/build-images.sh` builds (the same image runs classic and edge agents). */
export const DEFAULT_AGENT_IMAGE = 'capstan/agent:local';

/** Shell-quoted for POSIX shells: single quotes, inner quotes escaped. */
function quote(value: string): string {
  return /^[A-Za-z0-9_./:=@-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The `docker run` command starting an edge agent (standalone engine): the engine socket and volumes, the host's
 * root for host info, the key and edge id; `EDGE_ASYNC=1` for async mode.
 */
export function edgeDockerRunCommand(o: AgentCommandOptions): string {
  return [
    'docker run -d --name capstan_edge_agent --restart always',
    '-v /var/run/docker.sock:/var/run/docker.sock',
    '-v /var/lib/docker/volumes:/var/lib/docker/volumes',
    '-v /:/host',
    '-v capstan_agent_data:/data',
    '-e EDGE=1',
    `-e EDGE_ID=${quote(o.edgeId)}`,
    `-e EDGE_KEY=${quote(o.key)}`,
    ...(o.async ? ['-e EDGE_ASYNC=1'] : []),
    // A server on HTTPS with its self-signed certificate: the poll cannot verify it.
    ...(o.insecurePoll ? ['-e EDGE_INSECURE_POLL=1'] : []),
    o.image ?? DEFAULT_AGENT_IMAGE,
  ].join(' \\\n  ');
}

/**
 * `docker stack deploy` of the edge agent on a Swarm (a global service: one agent per node, only the leader's
 * polls; the key shared through the stack's environment), from `deploy/edge-agent-stack.yml`.
 */
export function edgeStackDeployCommand(o: AgentCommandOptions): string {
  return [
    `EDGE_ID=${quote(o.edgeId)} EDGE_KEY=${quote(o.key)} EDGE_ASYNC=${o.async ? 1 : 0}` +
      ` EDGE_INSECURE_POLL=${o.insecurePoll ? 1 : 0} \\`,
    '  docker stack deploy -c edge-agent-stack.yml capstan-edge',
  ].join('\n');
}
