import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Permission } from '@capstan/contracts-api';
import { Authenticated, CurrentUser, ParseIdPipe, type AuthenticatedUser } from '@capstan/server-core';
import {
  CreateGroupDto,
  CreateTagDto,
  GroupResponse,
  TagResponse,
  UpdateGroupDto,
} from './dto/environments.dto';
import { GroupsTagsService } from './groups-tags.service';

@ApiTags('endpoint_groups')
@Controller('endpoint_groups')
export class EnvironmentGroupsController {
  constructor(private readonly service: GroupsTagsService) {}

  @Post()
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @HttpCode(200)
  @ApiOperation({ summary: 'Create an environment group', operationId: 'EndpointGroupCreate' })
  @ApiOkResponse({ type: GroupResponse })
  async create(@Body() body: CreateGroupDto): Promise<GroupResponse> {
    const [group] = await this.service.groupResponses([await this.service.createGroup(body)]);
    return group;
  }

  @Get()
  @Authenticated({ permission: Permission.EnvironmentsList })
  @ApiOperation({
    summary: 'List environment groups (non-administrators: those they have access to)',
    operationId: 'EndpointGroupList',
  })
  @ApiOkResponse({ type: [GroupResponse] })
  async list(@CurrentUser() actor: AuthenticatedUser): Promise<GroupResponse[]> {
    return this.service.groupResponses(await this.service.listGroups(actor));
  }

  @Get(':id')
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @ApiOperation({ summary: 'Inspect an environment group', operationId: 'EndpointGroupInspect' })
  @ApiOkResponse({ type: GroupResponse })
  async inspect(@Param('id', ParseIdPipe) id: number): Promise<GroupResponse> {
    const [group] = await this.service.groupResponses([await this.service.getGroup(id)]);
    return group;
  }

  @Put(':id')
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @ApiOperation({
    summary: 'Update a group: name, description, tags, access policies',
    operationId: 'EndpointGroupUpdate',
  })
  @ApiOkResponse({ type: GroupResponse })
  async update(@Param('id', ParseIdPipe) id: number, @Body() body: UpdateGroupDto): Promise<GroupResponse> {
    const [group] = await this.service.groupResponses([await this.service.updateGroup(id, body)]);
    return group;
  }

  @Delete(':id')
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a group; its environments move to "Unassigned" (group 1 is permanent)',
    operationId: 'EndpointGroupDelete',
  })
  @ApiNoContentResponse()
  async delete(@Param('id', ParseIdPipe) id: number): Promise<void> {
    await this.service.deleteGroup(id);
  }

  @Put(':id/endpoints/:endpointId')
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @HttpCode(204)
  @ApiOperation({ summary: 'Move an environment into the group', operationId: 'EndpointGroupAddEndpoint' })
  @ApiNoContentResponse()
  async addEnvironment(
    @Param('id', ParseIdPipe) id: number,
    @Param('endpointId', ParseIdPipe) envId: number,
  ): Promise<void> {
    await this.service.moveEnvironment(id, envId, true);
  }

  @Delete(':id/endpoints/:endpointId')
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @HttpCode(204)
  @ApiOperation({
    summary: 'Move an environment out of the group (back to "Unassigned")',
    operationId: 'EndpointGroupDeleteEndpoint',
  })
  @ApiNoContentResponse()
  async removeEnvironment(
    @Param('id', ParseIdPipe) id: number,
    @Param('endpointId', ParseIdPipe) envId: number,
  ): Promise<void> {
    await this.service.moveEnvironment(id, envId, false);
  }
}

@ApiTags('tags')
@Controller('tags')
export class TagsController {
  constructor(private readonly service: GroupsTagsService) {}

  @Post()
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @HttpCode(200)
  @ApiOperation({ summary: 'Create a tag', operationId: 'TagCreate' })
  @ApiOkResponse({ type: TagResponse })
  async create(@Body() body: CreateTagDto): Promise<TagResponse> {
    const tag = await this.service.createTag(body.name);
    return { ID: tag.id, Name: tag.name, Endpoints: {}, EndpointGroups: {} };
  }

  @Get()
  @Authenticated({ permission: Permission.TagsRead })
  @ApiOperation({ summary: 'List tags', operationId: 'TagList' })
  @ApiOkResponse({ type: [TagResponse] })
  async list(): Promise<TagResponse[]> {
    return this.service.listTags();
  }

  @Delete(':id')
  @Authenticated({ permission: Permission.EnvironmentsManage })
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a tag; it is detached from environments and groups',
    operationId: 'TagDelete',
  })
  @ApiNoContentResponse()
  async delete(@Param('id', ParseIdPipe) id: number): Promise<void> {
    await this.service.deleteTag(id);
  }
}
