import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Permission } from '@capstan/contracts-api';
import { Authenticated, ParseIdPipe } from '@capstan/server-core';
import {
  CreateEdgeGroupDto,
  EdgeGroupListItemResponse,
  EdgeGroupResponse,
  UpdateEdgeGroupDto,
} from './edge-groups.dto';
import { EdgeGroupsService } from './edge-groups.service';

/** Portainer's `/api/edge_groups` (administrators). */
@ApiTags('edge_groups')
@Controller('edge_groups')
export class EdgeGroupsController {
  constructor(private readonly groups: EdgeGroupsService) {}

  @Post()
  @HttpCode(200)
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @ApiOperation({
    summary: 'Create an edge group (static: Endpoints; dynamic: TagIDs, PartialMatch)',
    operationId: 'EdgeGroupCreate',
  })
  @ApiOkResponse({ type: EdgeGroupResponse })
  create(@Body() body: CreateEdgeGroupDto): Promise<EdgeGroupResponse> {
    return this.groups.create(body);
  }

  @Get()
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @ApiOperation({
    summary: 'List edge groups with their members and whether stacks or jobs use them',
    operationId: 'EdgeGroupList',
  })
  @ApiOkResponse({ type: [EdgeGroupListItemResponse] })
  list(): Promise<EdgeGroupListItemResponse[]> {
    return this.groups.list();
  }

  @Get(':id')
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @ApiOperation({ summary: 'Inspect an edge group', operationId: 'EdgeGroupInspect' })
  @ApiOkResponse({ type: EdgeGroupResponse })
  inspect(@Param('id', ParseIdPipe) id: number): Promise<EdgeGroupResponse> {
    return this.groups.response(id);
  }

  @Put(':id')
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @ApiOperation({
    summary: 'Update an edge group (membership is recomputed)',
    operationId: 'EdgeGroupUpdate',
  })
  @ApiOkResponse({ type: EdgeGroupResponse })
  update(@Param('id', ParseIdPipe) id: number, @Body() body: UpdateEdgeGroupDto): Promise<EdgeGroupResponse> {
    return this.groups.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @ApiOperation({
    summary: 'Delete an edge group (409 while an edge stack or job uses it)',
    operationId: 'EdgeGroupDelete',
  })
  @ApiNoContentResponse()
  async delete(@Param('id', ParseIdPipe) id: number): Promise<void> {
    await this.groups.delete(id);
  }
}
