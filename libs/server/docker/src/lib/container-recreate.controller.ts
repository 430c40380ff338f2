import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { Permission } from '@capstan/contracts-api';
import { Authenticated, CurrentUser, ParseIdPipe, type AuthenticatedUser } from '@capstan/server-core';
import { ContainerRecreate } from './container-recreate';

export class RecreateContainerDto {
  @ApiPropertyOptional({
    description:
      'Pull the image first (with the stored registry it comes from); a refused pull changes nothing',
  })
  @IsOptional()
  @IsBoolean()
  PullImage?: boolean;
}

/** Portainer's `POST /api/docker/{id}/containers/{containerId}/recreate`. */
@ApiTags('docker')
@Controller('docker')
export class ContainerRecreateController {
  constructor(private readonly recreator: ContainerRecreate) {}

  @Post(':id/containers/:containerId/recreate')
  @HttpCode(200)
  @Authenticated({ permission: Permission.EnvironmentsList })
  @ApiOperation({
    summary:
      'Recreate a container with the same configuration, name and ownership (optionally on a freshly pulled image); answers the new container (Docker inspect)',
    operationId: 'ContainerRecreate',
  })
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: true } })
  recreate(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
    @Param('containerId') containerId: string,
    @Body() body: RecreateContainerDto,
  ): Promise<Record<string, unknown>> {
    return this.recreator.recreate(actor, id, containerId, body.PullImage === true);
  }
}
