import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CustomTemplateType, Permission } from '@capstan/contracts-api';
import {
  Authenticated,
  BadRequestError,
  CurrentUser,
  ParseIdPipe,
  PayloadTooLargeError,
  readMultipartForm,
  type AuthenticatedUser,
} from '@capstan/server-core';
import { bodyGetter, readGitSourceRequest } from '@capstan/server-git';
import { AppTemplatesService } from './app-templates.service';
import { MAX_TEMPLATE_CONTENT_BYTES, parseCustomTemplateInput } from './custom-template.input';
import { CustomTemplatesService, type CustomTemplateView } from './custom-templates.service';
import {
  AppTemplateFileDto,
  CustomTemplateDto,
  CustomTemplateRepositoryDto,
  CustomTemplateStringDto,
  FileContentDto,
} from './dto/templates.dto';

/** Portainer's `/api/templates` (app templates) and `/api/custom_templates`. */
@ApiTags('templates')
@Controller()
export class TemplatesController {
  constructor(
    private readonly apps: AppTemplatesService,
    private readonly custom: CustomTemplatesService,
  ) {}

  @Get('templates')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @ApiOperation({
    summary:
      'App templates (Portainer v3 format) from the TemplatesURL setting, or the file shipped with Capstan',
    operationId: 'TemplateList',
  })
  @ApiOkResponse({ type: AppTemplateFileDto })
  async templates(): Promise<unknown> {
    return this.apps.list();
  }

  @Post('custom_templates/create/string')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @HttpCode(200)
  @ApiOperation({ summary: 'Create a custom template from text', operationId: 'CustomTemplateCreateString' })
  @ApiBody({ type: CustomTemplateStringDto })
  @ApiOkResponse({ type: CustomTemplateDto })
  async createString(
    @CurrentUser() actor: AuthenticatedUser,
    @Body() body: unknown,
  ): Promise<CustomTemplateView> {
    return this.custom.create(actor, parseCustomTemplateInput(body));
  }

