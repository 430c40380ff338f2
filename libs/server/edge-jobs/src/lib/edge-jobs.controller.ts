import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
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
  ApiForbiddenResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { EDGE_HEADERS } from '@capstan/contracts-agent';
import { Permission } from '@capstan/contracts-api';
import {
  Authenticated,
  BadRequestError,
  CurrentUser,
  ParseIdPipe,
  Public,
  setActivityPayload,
  type AuthenticatedUser,
} from '@capstan/server-core';
import {
  CreateEdgeJobDto,
  EdgeJobEnvironmentMeta,
  EdgeJobFileResponse,
  EdgeJobLogsUploadDto,
  EdgeJobResponse,
  EdgeJobTaskResponse,
  UpdateEdgeJobDto,
} from './dto/edge-jobs.dto';
import { readEdgeJobInput } from './edge-job-form';
import { EdgeJobsService } from './edge-jobs.service';

/** A task id: the environment id (Portainer's route variable), or the task's `edgejob_task_<job>_<env>` id. */
function taskEnvironment(jobId: number, taskId: string): number {
  const m = /^(?:edgejob_task_(\d{1,10})_)?(\d{1,10})$/.exec(taskId);
  const env = m ? Number(m[2]) : NaN;
  if (!m || (m[1] !== undefined && Number(m[1]) !== jobId) || env < 1 || env > 2_147_483_647)
    throw new BadRequestError('Invalid task identifier route variable', 'taskId is an environment id');
  return env;
}

/** Portainer's `/api/edge_jobs` (administrators). */
@ApiTags('edge_jobs')
@ApiExtraModels(EdgeJobEnvironmentMeta)
@Controller('edge_jobs')
export class EdgeJobsController {
  constructor(private readonly service: EdgeJobsService) {}

  @Get()
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @ApiOperation({ summary: 'List edge jobs', operationId: 'EdgeJobList' })
  @ApiOkResponse({ type: [EdgeJobResponse] })
  list(): Promise<EdgeJobResponse[]> {
    return this.service.list();
  }

