import { GitService } from '@capstan/server-git';
import { bodyGetter, envList, readRepositorySource } from './git-source';
import {
  Body,
  Controller,
  Delete,
  Get,
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
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTooManyRequestsResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Permission } from '@capstan/contracts-api';
import {
  Authenticated,
  BadRequestError,
  CAPSTAN_CONFIG,
  CurrentUser,
  Public,
  type CapstanConfig,
  ParseIdPipe,
  filterError,
  optionalQueryId,
  parseJsonFilters,
  requiredQueryId,
  type AuthenticatedUser,
} from '@capstan/server-core';
import {
  AdoptStackDto,
  CreateStackDto,
  MigrateStackDto,
  StackDeployLogResponse,
  StackDriftResponse,
  StackGitRedeployDto,
  StackGitUpdateDto,
  StackVersionsDiffResponse,
  StackFileResponse,
  StackResponse,
  StackVersionsResponse,
  UpdateStackDto,
} from './dto/stacks.dto';
import { STACK_COMPOSE, STACK_SWARM } from './stack-deployer';
import { StackDriftService } from './stack-drift.service';
import { StackGitService } from './stack-git.service';
import { readStackForm } from './stack-form';
import { StacksService, type CreateStackInput } from './stacks.service';

/** Portainer's `/api/stacks` (file stacks; the git module adds the repository routes). */
@ApiTags('stacks')
@Controller('stacks')
export class StacksController {
  constructor(
    private readonly service: StacksService,
    private readonly git: GitService,
    private readonly gitStacks: StackGitService,
    private readonly drifts: StackDriftService,
    @Inject(CAPSTAN_CONFIG) private readonly config: CapstanConfig,
  ) {}

