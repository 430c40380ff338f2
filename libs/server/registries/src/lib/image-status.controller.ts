import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Permission } from '@capstan/contracts-api';
import {
  Authenticated,
  BadGatewayError,
  CurrentUser,
  ForbiddenError,
  ParseIdPipe,
  type AuthenticatedUser,
} from '@capstan/server-core';
import { EngineConnections, EnvironmentsService } from '@capstan/server-environments';
import { ImageUpdateChecker } from './image-updates';

const ENGINE_TIMEOUT_MS = 15_000;

/** Portainer's image status routes (`/api/docker/{environmentId}/…`), for a whole container list at once. */
@ApiTags('registries')
@Controller('docker/:id/containers')
export class ImageStatusController {
  constructor(
    private readonly environments: EnvironmentsService,
    private readonly engines: EngineConnections,
    private readonly checker: ImageUpdateChecker,
  ) {}

  @Get('image_status')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @ApiOperation({
    summary:
      'Capstan: update status of every container of the environment ({containerId: {Status: updated|outdated|unknown, Message}}); roles that see every resource',
    operationId: 'ContainersImageStatus',
  })
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: true } })
  async statuses(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<Record<string, { Status: string; Message: string }>> {
    const { env, access } = await this.environments.accessFor(actor, id);
    if (!access.seesEveryResource)
      throw new ForbiddenError(
        'Access denied to resource',
        'The list of every container needs a role that sees all resources',
      );
    const client = this.engines.client(this.environments.connectionOf(env, ENGINE_TIMEOUT_MS));
    const [containers, images] = await Promise.all([
      client.call('GET', '/containers/json?all=1'),
      client.call('GET', '/images/json'),
    ]);
    if (containers.status !== 200 || images.status !== 200)
      throw new BadGatewayError(
        'The engine did not list containers and images',
        `${containers.status}/${images.status}`,
      );
    return this.checker.statuses(
      containers.body as { Id: string; Image: string; ImageID: string }[],
      images.body as { Id: string; RepoDigests?: string[] }[],
    );
  }
}
