import { Injectable } from '@nestjs/common';
import { Permission } from '@capstan/contracts-api';
import type { AuthenticatedUser } from '@capstan/server-core';
import { AccessService, type EnvironmentAccess } from '@capstan/server-rbac';
import { decide } from '../proxy-policy';

/** Who opened a stream, on which environment, with which access there (`AccessService`). */
export interface StreamCaller {
  user: AuthenticatedUser;
  envId: number;
  access: EnvironmentAccess;
}

/** What the engine's `GET /containers/{id}/json` says, as far as access and decoding need it. */
export interface InspectedContainer {
  Id: string;
  Name?: string;
  Config?: { Tty?: boolean; Labels?: Record<string, string> | null };
}

/** One object of the engine's `GET /events` stream. */
export interface EngineEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  scope?: string;
  time?: number;
  timeNano?: number;
}

/** Decides, per event, whether the caller may see it. May look things up (resource controls). */
export type EventPredicate = (event: EngineEvent) => boolean | Promise<boolean>;

/**
 * The one place where the live streams decide who sees what, so ownership (resource controls) plugs in by
 * providing another implementation of this class in the Docker module.
 */
export abstract class StreamAccessPolicy {
  /** Throws a ForbiddenError unless the caller may read this container's logs or stats. */
  abstract assertContainerReadable(
    caller: StreamCaller,
    kind: 'logs' | 'stats',
    container: InspectedContainer,
  ): Promise<void>;

  /** The filter for the caller's events stream; throws a ForbiddenError if they may not have one. */
  abstract eventFilter(caller: StreamCaller): Promise<EventPredicate>;
}

const everything: EventPredicate = () => true;

/**
 * Before ownership: the proxy's decision for the same engine call (`GET /containers/{id}/logs`, `.../stats`,
 * `/events`). Roles that read every resource (administrators, Environment administrators, Operators, Helpdesk)
 * get everything; Standard and Read-only users, who may only ever see what they own, are refused.
 */
@Injectable()
export class RoleStreamAccessPolicy extends StreamAccessPolicy {
  assertContainerReadable(
    caller: StreamCaller,
    kind: 'logs' | 'stats',
    container: InspectedContainer,
  ): Promise<void> {
    return Promise.resolve().then(() => this.check(caller, `/containers/${container.Id}/${kind}`));
  }

  eventFilter(caller: StreamCaller): Promise<EventPredicate> {
    return Promise.resolve().then(() => {
      this.check(caller, '/events');
      return everything;
    });
  }

  private check(caller: StreamCaller, enginePath: string): void {
    AccessService.assert(
      caller.access,
      Permission.ResourcesRead,
      'Reading resources needs environment:resources:read',
    );
    const decision = decide(caller.access, 'GET', enginePath);
    AccessService.assertDecision(decision);
    // The proxy lets every role read single resources and checks ownership on top; these streams have no
    // ownership check yet, so only roles that see every resource get them.
    AccessService.assert(
      caller.access,
      Permission.ResourcesReadAll,
      'Streams are only available to roles that see every resource until ownership applies to them',
    );
  }
}