  @Post('custom_templates/create/repository')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Create a custom template from a file in a git repository (RepositoryURL, RepositoryReferenceName, ComposeFilePathInRepository, credentials)',
    operationId: 'CustomTemplateCreateRepository',
  })
  @ApiBody({ type: CustomTemplateRepositoryDto })
  @ApiOkResponse({ type: CustomTemplateDto })
  async createRepository(
    @CurrentUser() actor: AuthenticatedUser,
    @Body() body: unknown,
  ): Promise<CustomTemplateView> {
    const get = bodyGetter(body);
    // The template's own fields are checked before git is asked (a bad Title costs no clone).
    parseCustomTemplateInput({ ...(body as object), FileContent: 'placeholder' });
    const source = readGitSourceRequest(
      get,
      ['ComposeFilePathInRepository', 'ComposeFile'],
      'docker-compose.yml',
    );
    return this.custom.createFromGit(actor, source, (content) =>
      parseCustomTemplateInput({ ...(body as object), FileContent: content }),
    );
  }

  @Put('custom_templates/:id/git_fetch')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @ApiOperation({
    summary: "Fetch a git custom template's file again from its repository and store it",
    operationId: 'CustomTemplateGitFetch',
  })
  @ApiOkResponse({ type: FileContentDto })
  async gitFetch(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<{ FileContent: string }> {
    return this.custom.gitFetch(actor, id);
  }

  @Post('templates/:id/file')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @HttpCode(200)
  @ApiOperation({
    summary: "An app template's stack file (read from its repository, or Capstan's inline file)",
    operationId: 'TemplateFile',
  })
  @ApiOkResponse({ type: FileContentDto })
  async templateFile(@Param('id', ParseIdPipe) id: number): Promise<{ FileContent: string }> {
    return this.apps.file(id);
  }

  @Post('templates/file')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Older form: a file of a git repository {RepositoryURL, ComposeFilePathInRepository}',
    operationId: 'TemplateFileFromRepository',
  })
  @ApiOkResponse({ type: FileContentDto })
  async repositoryFile(@Body() body: unknown): Promise<{ FileContent: string }> {
    const get = bodyGetter(body);
    return this.apps.repositoryFile(get('RepositoryURL'), get('ComposeFilePathInRepository'));
  }

  @Post('custom_templates/create/file')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @HttpCode(200)
  @ApiConsumes('multipart/form-data')
  @ApiOperation({
    summary:
      'Create a custom template from an uploaded file (multipart: the fields of create/string, the file as "File")',
    operationId: 'CustomTemplateCreateFile',
  })
  @ApiOkResponse({ type: CustomTemplateDto })
  async createFile(
    @CurrentUser() actor: AuthenticatedUser,
    @Req() req: FastifyRequest,
  ): Promise<CustomTemplateView> {
    return this.custom.create(actor, parseCustomTemplateInput(await readTemplateForm(req)));
  }

  @Get('custom_templates')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @ApiOperation({
    summary:
      'Custom templates the caller may use (administrators: all), filtered by type (repeatable) and edge',
    operationId: 'CustomTemplateList',
  })
  @ApiQuery({
    name: 'type',
    required: false,
    isArray: true,
    type: Number,
    description: '1 Swarm, 2 compose, 3 Kubernetes',
  })
  @ApiQuery({ name: 'edge', required: false, type: Boolean })
  @ApiOkResponse({ type: [CustomTemplateDto] })
  async list(
    @CurrentUser() actor: AuthenticatedUser,
    @Query('type') type?: string | string[],
    @Query('edge') edge?: string,
  ): Promise<CustomTemplateView[]> {
    return this.custom.list(actor, { types: parseTypes(type), edge: parseEdge(edge) });
  }

  @Get('custom_templates/:id')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @ApiOperation({ summary: 'Inspect a custom template', operationId: 'CustomTemplateInspect' })
  @ApiOkResponse({ type: CustomTemplateDto })
  async inspect(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<CustomTemplateView> {
    return this.custom.inspect(actor, id);
  }

  @Get('custom_templates/:id/file')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @ApiOperation({ summary: "A custom template's file", operationId: 'CustomTemplateFile' })
  @ApiOkResponse({ type: FileContentDto })
  async file(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<{ FileContent: string }> {
    return this.custom.file(actor, id);
  }

  @Put('custom_templates/:id')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @ApiOperation({
    summary: 'Update a custom template (its creator or an administrator)',
    operationId: 'CustomTemplateUpdate',
  })
  @ApiBody({ type: CustomTemplateStringDto })
  @ApiOkResponse({ type: CustomTemplateDto })
  async update(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
    @Body() body: unknown,
  ): Promise<CustomTemplateView> {
    return this.custom.update(actor, id, parseCustomTemplateInput(body));
  }

  @Delete('custom_templates/:id')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a custom template (its creator or an administrator)',
    operationId: 'CustomTemplateDelete',
  })
  async delete(@CurrentUser() actor: AuthenticatedUser, @Param('id', ParseIdPipe) id: number): Promise<void> {
    await this.custom.delete(actor, id);
  }
}

const FORM_FIELDS = [
  'Title',
  'Description',
  'Note',
  'Logo',
  'Platform',
  'Type',
  'Variables',
  'EdgeTemplate',
  'IsComposeFormat',
] as const;

/** Portainer's multipart form: text fields plus the template file as `File` (size-capped while read). */
async function readTemplateForm(req: FastifyRequest): Promise<Record<string, unknown>> {
  const { fields, files } = await readMultipartForm(req, {
    maxFileBytes: MAX_TEMPLATE_CONTENT_BYTES,
    files: 1,
    fields: 20,
    expect: 'with a "File" part',
    tooLarge: () =>
      new PayloadTooLargeError(
        'File too large',
        `The template file is larger than ${MAX_TEMPLATE_CONTENT_BYTES} bytes`,
      ),
  });
  const out: Record<string, unknown> = {};
  for (const name of FORM_FIELDS)
    if (fields[name.toLowerCase()] !== undefined) out[name] = fields[name.toLowerCase()];
  if (files['file'] === undefined)
    throw new BadRequestError('Invalid request payload', 'The form has no "File"');
  out['FileContent'] = files['file'].toString('utf8');
  return out;
}

const TYPES = [CustomTemplateType.SwarmStack, CustomTemplateType.ComposeStack, CustomTemplateType.Kubernetes];

function parseTypes(raw: string | string[] | undefined): CustomTemplateType[] | undefined {
  if (raw === undefined) return undefined;
  const values = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => v.split(',')).filter((v) => v !== '');
  return values.map((v) => {
    const n = Number(v);
    if (!TYPES.includes(n))
      throw new BadRequestError('Invalid query parameter: type', `type must be 1, 2 or 3 (got "${v}")`);
    return n;
  });
}

function parseEdge(raw: string | undefined): boolean | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new BadRequestError('Invalid query parameter: edge', 'edge must be true or false');
}
