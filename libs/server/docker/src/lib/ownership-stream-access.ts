import { Injectable } from '@nestjs/common';
import { Permission, ResourceControlType } from '@capstan/contracts-api';
import { AccessService } from '@capstan/server-rbac';
import { ResourceControlsService, type ControlIndex } from '@capstan/server-resource-controls';
import { decide } from './proxy-policy';
import {
  StreamAccessPolicy,
  type EngineEvent,
  type EventPredicate,
  type InspectedContainer,
  type StreamCaller,
} from './streams/stream-access';

/** How long an events stream keeps its view of the resource controls before re-reading them. */
const INDEX_TTL_MS = 5000;

const OWNED_EVENT_TYPES: Readonly<Record<string, ResourceControlType>> = {
  container: ResourceControlType.Container,
  volume: ResourceControlType.Volume,
  network: ResourceControlType.Network,
  service: ResourceControlType.Service,
  secret: ResourceControlType.Secret,
  config: ResourceControlType.Config,
};

/**
 * The live streams under ownership: logs and stats of a container need the same access as its inspect; events of
 * owned resource types reach users who own those resources (images, daemon and node events are not owned).
 */
@Injectable()
export class OwnershipStreamAccessPolicy extends StreamAccessPolicy {
  constructor(private readonly controls: ResourceControlsService) {
    super();
  }

  async assertContainerReadable(
    caller: StreamCaller,
    kind: 'logs' | 'stats',
    container: InspectedContainer,
  ): Promise<void> {
    this.checkRole(caller);
    const decision = decide(caller.access, 'GET', `/containers/${container.Id}/${kind}`);
    AccessService.assertDecision(decision);
    if (caller.access.seesEveryResource) return;
    const labels = container.Config?.Labels;
    const index = await this.controls.index(caller.envId, [labels]);
    const rc = index.find(ResourceControlType.Container, container.Id, labels);
    AccessService.assert(caller.access, Permission.ResourcesRead, 'This resource belongs to someone else', {
      control: rc,
    });
  }

  eventFilter(caller: StreamCaller): Promise<EventPredicate> {
    // A refusal is a rejected promise, as for the other checks.
    return Promise.resolve().then(() => this.filterFor(caller));
  }

  private filterFor(caller: StreamCaller): EventPredicate {
    this.checkRole(caller);
    const access = caller.access;
    if (access.seesEveryResource) return () => true;
    let index: { value: ControlIndex; at: number } | undefined;
    return async (event: EngineEvent) => {
      const type = OWNED_EVENT_TYPES[event.Type ?? ''];
      if (type === undefined) return true;
      const attributes = event.Actor?.Attributes ?? {};
      // Names in access-control labels are resolved per event (rare); the rest shares a short-lived index.
      const named = Object.keys(attributes).some((k) => k.startsWith('io.portainer.accesscontrol.'));
      if (named) index = undefined;
      if (!index || Date.now() - index.at > INDEX_TTL_MS) {
        index = { value: await this.controls.index(caller.envId, [attributes]), at: Date.now() };
      }
      const id = event.Actor?.ID ?? '';
      // Container events carry the container's labels as attributes; network events carry the name.
      const rc = index.value.find(type, id, attributes, { name: attributes['name'] });
      if (named) index = undefined;
      return access.may(Permission.ResourcesRead, { control: rc });
    };
  }

  private checkRole(caller: StreamCaller): void {
    AccessService.assert(
      caller.access,
      Permission.ResourcesRead,
      'Reading resources needs environment:resources:read',
    );
  }
}
