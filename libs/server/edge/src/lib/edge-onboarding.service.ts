import { Injectable } from '@nestjs/common';
import { TooManyRequestsError } from '@capstan/server-core';
import { EnvironmentsService, type EdgeEnvironmentState } from '@capstan/server-environments';
import { SettingsService } from '@capstan/server-settings';
import { EdgeModes } from './edge-modes';
import type { EdgeMetaFieldsInput } from './edge-poll.command';

/** Untrusted devices kept in the waiting room at most: the global key is public, its onboarding must be bounded. */
export const WAITING_ROOM_LIMIT = 1_000;

/**
 * Auto-onboarding with a global key (edge key with endpoint id 0; Portainer BE's waiting room): an agent is found
 * by its edge id, or gets a new edge environment — untrusted (waiting room) unless the settings'
 * `TrustOnFirstConnect` is on — placed in the environment group and tags it asked for (`PORTAINER_GROUP`,
 * `PORTAINER_TAGS`; unknown ids dropped), its requested edge groups (`EDGE_GROUPS`) kept for the edge-groups module.
 */
@Injectable()
export class EdgeOnboarding {
  constructor(
    private readonly environments: EnvironmentsService,
    private readonly settings: SettingsService,
    private readonly modes: EdgeModes,
  ) {}

  async resolve(
    edgeId: string,
    meta: EdgeMetaFieldsInput | null | undefined,
    asyncMode: boolean,
  ): Promise<{ env: EdgeEnvironmentState; created: boolean }> {
    const found = await this.environments.edgeStateByEdgeId(edgeId);
    if (found) return { env: found, created: false };
    const s = await this.settings.get();
    if (!s.TrustOnFirstConnect) {
      const waiting = await this.environments.countUntrustedEdge();
      if (waiting >= WAITING_ROOM_LIMIT)
        // The details: "Retry after 300 seconds" — an administrator must trust or reject devices first.
        throw new TooManyRequestsError('The waiting room is full', 300);
    }
    const env = await this.environments.createEdgeFromGlobalKey({
      edgeId,
      serverUrl: s.EdgePortainerURL || '',
      trusted: s.TrustOnFirstConnect,
      asyncMode,
      groupId: meta?.environmentGroupId ?? 0,
      tagIds: meta?.tagsIds ?? [],
      meta: meta
        ? {
            edgeGroupsIds: meta.edgeGroupsIds ?? [],
            tagsIds: meta.tagsIds ?? [],
            environmentGroupId: meta.environmentGroupId ?? 0,
          }
        : null,
    });
    this.modes.remember(env.id, asyncMode);
    return { env, created: true };
  }
}

