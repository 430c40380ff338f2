import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
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
  type AuthenticatedUser,
} from '@capstan/server-core';
import {
  CreateRegistryDto,
  RegistryAccessDto,
  RegistryAccessResponse,
  RegistryPingResponse,
  RegistryResponse,
  UpdateRegistryDto,
} from './dto/registries.dto';
import { RegistriesService } from './registries.service';

/** Portainer's `/api/registries`. */
@ApiTags('registries')
@ApiExtraModels(RegistryAccessDto, RegistryAccessResponse)
@Controller('registries')
export class RegistriesController {
  constructor(private readonly service: RegistriesService) {}

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
    return this.service.inspect(actor, id, optionalId(endpointId));
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

function optionalId(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  if (!/^\d{1,10}$/.test(text) || Number(text) < 1 || Number(text) > 2_147_483_647)
    throw new BadRequestError('Invalid query parameter', 'endpointId must be a positive integer');
  return Number(text);
}
