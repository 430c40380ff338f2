import {
  Body,
  Controller,
  Delete,
  Get,
  Head,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { Permission } from '@capstan/contracts-api';
import {
  Authenticated,
  BadRequestError,
  CurrentUser,
  ParseIdPipe,
  optionalQueryId,
  type AuthenticatedUser,
} from '@capstan/server-core';
import {
  CreateRegistryDto,
  RegistryAccessDto,
  RegistryAccessResponse,
  RegistryPingResponse,
  RegistryResponse,
  RetagDto,
  TagInfoResponse,
  UpdateRegistryDto,
} from './dto/registries.dto';
import { RegistriesService } from './registries.service';
import { RegistryBrowser } from './registry-browser';
import { ImageUpdateChecker } from './image-updates';
import { DockerHubQuota, type PullQuota } from './docker-hub-quota';

/** Portainer's `/api/registries`. */
@ApiTags('registries')
@ApiExtraModels(RegistryAccessDto, RegistryAccessResponse)
@Controller('registries')
export class RegistriesController {
  constructor(
    private readonly service: RegistriesService,
    private readonly browser: RegistryBrowser,
    private readonly updates: ImageUpdateChecker,
  ) {}

  @Get(':id/repositories')
  @Authenticated({ permission: Permission.RegistriesManage })
  @ApiOperation({
    summary: "Capstan: the registry's repositories (catalog)",
    operationId: 'RegistryRepositories',
  })
  @ApiOkResponse({ type: [String] })
  async repositories(@Param('id', ParseIdPipe) id: number): Promise<string[]> {
    return this.browser.repositories(await this.service.browseTarget(id));
  }

  @Get(':id/tags')
  @Authenticated({ permission: Permission.RegistriesManage })
  @ApiOperation({
    summary: 'Capstan: tags of a repository with digest and size',
    operationId: 'RegistryTags',
  })
  @ApiQuery({ name: 'repository', required: true })
  @ApiOkResponse({ type: [TagInfoResponse] })
  async tags(
    @Param('id', ParseIdPipe) id: number,
    @Query('repository') repository = '',
  ): Promise<TagInfoResponse[]> {
    return this.browser.tags(await this.service.browseTarget(id), repository);
  }

  @Delete(':id/tags')
  @Authenticated({ permission: Permission.RegistriesManage })
  @HttpCode(204)
  @ApiOperation({
    summary: 'Capstan: delete a tag (its manifest, by digest)',
    operationId: 'RegistryTagDelete',
  })
  @ApiQuery({ name: 'repository', required: true })
  @ApiQuery({ name: 'tag', required: true })
  @ApiNoContentResponse()
  async deleteTag(
    @Param('id', ParseIdPipe) id: number,
    @Query('repository') repository = '',
    @Query('tag') tag = '',
  ): Promise<void> {
    const target = await this.service.browseTarget(id);
    await this.browser.deleteTag(target, repository, tag);
    this.updates.forget(`${target.address}/${repository}:${tag}`);
  }

  @Post(':id/retag')
  @Authenticated({ permission: Permission.RegistriesManage })
  @HttpCode(200)
  @ApiOperation({ summary: "Capstan: put a tag's manifest under a new tag", operationId: 'RegistryRetag' })
  @ApiOkResponse({ type: TagInfoResponse })
  async retag(@Param('id', ParseIdPipe) id: number, @Body() body: RetagDto): Promise<TagInfoResponse> {
    const target = await this.service.browseTarget(id);
    const tag = await this.browser.retag(target, body.Repository, body.Tag, body.NewTag);
    // The registry's digest for that tag changed here: update statuses must not wait for the cache to expire.
    this.updates.forget(`${target.address}/${body.Repository}:${body.NewTag}`);
    return tag;
  }

  @Get(':id/v2/*')
  @Head(':id/v2/*')
  @Delete(':id/v2/*')
  @Authenticated({ permission: Permission.RegistriesManage })
  @ApiOperation({
    summary:
      'Browse the registry API with the stored credentials: /v2/_catalog, /v2/<repo>/tags/list, /v2/<repo>/manifests/<ref> (GET, HEAD; DELETE of a manifest)',
    operationId: 'RegistryV2Proxy',
  })
  async v2(
    @Param('id', ParseIdPipe) id: number,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const raw = request.url.slice(request.url.indexOf('/v2'));
    const method = request.method === 'HEAD' ? 'HEAD' : request.method === 'DELETE' ? 'DELETE' : 'GET';
    const answer = await this.browser.pass(await this.service.browseTarget(id), method, raw);
    await reply.status(answer.status).headers(answer.headers).send(answer.body);
  }

  @Get()
  @Authenticated({ permission: Permission.RegistriesManage })
  @ApiOperation({
    summary: 'List registries (administrators; secrets never returned)',
    operationId: 'RegistryList',
  })
  @ApiOkResponse({ type: [RegistryResponse] })
  list(): Promise<RegistryResponse[]> {
    return this.service.list();
  }

  @Post()
  @Authenticated({ permission: Permission.RegistriesManage })
  @HttpCode(200)
  @ApiOperation({ summary: 'Create a registry', operationId: 'RegistryCreate' })
  @ApiOkResponse({ type: RegistryResponse })
  create(@Body() body: CreateRegistryDto): Promise<RegistryResponse> {
    return this.service.create(body);
  }

  @Post('ping')
  @Authenticated({ permission: Permission.RegistriesManage })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Capstan: test connection — log in to the registry for real with the given credentials',
    operationId: 'RegistryPing',
  })
  @ApiOkResponse({ type: RegistryPingResponse })
  ping(@Body() body: CreateRegistryDto): Promise<RegistryPingResponse> {
    return this.service.ping(body);
  }

  @Post(':id/ping')
  @Authenticated({ permission: Permission.RegistriesManage })
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Capstan: test connection of a stored registry (the body may change fields; Password kept if omitted)',
    operationId: 'RegistryPingStored',
  })
  @ApiOkResponse({ type: RegistryPingResponse })
  pingStored(
    @Param('id', ParseIdPipe) id: number,
    @Body() body: CreateRegistryDto,
  ): Promise<RegistryPingResponse> {
    return this.service.ping(body, id);
  }

  @Get(':id')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @ApiOperation({
    summary: 'Inspect a registry (non-administrators give endpointId and see it only where they may use it)',
    operationId: 'RegistryInspect',
  })
  @ApiQuery({ name: 'endpointId', required: false })
  @ApiOkResponse({ type: RegistryResponse })
  inspect(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
    @Query('endpointId') endpointId?: string,
  ): Promise<RegistryResponse> {
    return this.service.inspect(actor, id, optionalQueryId(endpointId, 'endpointId'));
  }

  @Put(':id')
  @Authenticated({ permission: Permission.RegistriesManage })
  @ApiOperation({
    summary: 'Update a registry (Password kept when omitted or empty)',
    operationId: 'RegistryUpdate',
  })
  @ApiOkResponse({ type: RegistryResponse })
  update(@Param('id', ParseIdPipe) id: number, @Body() body: UpdateRegistryDto): Promise<RegistryResponse> {
    return this.service.update(id, body);
  }

  @Delete(':id')
  @Authenticated({ permission: Permission.RegistriesManage })
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a registry', operationId: 'RegistryDelete' })
  @ApiNoContentResponse()
  async delete(@Param('id', ParseIdPipe) id: number): Promise<void> {
    await this.service.delete(id);
  }
}

