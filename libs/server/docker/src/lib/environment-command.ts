import { Transform, type TransformFnParams } from 'class-transformer';
import { IsInt, IsOptional, Matches, Min } from 'class-validator';
import { Command, QueryValue } from '@capstan/server-core';
import { AGENT_NODE_NAME } from '@capstan/server-environments';

/** Container names or ids, as the proxy's console routes accept them: nothing that could change an engine path. */
export const CONTAINER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/**
 * A Swarm node an agent environment must run the call on (Portainer's `nodeName` query, the proxy's
 * X-PortainerAgent-Target): the node-name rule of every entry point (`AGENT_NODE_NAME`). Blanks around it are
 * dropped; empty is the same as absent (no target: the agent routes the call).
 */
export function AgentNodeName(): PropertyDecorator {
  const parts = [
    Transform(({ value }: TransformFnParams): unknown =>
      typeof value === 'string' ? value.trim() || undefined : value,
    ),
    IsOptional(),
    Matches(AGENT_NODE_NAME, {
      message:
        'nodeName (X-PortainerAgent-Target) must be a node name: a letter or digit, then letters, digits, _ . -',
    }),
  ];
  return (target, key) => {
    for (const part of parts) part(target, key);
  };
}

/** A WebSocket query on one environment (Portainer's `endpointId`), optionally on one Swarm node of an agent. */
export abstract class EnvironmentCommand extends Command {
  static override readonly invalidMessage: string = 'Invalid query parameters';

  @Transform(QueryValue.positiveInt)
  @IsInt({ message: 'endpointId must be a positive integer' })
  @Min(1, { message: 'endpointId must be a positive integer' })
  endpointId!: number;

  /** Agent environments: the Swarm node that holds the container (Portainer's `nodeName`). */
  @AgentNodeName()
  nodeName?: string;
}

/** A query on one container of an environment (`id`: its id or name). */
export abstract class ContainerCommand extends EnvironmentCommand {
  @Matches(CONTAINER_ID, { message: 'id must be a container id or name' })
  id!: string;
}
