import { Inject, Injectable } from '@nestjs/common';
import { EndpointCreationType, EnvironmentType } from '@capstan/contracts-api';
import { BadRequestError } from '@capstan/server-core';
import { CreationStrategy } from './creation-strategy';

/** The registered strategies (a Nest multi-provider list): edge and Kubernetes add theirs here. */
export const CREATION_STRATEGIES = Symbol('CREATION_STRATEGIES');

/** Picks the strategy for an `EndpointCreationType` (or, for changes, for an environment's `EnvironmentType`). */
@Injectable()
export class CreationStrategies {
  constructor(@Inject(CREATION_STRATEGIES) private readonly strategies: readonly CreationStrategy[]) {}

  /** The strategy for the form's `EndpointCreationType`, or a 400 naming the kinds available. */
  forCreationType(raw: string | undefined): CreationStrategy {
    const creationType = Number(raw ?? NaN);
    const found = this.strategies.find((s) => (s.creationType as number) === creationType);
    if (found) return found;
    const available = this.strategies
      .map((s) => `${s.creationType} (${describe(s.creationType)})`)
      .join(', ')
      .replace(/, ([^,]*)$/, ' or $1');
    throw new BadRequestError(
      'Unsupported environment type',
      Number.isInteger(creationType)
        ? `EndpointCreationType ${creationType} is not available yet; use ${available}`
        : `EndpointCreationType is required (${this.strategies.map((s) => `${s.creationType}: ${describe(s.creationType)}`).join(', ')})`,
    );
  }

  /** The strategy that made environments of this type, if any. */
  forEnvironmentType(type: EnvironmentType): CreationStrategy | undefined {
    return this.strategies.find((s) => s.environmentType === type);
  }
}

function describe(type: EndpointCreationType): string {
  switch (type) {
    case EndpointCreationType.LocalDocker:
      return 'Docker API or socket';
    case EndpointCreationType.Agent:
      return 'agent';
    case EndpointCreationType.Azure:
      return 'Azure';
    case EndpointCreationType.EdgeAgent:
      return 'edge agent';
    case EndpointCreationType.LocalKubernetes:
      return 'local Kubernetes';
  }
}
