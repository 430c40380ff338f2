import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Post,
  Put,
  Query,
  Req,
} from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiExtraModels,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { EDGE_HEADERS, type EdgeStackPayload } from '@capstan/contracts-agent';
import { Permission } from '@capstan/contracts-api';
import {
  Authenticated,
  CAPSTAN_CONFIG,
  ParseIdPipe,
  Public,
  optionalQueryId,
  type CapstanConfig,
} from '@capstan/server-core';
import { GitService } from '@capstan/server-git';
import { bodyReader, readEdgeStackInput } from './edge-stack-input';
import {
  CreateEdgeStackDto,
  EdgeStackEnvironmentStatus,
  EdgeStackFileResponse,
  EdgeStackResponse,
  EdgeStackStatusDto,
  UpdateEdgeStackDto,
} from './edge-stacks.dto';
import { EdgeStacksService } from './edge-stacks.service';

/** Portainer's `/api/edge_stacks` (administrators), and the agent's status report. */
@ApiTags('edge_stacks')
@ApiExtraModels(EdgeStackEnvironmentStatus)
@Controller('edge_stacks')
export class EdgeStacksController {
  constructor(
    private readonly stacks: EdgeStacksService,
    private readonly git: GitService,
    @Inject(CAPSTAN_CONFIG) private readonly config: CapstanConfig,
  ) {}

  @Post('create/:method')
  @HttpCode(200)
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @ApiOperation({
    summary: 'Create an edge stack: method string (JSON), file (multipart) or repository (git)',
    operationId: 'EdgeStackCreate',
  })
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({ type: CreateEdgeStackDto })
  @ApiOkResponse({ type: EdgeStackResponse })
  async create(@Req() req: FastifyRequest, @Param('method') method: string): Promise<EdgeStackResponse> {
    return this.stacks.create(await readEdgeStackInput(req, method, this.git, this.config.dataDir));
  }

  @Get()
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @ApiOperation({ summary: 'List edge stacks with per-environment status', operationId: 'EdgeStackList' })
  @ApiOkResponse({ type: [EdgeStackResponse] })
  list(): Promise<EdgeStackResponse[]> {
    return this.stacks.list();
  }

  @Get(':id')
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @ApiOperation({ summary: 'Inspect an edge stack', operationId: 'EdgeStackInspect' })
  @ApiOkResponse({ type: EdgeStackResponse })
  inspect(@Param('id', ParseIdPipe) id: number): Promise<EdgeStackResponse> {
    return this.stacks.response(id);
  }

  @Get(':id/file')
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @ApiOperation({
    summary: "The edge stack's compose file (?version= for an earlier one)",
    operationId: 'EdgeStackFile',
  })
  @ApiQuery({ name: 'version', required: false })
  @ApiOkResponse({ type: EdgeStackFileResponse })
  async file(
    @Param('id', ParseIdPipe) id: number,
    @Query('version') version?: string,
  ): Promise<EdgeStackFileResponse> {
    return { StackFileContent: await this.stacks.file(id, optionalQueryId(version, 'version')) };
  }

  @Put(':id')
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @ApiOperation({
    summary:
      'Update an edge stack (Version++ when the file, variables or registries change, or UpdateVersion)',
    operationId: 'EdgeStackUpdate',
  })
  @ApiBody({ type: UpdateEdgeStackDto })
  @ApiOkResponse({ type: EdgeStackResponse })
  update(@Param('id', ParseIdPipe) id: number, @Body() body: unknown): Promise<EdgeStackResponse> {
    const get = bodyReader(body);
    return this.stacks.update(id, {
      content: get('StackFileContent'),
      updateVersion: get('UpdateVersion'),
      edgeGroups: get('EdgeGroups'),
      deploymentType: get('DeploymentType'),
      registries: get('Registries'),
      envVars: get('EnvVars') ?? get('Env'),
    });
  }

  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @ApiOperation({
    summary: 'Delete an edge stack (agents remove it at their next poll)',
    operationId: 'EdgeStackDelete',
  })
  @ApiNoContentResponse()
  async delete(@Param('id', ParseIdPipe) id: number): Promise<void> {
    await this.stacks.delete(id);
  }

  @Put(':id/status')
  @Public()
  @ApiOperation({
    summary: 'Edge agent: report a status for its environment (credential: X-PortainerAgent-EdgeID)',
    operationId: 'EdgeStackStatusUpdate',
  })
  @ApiHeader({ name: EDGE_HEADERS.edgeId, required: true })
  @ApiOkResponse()
  report(
    @Param('id', ParseIdPipe) id: number,
    @Body() body: EdgeStackStatusDto,
    @Headers(EDGE_HEADERS.edgeId.toLowerCase()) edgeId?: string,
    @Headers(EDGE_HEADERS.edgeSecret.toLowerCase()) secret?: string,
  ): Promise<{ Id: number }> {
    return this.stacks.report(id, body, edgeId, secret);
  }
}

/** The agent's payload route, under Portainer's `endpointedge` paths. */
@ApiTags('edge')
@Controller('endpoints')
export class EdgeStackPayloadController {
  constructor(private readonly stacks: EdgeStacksService) {}

  @Get(':id/edge/stacks/:stackId')
  @Public()
  @ApiOperation({
    summary: 'Edge agent: the stack payload to deploy (credential: X-PortainerAgent-EdgeID)',
    operationId: 'EndpointEdgeStackInspect',
  })
  @ApiHeader({ name: EDGE_HEADERS.edgeId, required: true })
  @ApiQuery({ name: 'version', required: false })
  @ApiOkResponse()
  payload(
    @Param('id', ParseIdPipe) id: number,
    @Param('stackId', ParseIdPipe) stackId: number,
    @Query('version') version?: string,
    @Headers(EDGE_HEADERS.edgeId.toLowerCase()) edgeId?: string,
    @Headers(EDGE_HEADERS.edgeSecret.toLowerCase()) secret?: string,
  ): Promise<EdgeStackPayload> {
    return this.stacks.payload(id, stackId, edgeId, secret, optionalQueryId(version, 'version'));
  }
}
