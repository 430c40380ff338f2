import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Permission } from '@capstan/contracts-api';
import {
  Authenticated,
  CurrentUser,
  ParseIdPipe,
  Public,
  filterError,
  parseJsonFilters,
  type AuthenticatedUser,
} from '@capstan/server-core';
import { CreateWebhookDto, UpdateWebhookDto, WebhookResponse } from './dto/webhooks.dto';
import { WebhooksService } from './webhooks.service';

/** Portainer's `/api/webhooks` (service webhooks). */
@ApiTags('webhooks')
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly service: WebhooksService) {}

  @Post()
  @Authenticated({ permission: Permission.EnvironmentsList })
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Create a service webhook (administrators, environment administrators, or owners of the service under its resource control)',
    operationId: 'WebhookCreate',
  })
  @ApiOkResponse({ type: WebhookResponse })
  async create(
    @CurrentUser() actor: AuthenticatedUser,
    @Body() body: CreateWebhookDto,
  ): Promise<WebhookResponse> {
    return this.service.create(actor, body);
  }

  @Get()
  @Authenticated({ permission: Permission.EnvironmentsList })
  @ApiOperation({
    summary:
      "List webhooks: all for administrators, an environment's for its environment administrators, else the caller's own",
    operationId: 'WebhookList',
  })
  @ApiQuery({
    name: 'filters',
    required: false,
    description: 'JSON {"ResourceID": "<service id>", "EndpointID": <id>}',
  })
  @ApiOkResponse({ type: [WebhookResponse] })
  async list(
    @CurrentUser() actor: AuthenticatedUser,
    @Query('filters') filters?: string,
  ): Promise<WebhookResponse[]> {
    return this.service.list(actor, parseFilters(filters));
  }

  @Put(':id')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @ApiOperation({ summary: "Change a webhook's registry", operationId: 'WebhookUpdate' })
  @ApiOkResponse({ type: WebhookResponse })
  async update(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
    @Body() body: UpdateWebhookDto,
  ): Promise<WebhookResponse> {
    return this.service.setRegistry(actor, id, body.RegistryID);
  }

  @Delete(':id')
  @Authenticated({ permission: Permission.EnvironmentsList })
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a webhook', operationId: 'WebhookDelete' })
  @ApiNoContentResponse()
  async delete(@CurrentUser() actor: AuthenticatedUser, @Param('id', ParseIdPipe) id: number): Promise<void> {
    await this.service.delete(actor, id);
  }

  @Post(':token')
  @Public()
  @HttpCode(204)
  @ApiOperation({
    summary:
      'Public: force-update the service of this webhook (optionally with the image tag replaced); rate-limited',
    operationId: 'WebhookExecute',
  })
  @ApiQuery({ name: 'tag', required: false, description: 'New image tag' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'Unknown token' })
  @ApiTooManyRequestsResponse({ description: 'Too many calls (Retry-After)' })
  async execute(
    @Req() request: FastifyRequest,
    @Param('token') token: string,
    @Query('tag') tag?: string,
  ): Promise<void> {
    await this.service.trigger(token, tag === '' ? undefined : tag, request.ip);
  }
}

/** `?filters=` of the webhook list. */
function parseFilters(text: string | undefined): { ResourceID?: string; EndpointID?: number } {
  return parseJsonFilters(
    text,
    {
      ResourceID: (v) => {
        if (typeof v !== 'string' || v.length > 255) throw filterError('ResourceID must be a string');
        return v;
      },
      EndpointID: (v) => {
        const n = typeof v === 'string' ? Number(v) : v;
        if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
          throw filterError('EndpointID must be a positive integer');
        return n;
      },
    },
    '{"ResourceID": "...", "EndpointID": 1}',
  );
}