  @Post('webhooks/:uuid')
  @Public()
  @HttpCode(204)
  @ApiOperation({
    summary:
      'Public: redeploy the git stack whose AutoUpdate.Webhook is {uuid} when its remote commit changed (or ForceUpdate); pulls images with ForcePullImage',
    operationId: 'StackWebhookInvoke',
  })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'Unknown webhook' })
  @ApiTooManyRequestsResponse({ description: 'Too many calls (Retry-After)' })
  async webhook(@Req() request: FastifyRequest, @Param('uuid') uuid: string): Promise<void> {
    await this.gitStacks.webhook(uuid, request.ip);
  }

  @Post('git/check')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Capstan, administrators: one auto-update pass over every git stack with an interval now; counts per outcome (updated, unchanged, busy, environment-down, gone, failed) and DurationMs',
    operationId: 'StackGitCheckAll',
  })
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: { type: 'number' } } })
  async checkAll(@CurrentUser() actor: AuthenticatedUser): Promise<Record<string, number>> {
    return this.gitStacks.checkAllNow(actor);
  }

  @Post(':id/git')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Change a git stack's settings (reference, credentials, AutoUpdate, Env, Prune); tried against the repository first, no redeploy",
    operationId: 'StackUpdateGit',
  })
  @ApiQuery({ name: 'endpointId', required: false })
  @ApiBody({ type: StackGitUpdateDto })
  @ApiOkResponse({ type: StackResponse })
  async updateGit(
    @CurrentUser() actor: AuthenticatedUser,
    @Req() req: FastifyRequest,
    @Param('id', ParseIdPipe) id: number,
    @Query('endpointId') endpointId?: string,
  ): Promise<StackResponse> {
    return this.gitStacks.updateSettings(actor, id, optionalQueryId(endpointId, 'endpointId'), req.body);
  }

  @Put(':id/git/redeploy')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @ApiOperation({
    summary: 'Pull the git stack (its reference or RepositoryReferenceName) and redeploy',
    operationId: 'StackGitRedeploy',
  })
  @ApiQuery({ name: 'endpointId', required: false })
  @ApiBody({ type: StackGitRedeployDto })
  @ApiOkResponse({ type: StackResponse })
  async redeployGit(
    @CurrentUser() actor: AuthenticatedUser,
    @Req() req: FastifyRequest,
    @Param('id', ParseIdPipe) id: number,
    @Query('endpointId') endpointId?: string,
  ): Promise<StackResponse> {
    return this.gitStacks.redeployRoute(actor, id, optionalQueryId(endpointId, 'endpointId'), req.body ?? {});
  }

  @Get(':id/drift')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @ApiOperation({
    summary:
      "Capstan: where what runs (image, replicas, published ports, the file's env) differs from the stack's file",
    operationId: 'StackDrift',
  })
  @ApiOkResponse({ type: StackDriftResponse })
  async drift(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<StackDriftResponse> {
    return this.drifts.drift(actor, id);
  }

  @Post(':id/drift/reapply')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Capstan: put the stack's file back on the engine (compose up -d / stack deploy); the drift after it",
    operationId: 'StackDriftReapply',
  })
  @ApiQuery({ name: 'endpointId', required: false })
  @ApiOkResponse({ type: StackDriftResponse })
  async reapply(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
    @Query('endpointId') endpointId?: string,
  ): Promise<StackDriftResponse> {
    return this.drifts.reapply(actor, id, optionalQueryId(endpointId, 'endpointId'));
  }

  @Get(':id/versions/diff')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @ApiOperation({
    summary: 'Capstan: unified diff between two stored versions',
    operationId: 'StackVersionsDiff',
  })
  @ApiQuery({ name: 'from', required: true })
  @ApiQuery({ name: 'to', required: true })
  @ApiOkResponse({ type: StackVersionsDiffResponse })
  async versionsDiff(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
    @Query('from') from?: string,
    @Query('to') to?: string,
  ): Promise<StackVersionsDiffResponse> {
    return this.drifts.diff(actor, id, requiredQueryId(from, 'from'), requiredQueryId(to, 'to'));
  }

  @Post('create/:type/:method')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Deploy a new stack: type standalone (compose) or swarm, method string (JSON), file (multipart) or repository (git)',
    operationId: 'StackCreate',
  })
  @ApiQuery({ name: 'endpointId', required: true })
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({ type: CreateStackDto })
  @ApiOkResponse({ type: StackResponse })
  async create(
    @CurrentUser() actor: AuthenticatedUser,
    @Req() req: FastifyRequest,
    @Param('type') type: string,
    @Param('method') method: string,
    @Query('endpointId') endpointId?: string,
  ): Promise<StackResponse> {
    const t = type === 'swarm' ? STACK_SWARM : type === 'standalone' ? STACK_COMPOSE : undefined;
    if (t === undefined)
      throw new BadRequestError(
        'Invalid type',
        'type is "standalone" or "swarm" (kubernetes is not supported)',
      );
    return this.service.create(
      actor,
      t,
      requiredQueryId(endpointId, 'endpointId'),
      await readInput(req, method, this.git, this.config.dataDir),
    );
  }

  @Post()
  @Authenticated({ permission: Permission.EnvironmentsList })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Deprecated: POST /api/stacks?type=1|2&method=string|file&endpointId=',
    operationId: 'StackCreateDeprecated',
  })
  @ApiQuery({ name: 'type', required: true, description: '1 swarm, 2 compose' })
  @ApiQuery({ name: 'method', required: true })
  @ApiQuery({ name: 'endpointId', required: true })
  @ApiOkResponse({ type: StackResponse })
  async createDeprecated(
    @CurrentUser() actor: AuthenticatedUser,
    @Req() req: FastifyRequest,
    @Query('type') type?: string,
    @Query('method') method?: string,
    @Query('endpointId') endpointId?: string,
  ): Promise<StackResponse> {
    const t = type === '1' ? STACK_SWARM : type === '2' ? STACK_COMPOSE : undefined;
    if (t === undefined)
      throw new BadRequestError('Invalid query parameter: type', 'type is 1 (swarm) or 2 (compose)');
    return this.service.create(
      actor,
      t,
      requiredQueryId(endpointId, 'endpointId'),
      await readInput(req, method ?? '', this.git, this.config.dataDir),
    );
  }

  @Post('adopt')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Capstan: take over a compose project or Swarm stack made outside Capstan (pasted file, or the recorded one on a local engine)',
    operationId: 'StackAdopt',
  })
  @ApiQuery({ name: 'endpointId', required: true })
  @ApiOkResponse({ type: StackResponse })
  async adopt(
    @CurrentUser() actor: AuthenticatedUser,
    @Body() body: AdoptStackDto,
    @Query('endpointId') endpointId?: string,
  ): Promise<StackResponse> {
    return this.service.adopt(actor, requiredQueryId(endpointId, 'endpointId'), {
      name: body.Name,
      content: body.StackFileContent,
      env: body.Env,
    });
  }

  @Get()
  @Authenticated({ permission: Permission.EnvironmentsList })
  @ApiOperation({
    summary:
      'List stacks the caller may see; with EndpointID, also the ones made outside Capstan (External: true)',
    operationId: 'StackList',
  })
  @ApiQuery({ name: 'filters', required: false, description: 'JSON {"EndpointID": 1, "SwarmID": "…"}' })
  @ApiOkResponse({ type: [StackResponse] })
  async list(
    @CurrentUser() actor: AuthenticatedUser,
    @Query('filters') filters?: string,
  ): Promise<StackResponse[]> {
    return this.service.list(actor, parseFilters(filters));
  }

  @Get(':id')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @ApiOperation({ summary: 'Inspect a stack', operationId: 'StackInspect' })
  @ApiOkResponse({ type: StackResponse })
  async inspect(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<StackResponse> {
    return this.service.inspect(actor, id);
  }

  @Get(':id/file')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @ApiOperation({
    summary: "The stack's entry file (a stored version with ?version=)",
    operationId: 'StackFileInspect',
  })
  @ApiQuery({ name: 'version', required: false })
  @ApiOkResponse({ type: StackFileResponse })
  async file(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
    @Query('version') version?: string,
  ): Promise<StackFileResponse> {
    return this.service.file(
      actor,
      id,
      version === undefined ? undefined : requiredQueryId(version, 'version'),
    );
  }

  @Get(':id/versions')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @ApiOperation({ summary: 'Capstan: the stored file versions of a stack', operationId: 'StackVersions' })
  @ApiOkResponse({ type: StackVersionsResponse })
  async versions(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<StackVersionsResponse> {
    return this.service.versions(actor, id);
  }

  @Get(':id/deploy-log')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @ApiOperation({
    summary: "Capstan: the running deploy's lines, else the last deploy's",
    operationId: 'StackDeployLog',
  })
  @ApiOkResponse({ type: StackDeployLogResponse })
  async deployLog(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<StackDeployLogResponse> {
    return this.service.deployLog(actor, id);
  }

  @Put(':id')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @ApiOperation({
    summary: 'Update a stack (new file or RollbackTo a version, Env, Prune, PullImage) and redeploy',
    operationId: 'StackUpdate',
  })
  @ApiQuery({ name: 'endpointId', required: false })
  @ApiOkResponse({ type: StackResponse })
  async update(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
    @Body() body: UpdateStackDto,
    @Query('endpointId') endpointId?: string,
  ): Promise<StackResponse> {
    return this.service.update(actor, id, optionalQueryId(endpointId, 'endpointId'), {
      content: body.StackFileContent,
      env: body.Env,
      prune: body.Prune,
      pullImage: body.PullImage,
      rollbackTo: body.RollbackTo,
    });
  }

  @Post(':id/start')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @HttpCode(200)
  @ApiOperation({ summary: 'Start a stopped stack', operationId: 'StackStart' })
  @ApiQuery({ name: 'endpointId', required: false })
  @ApiOkResponse({ type: StackResponse })
  async start(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
    @Query('endpointId') endpointId?: string,
  ): Promise<StackResponse> {
    return this.service.start(actor, id, optionalQueryId(endpointId, 'endpointId'));
  }

  @Post(':id/stop')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Stop a stack (compose down / stack rm), keeping its record',
    operationId: 'StackStop',
  })
  @ApiQuery({ name: 'endpointId', required: false })
  @ApiOkResponse({ type: StackResponse })
  async stop(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
    @Query('endpointId') endpointId?: string,
  ): Promise<StackResponse> {
    return this.service.stop(actor, id, optionalQueryId(endpointId, 'endpointId'));
  }

  @Post(':id/migrate')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Recreate the stack on another environment, then remove the original',
    operationId: 'StackMigrate',
  })
  @ApiQuery({ name: 'endpointId', required: false })
  @ApiOkResponse({ type: StackResponse })
  async migrate(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
    @Body() body: MigrateStackDto,
    @Query('endpointId') endpointId?: string,
  ): Promise<StackResponse> {
    return this.service.migrate(actor, id, optionalQueryId(endpointId, 'endpointId'), body);
  }

  @Put(':id/associate')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @ApiOperation({
    summary: 'Administrators: attach an orphaned stack to an environment',
    operationId: 'StackAssociate',
  })
  @ApiQuery({ name: 'endpointId', required: true })
  @ApiQuery({ name: 'swarmId', required: false })
  @ApiQuery({ name: 'orphanedRunning', required: false })
  @ApiOkResponse({ type: StackResponse })
  async associate(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
    @Query('endpointId') endpointId?: string,
    @Query('swarmId') swarmId?: string,
    @Query('orphanedRunning') orphanedRunning?: string,
  ): Promise<StackResponse> {
    return this.service.associate(
      actor,
      id,
      requiredQueryId(endpointId, 'endpointId'),
      swarmId || undefined,
      orphanedRunning === 'true',
    );
  }

  @Delete(':id')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @HttpCode(204)
  @ApiOperation({
    summary: 'Remove a stack; with external=true, {id} is the name of a stack made outside Capstan',
    operationId: 'StackDelete',
  })
  @ApiQuery({ name: 'endpointId', required: false })
  @ApiQuery({ name: 'external', required: false })
  @ApiQuery({ name: 'type', required: false, description: 'external stacks: 1 swarm, 2 compose (default)' })
  @ApiNoContentResponse()
  async delete(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id') id: string,
    @Query('endpointId') endpointId?: string,
    @Query('external') external?: string,
    @Query('type') type?: string,
  ): Promise<void> {
    if (external === 'true') {
      if (!/^[a-z0-9][a-z0-9_-]{0,254}$/.test(id)) throw new BadRequestError('Invalid stack name', id);
      await this.service.deleteExternal(
        actor,
        id,
        requiredQueryId(endpointId, 'endpointId'),
        type === '1' ? STACK_SWARM : STACK_COMPOSE,
      );
      return;
    }
    await this.service.delete(actor, requiredQueryId(id, 'id'), optionalQueryId(endpointId, 'endpointId'));
  }
}

