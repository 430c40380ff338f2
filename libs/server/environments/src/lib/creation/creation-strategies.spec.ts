import { describe, expect, it } from 'vitest';
import { EndpointCreationType, EnvironmentType } from '@capstan/contracts-api';
import { BadRequestError } from '@capstan/server-core';
import { CreationStrategies } from './creation-strategies';
import { CreationStrategy, type CheckedUrl, type EnvironmentDraft } from './creation-strategy';

class Named extends CreationStrategy {
  constructor(
    readonly creationType: EndpointCreationType,
    readonly environmentType: EnvironmentType,
  ) {
    super();
  }
  draft(): EnvironmentDraft {
    throw new Error('not used');
  }
  probe(): Promise<EnvironmentDraft> {
    return Promise.reject(new Error('not used'));
  }
  checkUrl(): Promise<CheckedUrl> {
    return Promise.reject(new Error('not used'));
  }
}

const docker = new Named(EndpointCreationType.LocalDocker, EnvironmentType.Docker);
const agent = new Named(EndpointCreationType.Agent, EnvironmentType.Agent);
const registry = new CreationStrategies([docker, agent]);

function refusal(raw: string | undefined): BadRequestError {
  try {
    registry.forCreationType(raw);
  } catch (e) {
    if (e instanceof BadRequestError) return e;
  }
  throw new Error('expected a 400');
}

describe('CreationStrategies', () => {
  it("picks the strategy registered for the form's EndpointCreationType", () => {
    expect(registry.forCreationType('1')).toBe(docker);
    expect(registry.forCreationType('2')).toBe(agent);
  });

  it('refuses a kind without a strategy, naming those available', () => {
    const e = refusal('4');
    expect(e.message).toBe('Unsupported environment type');
    expect(e.details).toBe(
      'EndpointCreationType 4 is not available yet; use 1 (Docker API or socket) or 2 (agent)',
    );
  });

  it('refuses a missing or non-numeric EndpointCreationType', () => {
    for (const raw of [undefined, 'docker']) {
      expect(refusal(raw).details).toBe(
        'EndpointCreationType is required (1: Docker API or socket, 2: agent)',
      );
    }
  });

  it('finds the strategy behind an existing environment by its EnvironmentType', () => {
    expect(registry.forEnvironmentType(EnvironmentType.Agent)).toBe(agent);
    expect(registry.forEnvironmentType(EnvironmentType.EdgeAgent)).toBeUndefined();
  });
});
