import { Injectable } from '@nestjs/common';
import { BadGatewayError } from '@capstan/server-core';
import { EngineConnections, EnvironmentsService, type EngineClient } from '@capstan/server-environments';
import { ImageUpdateChecker, stackStatuses, type UpdateStatus } from './image-updates';

const ENGINE_TIMEOUT_MS = 15_000;

export type StatusMap = Record<string, { Status: UpdateStatus; Message: string }>;

export interface ListedContainer {
  Id: string;
  Names?: string[];
  Image: string;
  ImageID: string;
  Labels?: Record<string, string> | null;
}

interface ListedService {
  ID: string;
  Spec?: {
    Name?: string;
    Labels?: Record<string, string>;
    TaskTemplate?: { ContainerSpec?: { Image?: string } };
  };
}

type EnvironmentRef = Parameters<EnvironmentsService['connectionOf']>[0];

/** Update statuses of one environment's containers, services and stacks, read live through its engine. */
@Injectable()
export class EnvironmentUpdates {
  constructor(
    private readonly environments: EnvironmentsService,
    private readonly engines: EngineConnections,
    private readonly checker: ImageUpdateChecker,
  ) {}

  async containers(env: EnvironmentRef): Promise<{ containers: ListedContainer[]; statuses: StatusMap }> {
    const client = this.client(env);
    const [containers, images] = await Promise.all([
      list<ListedContainer>(client, '/containers/json?all=1'),
      list<{ Id: string; RepoDigests?: string[] }>(client, '/images/json'),
    ]);
    return { containers, statuses: await this.checker.statuses(containers, images) };
  }

  async services(env: EnvironmentRef): Promise<{ services: ListedService[]; statuses: StatusMap }> {
    const client = this.client(env);
    const answer = await client.call('GET', '/services');
    // Not a Swarm manager: no services.
    if (answer.status === 503 || answer.status === 406) return { services: [], statuses: {} };
    if (answer.status !== 200) throw refused('services', answer.status);
    const services = answer.body as ListedService[];
    return { services, statuses: await this.checker.serviceStatuses(services) };
  }

  /** Stacks by name: compose projects (containers) and Swarm stacks (services). */
  async stacks(env: EnvironmentRef): Promise<StatusMap> {
    const [c, s] = await Promise.all([this.containers(env), this.services(env)]);
    return stackStatuses([
      ...c.containers.map((x) => ({
        // A Swarm stack's task containers are counted by their service.
        stack: x.Labels?.['com.docker.compose.project'],
        status: c.statuses[x.Id]?.Status,
      })),
      ...s.services.map((x) => ({
        stack: x.Spec?.Labels?.['com.docker.stack.namespace'],
        status: s.statuses[x.ID]?.Status,
      })),
    ]);
  }

  private client(env: EnvironmentRef): EngineClient {
    return this.engines.client(this.environments.connectionOf(env, ENGINE_TIMEOUT_MS));
  }
}

async function list<T>(client: EngineClient, path: string): Promise<T[]> {
  const answer = await client.call('GET', path);
  if (answer.status !== 200) throw refused(path, answer.status);
  return answer.body as T[];
}

function refused(what: string, status: number): BadGatewayError {
  return new BadGatewayError('The engine did not answer the lists', `${what}: ${status}`);
}
