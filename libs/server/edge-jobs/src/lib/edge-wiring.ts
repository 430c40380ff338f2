import { Injectable } from '@nestjs/common';
import { ForbiddenError } from '@capstan/server-core';
import { EdgeJobAgentsPort, EdgeJobDeliveryPort } from './edge-job-delivery.port';

/** Placeholder until the edge module's poll-contribution hook is on this branch: nothing is delivered. */
@Injectable()
export class UnwiredDelivery extends EdgeJobDeliveryPort {
  register(): void {
    // nothing to register with yet
  }

  changed(): void {
    // no poll cache to drop yet
  }
}

/** Placeholder until the edge module authenticates agents for other modules: every upload is refused. */
@Injectable()
export class UnwiredAgents extends EdgeJobAgentsPort {
  authenticate(): Promise<void> {
    return Promise.reject(new ForbiddenError('Unable to authenticate the edge agent', 'Not available yet'));
  }
}