/** Portainer's `GET /api/endpoints/{id}/dockerhub/{registryId}`: the pull quota of a stored Docker Hub account. */
@ApiTags('registries')
@Controller('endpoints/:id/dockerhub')
export class DockerHubQuotaController {
  constructor(
    private readonly service: RegistriesService,
    private readonly hub: DockerHubQuota,
  ) {}

  @Get(':registryId')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @ApiOperation({
    summary: 'Docker Hub pull quota {Remaining, Limit} of a stored Docker Hub registry (0: anonymous)',
    operationId: 'EndpointDockerHubQuota',
  })
  @ApiOkResponse({
    schema: { type: 'object', properties: { Remaining: { type: 'number' }, Limit: { type: 'number' } } },
  })
  async quota(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
    @Param('registryId') registryId: string,
  ): Promise<PullQuota> {
    if (!/^\d{1,10}$/.test(registryId) || Number(registryId) > 2_147_483_647)
      throw new BadRequestError('Invalid registry identifier route variable', 'registryId must be a number');
    return this.hub.quota(await this.service.dockerHubTarget(actor, id, Number(registryId)));
  }
}

/** Portainer's `/api/endpoints/{id}/registries`. */
@ApiTags('registries')
@Controller('endpoints/:id/registries')
export class EndpointRegistriesController {
  constructor(private readonly service: RegistriesService) {}

  @Get()
  @Authenticated({ permission: Permission.EnvironmentsList })
  @ApiOperation({
    summary: 'Registries usable on this environment (non-administrators: theirs only, without credentials)',
    operationId: 'EndpointRegistriesList',
  })
  @ApiOkResponse({ type: [RegistryResponse] })
  list(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<RegistryResponse[]> {
    return this.service.forEnvironment(actor, id);
  }

  @Put(':registryId')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @ApiOperation({
    summary: 'Who may use a registry on this environment (administrators and environment administrators)',
    operationId: 'EndpointRegistryAccess',
  })
  @ApiOkResponse({ type: RegistryResponse })
  access(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
    @Param('registryId', ParseIdPipe) registryId: number,
    @Body() body: RegistryAccessDto,
  ): Promise<RegistryResponse> {
    return this.service.setAccess(actor, id, registryId, body);
  }
}
