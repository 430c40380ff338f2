import { Injectable } from '@nestjs/common';
import { EngineConnections, type EngineConnection } from '@capstan/server-environments';

/** A Swarm service as `GET /services/{id}` returns it (the parts a webhook needs). */
export interface ServiceInspect {
  ID: string;
  Version: { Index: number };
  Spec: {
    Name?: string;
    Labels?: Record<string, string>;
    TaskTemplate?: { ForceUpdate?: number; ContainerSpec?: { Image?: string } } & Record<string, unknown>;
  } & Record<string, unknown>;
}

export interface EngineAnswer {
  status: number;
  body: unknown;
}

/** The two engine calls of a webhook, as a port: unit tests replace it. */
export abstract class ServiceEnginePort {
  abstract call(
    connection: EngineConnection,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<EngineAnswer>;
}

const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

/** The environment's engine client (socket, TCP, TLS or agent: the agent sends /services calls to a manager). */
@Injectable()
export class EngineServiceCalls extends ServiceEnginePort {
  constructor(private readonly engines: EngineConnections) {
    super();
  }

  async call(
    connection: EngineConnection,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<EngineAnswer> {
    const answer = await this.engines
      .client(connection)
      .call(method, path, { body, headers, maxBytes: MAX_ANSWER_BYTES });
    return { status: answer.status, body: answer.body };
  }
}
