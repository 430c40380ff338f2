import { Body, Controller, Delete, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  Permission,
  RESOURCE_CONTROL_TYPE_NAMES,
  ResourceControlType,
  type ResourceControlBody,
} from '@capstan/contracts-api';
import {
  Authenticated,
  BadRequestError,
  CurrentUser,
  ParseIdPipe,
  type AuthenticatedUser,
} from '@capstan/server-core';
import { CreateResourceControlDto, OwnershipDto, ResourceControlResponse } from './dto/resource-controls.dto';
import { ResourceControlsService } from './resource-controls.service';

@ApiTags('resource_controls')
@Controller('resource_controls')
export class ResourceControlsController {
  constructor(private readonly service: ResourceControlsService) {}

  @Post()
  @Authenticated({ permission: Permission.ResourceControlsManage })
  @HttpCode(200)
  @ApiOperation({ summary: 'Create a resource control (ownership)', operationId: 'ResourceControlCreate' })
  @ApiOkResponse({ type: ResourceControlResponse })
  async create(@Body() body: CreateResourceControlDto): Promise<ResourceControlBody> {
    return this.service.create({ ...body, Type: parseType(body.Type) });
  }

  @Put(':id')
  @Authenticated({ permission: Permission.ResourceControlsUpdate })
  @ApiOperation({
    summary:
      'Change ownership: public, administrators only, or restricted to users/teams (non-administrators: only controls they hold, only to themselves and their teams)',
    operationId: 'ResourceControlUpdate',
  })
  @ApiOkResponse({ type: ResourceControlResponse })
  async update(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
    @Body() body: OwnershipDto,
  ): Promise<ResourceControlBody> {
    return this.service.update(actor, id, body);
  }

  @Delete(':id')
  @Authenticated({ permission: Permission.ResourceControlsManage })
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a resource control', operationId: 'ResourceControlDelete' })
  @ApiNoContentResponse()
  async delete(@Param('id', ParseIdPipe) id: number): Promise<void> {
    await this.service.delete(id);
  }
}

function parseType(value: number | string): ResourceControlType {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 9) return value;
  if (typeof value === 'string') {
    const named = RESOURCE_CONTROL_TYPE_NAMES[value.toLowerCase()];
    if (named !== undefined) return named;
  }
  throw new BadRequestError(
    'Invalid resource control type',
    'Type must be 1–9 or one of: ' + Object.keys(RESOURCE_CONTROL_TYPE_NAMES).join(', '),
  );
}