  @Post('create/:method')
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Create an edge job: method string (JSON) or file (multipart form: Name, CronExpression, Recurring, Endpoints, EdgeGroups as JSON, file)',
    operationId: 'EdgeJobCreate',
  })
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({ type: CreateEdgeJobDto })
  @ApiOkResponse({ type: EdgeJobResponse })
  async create(
    @CurrentUser() actor: AuthenticatedUser,
    @Req() req: FastifyRequest,
    @Param('method') method: string,
  ): Promise<EdgeJobResponse> {
    const input = await readEdgeJobInput(req, method);
    setActivityPayload({
      Name: input.name,
      CronExpression: input.cronExpression,
      Recurring: input.recurring,
    });
    return this.service.create(actor, input);
  }

  @Post()
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Deprecated: POST /api/edge_jobs?method=string|file',
    operationId: 'EdgeJobCreateDeprecated',
  })
  @ApiQuery({ name: 'method', required: true })
  @ApiOkResponse({ type: EdgeJobResponse })
  async createDeprecated(
    @CurrentUser() actor: AuthenticatedUser,
    @Req() req: FastifyRequest,
    @Query('method') method?: string,
  ): Promise<EdgeJobResponse> {
    return this.create(actor, req, method ?? '');
  }

  @Get(':id')
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @ApiOperation({ summary: 'Inspect an edge job', operationId: 'EdgeJobInspect' })
  @ApiOkResponse({ type: EdgeJobResponse })
  inspect(@Param('id', ParseIdPipe) id: number): Promise<EdgeJobResponse> {
    return this.service.inspect(id);
  }

  @Put(':id')
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @ApiOperation({
    summary: 'Update an edge job (Version + 1 when the script or the schedule changes)',
    operationId: 'EdgeJobUpdate',
  })
  @ApiOkResponse({ type: EdgeJobResponse })
  update(@Param('id', ParseIdPipe) id: number, @Body() body: UpdateEdgeJobDto): Promise<EdgeJobResponse> {
    return this.service.update(id, {
      name: body.Name,
      cronExpression: body.CronExpression,
      recurring: body.Recurring,
      endpoints: body.Endpoints,
      edgeGroups: body.EdgeGroups,
      script: body.FileContent,
    });
  }

  @Delete(':id')
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete an edge job (agents remove it at their next poll)',
    operationId: 'EdgeJobDelete',
  })
  @ApiNoContentResponse()
  async delete(@Param('id', ParseIdPipe) id: number): Promise<void> {
    await this.service.delete(id);
  }

  @Get(':id/file')
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @ApiOperation({ summary: "The edge job's script", operationId: 'EdgeJobFile' })
  @ApiOkResponse({ type: EdgeJobFileResponse })
  file(@Param('id', ParseIdPipe) id: number): Promise<EdgeJobFileResponse> {
    return this.service.file(id);
  }

  @Get(':id/tasks')
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @ApiOperation({
    summary: 'One task per target environment (direct or through an edge group) with its log state',
    operationId: 'EdgeJobTasksList',
  })
  @ApiOkResponse({ type: [EdgeJobTaskResponse] })
  tasks(@Param('id', ParseIdPipe) id: number): Promise<EdgeJobTaskResponse[]> {
    return this.service.tasks(id);
  }

  @Get(':id/tasks/:taskId/logs')
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @ApiOperation({ summary: "A task's collected log ('' when none)", operationId: 'EdgeJobTaskLogsInspect' })
  @ApiOkResponse({ type: EdgeJobFileResponse })
  logs(@Param('id', ParseIdPipe) id: number, @Param('taskId') taskId: string): Promise<EdgeJobFileResponse> {
    return this.service.readLogs(id, taskEnvironment(id, taskId));
  }

  @Post(':id/tasks/:taskId/logs')
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @HttpCode(204)
  @ApiOperation({
    summary: "Ask the environment's agent for the task's log at its next poll (LogsStatus 2 pending)",
    operationId: 'EdgeJobTasksCollect',
  })
  @ApiNoContentResponse()
  async collect(@Param('id', ParseIdPipe) id: number, @Param('taskId') taskId: string): Promise<void> {
    await this.service.requestLogs(id, taskEnvironment(id, taskId));
  }

  @Delete(':id/tasks/:taskId/logs')
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @HttpCode(204)
  @ApiOperation({ summary: "Delete a task's collected log", operationId: 'EdgeJobTasksClear' })
  @ApiNoContentResponse()
  async clear(@Param('id', ParseIdPipe) id: number, @Param('taskId') taskId: string): Promise<void> {
    await this.service.clearLogs(id, taskEnvironment(id, taskId));
  }
}

/** The edge agent's upload of a job's log (Portainer's `endpointedge` handler). */
@ApiTags('edge')
@Controller('endpoints')
export class EdgeJobLogsController {
  constructor(private readonly service: EdgeJobsService) {}

  @Post(':id/edge/jobs/:jobId/logs')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: "Edge agent: upload a job's log (credential: X-PortainerAgent-EdgeID of this environment)",
    operationId: 'EndpointEdgeJobsLogs',
  })
  @ApiHeader({ name: EDGE_HEADERS.edgeId, required: true })
  @ApiHeader({ name: EDGE_HEADERS.edgeSecret, required: false })
  @ApiOkResponse()
  @ApiForbiddenResponse({ description: 'Another agent, or an environment the job does not target' })
  async upload(
    @Param('id', ParseIdPipe) id: number,
    @Param('jobId', ParseIdPipe) jobId: number,
    @Headers() headers: Record<string, string | undefined>,
    @Body() body: EdgeJobLogsUploadDto,
  ): Promise<void> {
    setActivityPayload({ FileContent: `(${Buffer.byteLength(body.FileContent, 'utf8')} bytes)` });
    await this.service.receiveLogs(
      id,
      jobId,
      {
        edgeId: headers[EDGE_HEADERS.edgeId.toLowerCase()],
        secret: headers[EDGE_HEADERS.edgeSecret.toLowerCase()],
      },
      body.FileContent,
    );
  }
}
