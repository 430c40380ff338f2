import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';
import { Command, QueryValue } from '@capstan/server-core';

/** Container names or ids, as the proxy's console routes accept them: nothing that could change an engine path. */
export const CONTAINER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** A WebSocket query on one environment (Portainer's `endpointId`), optionally on one Swarm node of an agent. */
export abstract class EnvironmentCommand extends Command {
  static override readonly invalidMessage: string = 'Invalid query parameters';

  @Transform(QueryValue.positiveInt)
  @IsInt({ message: 'endpointId must be a positive integer' })
  @Min(1, { message: 'endpointId must be a positive integer' })
  endpointId!: number;

  /** Agent environments: the Swarm node that holds the container (Portainer's `nodeName`). */
  @Transform(QueryValue.optional)
  @IsOptional()
  @IsString()
  @MaxLength(255)
  nodeName?: string;
}

/** A query on one container of an environment (`id`: its id or name). */
export abstract class ContainerCommand extends EnvironmentCommand {
  @Matches(CONTAINER_ID, { message: 'id must be a container id or name' })
  id!: string;
}
