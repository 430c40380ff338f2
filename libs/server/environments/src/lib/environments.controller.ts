import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiQuery,
  ApiConsumes,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EnvironmentType, Permission } from '@capstan/contracts-api';
import {
  Authenticated,
  CurrentUser,
  ForbiddenError,
  ParseIdPipe,
  ServiceUnavailableError,
  setTotalCount,
  type AuthenticatedUser,
} from '@capstan/server-core';
import {
  BatchDeleteDto,
  EnvironmentListQuery,
  EnvironmentResponse,
  UpdateEnvironmentDto,
  UpdateSecuritySettingsDto,
} from './dto/environments.dto';
import { readCreateForm } from './creation/create-form';
import { EnvironmentsService } from './environments.service';
import { SnapshotService } from './snapshot.service';

class CreateEnvironmentForm {
  @ApiProperty({ example: 'local' }) Name!: string;
  @ApiProperty({
    description:
      '1 Docker API or socket, 2 classic agent (URL host:9001; the agent must answer GET https://host:port/ping)',
    example: 1,
  })
  EndpointCreationType!: number;
  @ApiProperty({
    required: false,
    example: 'unix:///var/run/docker.sock',
    description: 'Empty = the local socket; tcp://host:port (agents: host:port, port 9001 by default)',
  })
  URL?: string;
  @ApiProperty({ required: false }) PublicURL?: string;
  @ApiProperty({ required: false, example: 1 }) GroupID?: number;
  @ApiProperty({ required: false, example: '[1,2]', description: 'JSON array of tag ids' }) TagIds?: string;
  @ApiProperty({ required: false }) TLS?: boolean;
  @ApiProperty({ required: false }) TLSSkipVerify?: boolean;
  @ApiProperty({ required: false, type: 'string', format: 'binary' }) TLSCACertFile?: unknown;
  @ApiProperty({ required: false, type: 'string', format: 'binary' }) TLSCertFile?: unknown;
  @ApiProperty({ required: false, type: 'string', format: 'binary' }) TLSKeyFile?: unknown;
  @ApiProperty({ required: false, enum: ['docker', 'podman'] }) ContainerEngine?: string;
}

class BatchDeleteResponse {
  @ApiProperty({ type: [Number] }) deleted!: number[];
  @ApiProperty({
    type: 'array',
    items: { type: 'object', properties: { id: { type: 'number' }, message: { type: 'string' } } },
  })
  errors!: { id: number; message: string }[];
}

class LocalEngineResponse {
  @ApiProperty() Available!: boolean;
  @ApiProperty({ example: 'unix:///var/run/docker.sock' }) URL!: string;
  @ApiProperty({ enum: ['docker', 'podman'], nullable: true, type: String }) Engine!:
    'docker' | 'podman' | null;
  @ApiProperty({ nullable: true, type: String }) Version!: string | null;
}

class SnapshotOutcomeResponse {
  @ApiProperty() environmentId!: number;
  @ApiProperty({ description: '1 up, 2 down' }) status!: number;
  @ApiProperty({ required: false }) error?: string;
}

@ApiTags('endpoints')
@Controller('endpoints')
export class EnvironmentsController {
  constructor(
    private readonly environments: EnvironmentsService,
    private readonly snapshots: SnapshotService,
  ) {}