async function readInput(
  req: FastifyRequest,
  method: string,
  git: GitService,
  dataDir: string,
): Promise<CreateStackInput> {
  if (method === 'file') return readStackForm(req);
  if (method !== 'string' && method !== 'repository')
    throw new BadRequestError('Invalid method', 'method is "string", "file" or "repository"');
  const get = bodyGetter(req.body);
  const name = get('Name');
  if (typeof name !== 'string') throw new BadRequestError('Invalid stack name', 'Name must be a string');
  const content = method === 'repository' ? '' : get('StackFileContent');
  if (typeof content !== 'string')
    throw new BadRequestError('Invalid stack file content', 'StackFileContent must be a string');
  const env = get('Env');
  const vars = env === undefined || env === null ? [] : envList(env);
  const swarmId = get('SwarmID');
  if (swarmId !== undefined && swarmId !== null && typeof swarmId !== 'string')
    throw new BadRequestError('Invalid SwarmID', 'SwarmID must be a string');
  const input: CreateStackInput = {
    name,
    content,
    env: vars,
    swarmId: swarmId ?? undefined,
    fromAppTemplate: get('FromAppTemplate') === true,
  };
  if (method !== 'repository') return input;
  // Last: the checkout (a staging dir the service moves into the stack or removes).
  const source = await readRepositorySource(git, dataDir, get);
  return { ...input, content: source.content, git: source };
}

/** `?filters=` of the stack list. */
function parseFilters(text: string | undefined): { EndpointID?: number; SwarmID?: string } {
  return parseJsonFilters(
    text,
    {
      EndpointID: (v) => {
        if (v === 0 || v === null) return undefined;
        if (typeof v !== 'number' && typeof v !== 'string')
          throw filterError('EndpointID must be a positive integer');
        return optionalQueryId(String(v), 'EndpointID');
      },
      SwarmID: (v) => {
        if (v === '' || v === null) return undefined;
        if (typeof v !== 'string' || v.length > 255) throw filterError('SwarmID must be a string');
        return v;
      },
    },
    '{"EndpointID": 1, "SwarmID": "…"}',
  );
}
