import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, type ApiResponseNoStatusOptions, ApiOperation, ApiTags } from '@nestjs/swagger';
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
import { EnvironmentUpdates, type StatusMap } from './environment-updates';
import { RegistriesService } from './registries.service';
import { splitImageHost } from './registry-types';

const STATUS_SCHEMA: ApiResponseNoStatusOptions = {
  schema: {
    type: 'object',
    additionalProperties: {
      type: 'object',
      properties: {
        Status: { type: 'string', enum: ['updated', 'outdated', 'unknown'] },
        Message: { type: 'string' },
      },
    },
  },
};

/** Portainer's image status routes (`/api/docker/{environmentId}/…`), for whole lists at once. */
@ApiTags('registries')
@Controller('docker/:id')
export class ImageStatusController {
  constructor(
    private readonly environments: EnvironmentsService,
    private readonly engines: EngineConnections,
    private readonly updates: EnvironmentUpdates,
    private readonly registries: RegistriesService,
  ) {}

  @Get('containers/image_status')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @ApiOperation({
    summary:
      'Capstan: update status of every container of the environment ({containerId: {Status: updated|outdated|unknown, Message}}); roles that see every resource',
    operationId: 'ContainersImageStatus',
  })
  @ApiOkResponse(STATUS_SCHEMA)
  async containers(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<StatusMap> {
    return (await this.updates.containers(await this.everything(actor, id))).statuses;
  }

  @Get('services/image_status')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @ApiOperation({
    summary:
      "Capstan: update status of every Swarm service ({serviceId: {Status, Message}}: the service's pinned digest against the registry's); roles that see every resource",
    operationId: 'ServicesImageStatus',
  })
  @ApiOkResponse(STATUS_SCHEMA)
  async services(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<StatusMap> {
    return (await this.updates.services(await this.everything(actor, id))).statuses;
  }

  @Get('stacks/image_status')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @ApiOperation({
    summary:
      'Capstan: update status of every stack by name ({stackName: {Status, Message}}): outdated when any of its containers or services is, updated when all are; roles that see every resource',
    operationId: 'StacksImageStatus',
  })
  @ApiOkResponse(STATUS_SCHEMA)
  async stacks(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<StatusMap> {
    return this.updates.stacks(await this.everything(actor, id));
  }

  @Get('images/registries')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @ApiOperation({
    summary:
      'Capstan: the stored registry each image of the environment comes from ({imageId: {RegistryId, RegistryName, Reference}}), among the registries the caller may use there; images from other registries are absent',
    operationId: 'ImagesRegistries',
  })
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: true } })
  async imageRegistries(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<Record<string, { RegistryId: number; RegistryName: string; Reference: string }>> {
    const { env } = await this.environments.accessFor(actor, id);
    const client = this.engines.client(this.environments.connectionOf(env, 15_000));
    const answer = await client.call('GET', '/images/json');
    if (answer.status !== 200)
      throw new BadGatewayError('The engine did not list images', `/images/json: ${answer.status}`);
    const images = answer.body as { Id: string; RepoTags?: string[] | null; RepoDigests?: string[] | null }[];
    const refs = images.map((i) => ({
      id: i.Id,
      refs: [...(i.RepoTags ?? []), ...(i.RepoDigests ?? [])].filter((r) => !r.startsWith('<none>')),
    }));
    const hosts = refs.flatMap((i) => i.refs.map((r) => splitImageHost(r).host));
    const byHost = await this.registries.registriesForHosts(actor, id, hosts);
    const out: Record<string, { RegistryId: number; RegistryName: string; Reference: string }> = {};
    for (const i of refs)
      for (const ref of i.refs) {
        const r = byHost.get(splitImageHost(ref).host);
        if (r) {
          out[i.id] = { RegistryId: r.Id, RegistryName: r.Name, Reference: ref };
          break;
        }
      }
    return out;
  }

  private async everything(actor: AuthenticatedUser, id: number) {
    const { env, access } = await this.environments.accessFor(actor, id);
    if (!access.seesEveryResource)
      throw new ForbiddenError(
        'Access denied to resource',
        'The status of every resource needs a role that sees all resources',
      );
    return env;
  }
}