  @Post()
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Create an environment (multipart form, Portainer field names); checks the engine (or the agent) answers',
    operationId: 'EndpointCreate',
  })
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiBody({ type: CreateEnvironmentForm })
  @ApiOkResponse({ type: EnvironmentResponse })
  async create(
    @CurrentUser() actor: AuthenticatedUser,
    @Req() req: FastifyRequest,
  ): Promise<EnvironmentResponse> {
    const env = await this.environments.create(await readCreateForm(req));
    // An edge agent has not called in yet: its first snapshot comes through its tunnel.
    if (env.type !== EnvironmentType.EdgeAgent) await this.snapshots.snapshotOne(env);
    const [response] = await this.environments.toResponses(
      actor,
      [await this.environments.get(env.id)],
      true,
    );
    return response;
  }

  @Get()
  @Authenticated({ permission: Permission.EnvironmentsList })
  @ApiOperation({
    summary: 'List environments (paged, filtered; non-admins see those they have access to)',
    operationId: 'EndpointList',
  })
  @ApiOkResponse({ type: [EnvironmentResponse] })
  async list(
    @CurrentUser() actor: AuthenticatedUser,
    @Query() q: EnvironmentListQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<EnvironmentResponse[]> {
    const { items, total, available } = await this.environments.list(actor, q);
    setTotalCount(reply, total, available);
    return this.environments.toResponses(actor, items, q.excludeSnapshots !== 'true');
  }

  @Post('snapshot')
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @HttpCode(200)
  @ApiOperation({ summary: 'Snapshot every environment now', operationId: 'EndpointSnapshots' })
  @ApiOkResponse({ type: [SnapshotOutcomeResponse] })
  async snapshotAll(): Promise<SnapshotOutcomeResponse[]> {
    return this.snapshots.snapshotAll();
  }

  @Delete()
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete several environments', operationId: 'EndpointDeleteBatch' })
  @ApiOkResponse({ type: BatchDeleteResponse })
  async deleteMany(@Body() body: BatchDeleteDto): Promise<BatchDeleteResponse> {
    return this.environments.deleteMany(body.endpoints.map((e) => e.id));
  }

  @Get('local-engine')
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @ApiOperation({
    summary: "Capstan: whether this host's Docker (or Podman) socket answers, for the first-run offer",
    operationId: 'EndpointLocalEngine',
  })
  @ApiOkResponse({ type: LocalEngineResponse })
  async localEngine(): Promise<LocalEngineResponse> {
    return this.environments.localEngine();
  }

  @Get(':id')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @ApiOperation({
    summary:
      "Inspect an environment; ?withRaw=true adds the last snapshot's raw lists (browse a down environment)",
    operationId: 'EndpointInspect',
  })
  @ApiQuery({ name: 'withRaw', required: false, enum: ['true', 'false'] })
  @ApiOkResponse({ type: EnvironmentResponse })
  async inspect(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
    @Query('withRaw') withRaw?: string,
  ): Promise<EnvironmentResponse> {
    const { entity, access } = await this.environments.entityFor(actor, id);
    const [response] = await this.environments.toResponses(actor, [entity], true);
    if (withRaw === 'true' && response.Snapshots.length > 0) {
      // The raw lists hold every resource: only for roles that see them all, until ownership filters them.
      if (!access.can(Permission.ResourcesReadAll)) {
        throw new ForbiddenError(
          'Access denied to resource',
          'The raw snapshot lists every resource of the environment',
        );
      }
      const raw = await this.snapshots.raw(id);
      if (raw) response.Snapshots[0].DockerSnapshotRaw = raw as unknown as Record<string, unknown>;
    }
    return response;
  }

  @Put(':id')
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @ApiOperation({
    summary: 'Update an environment (name, URL, group, tags, status, access policies)',
    operationId: 'EndpointUpdate',
  })
  @ApiOkResponse({ type: EnvironmentResponse })
  async update(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
    @Body() body: UpdateEnvironmentDto,
  ): Promise<EnvironmentResponse> {
    const [response] = await this.environments.toResponses(
      actor,
      [await this.environments.update(id, body)],
      true,
    );
    return response;
  }

  @Delete(':id')
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an environment', operationId: 'EndpointDelete' })
  @ApiNoContentResponse()
  async delete(@Param('id', ParseIdPipe) id: number): Promise<void> {
    await this.environments.delete(id);
  }

  @Put(':id/settings')
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @ApiOperation({ summary: 'Security toggles for regular users', operationId: 'EndpointSettingsUpdate' })
  @ApiOkResponse({ type: EnvironmentResponse })
  async settings(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
    @Body() body: UpdateSecuritySettingsDto,
  ): Promise<EnvironmentResponse> {
    const [response] = await this.environments.toResponses(
      actor,
      [await this.environments.updateSecuritySettings(id, body)],
      true,
    );
    return response;
  }

  @Post(':id/snapshot')
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @HttpCode(204)
  @ApiOperation({
    summary: 'Snapshot one environment now (fails with 503 when it is down)',
    operationId: 'EndpointSnapshot',
  })
  @ApiNoContentResponse()
  async snapshot(@Param('id', ParseIdPipe) id: number): Promise<void> {
    const outcome = await this.snapshots.snapshotOne(await this.environments.get(id));
    if (outcome.status === 2) {
      throw new ServiceUnavailableError(
        'Unable to snapshot the environment: it is down',
        outcome.error ?? '',
      );
    }
  }
}
