import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Permission } from '@capstan/contracts-api';
import { Authenticated, CurrentUser, ParseIdPipe, type AuthenticatedUser } from '@capstan/server-core';
import {
  CreateTeamDto,
  CreateTeamMembershipDto,
  LinkTeamDto,
  TeamListQuery,
  TeamMembershipResponse,
  TeamResponse,
  UpdateTeamDto,
  UpdateTeamMembershipDto,
} from './dto/users.dto';
import { toMembershipResponse, toTeamResponse } from './mappers';
import { TeamsService } from './teams.service';

@ApiTags('teams')
@Controller('teams')
export class TeamsController {
  constructor(private readonly teams: TeamsService) {}

  @Post()
  @Authenticated({ permission: Permission.TeamsManage })
  @HttpCode(200)
  @ApiOperation({ summary: 'Create a team', operationId: 'TeamCreate' })
  @ApiOkResponse({ type: TeamResponse })
  async create(@Body() body: CreateTeamDto): Promise<TeamResponse> {
    return toTeamResponse(await this.teams.create(body));
  }

  @Get()
  @Authenticated({ permission: Permission.TeamsReadOwn })
  @ApiOperation({ summary: 'List teams (non-administrators: their own)', operationId: 'TeamList' })
  @ApiOkResponse({ type: [TeamResponse] })
  async list(@CurrentUser() actor: AuthenticatedUser, @Query() q: TeamListQuery): Promise<TeamResponse[]> {
    const onlyLed = q.onlyLedTeams === 'true' || q.onlyLedTeams === '1';
    return (await this.teams.list(actor, onlyLed)).map(toTeamResponse);
  }

  @Get(':id')
  @Authenticated({ permission: Permission.TeamMembersManage })
  @ApiOperation({ summary: 'Inspect a team (administrators and its leaders)', operationId: 'TeamInspect' })
  @ApiOkResponse({ type: TeamResponse })
  async inspect(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<TeamResponse> {
    return toTeamResponse(await this.teams.inspect(actor, id));
  }

  @Put(':id')
  @Authenticated({ permission: Permission.TeamsManage })
  @ApiOperation({ summary: 'Rename a team', operationId: 'TeamUpdate' })
  @ApiOkResponse({ type: TeamResponse })
  async update(@Param('id', ParseIdPipe) id: number, @Body() body: UpdateTeamDto): Promise<TeamResponse> {
    return toTeamResponse(await this.teams.rename(id, body.name));
  }

  @Put(':id/link')
  @Authenticated({ permission: Permission.TeamsManage })
  @ApiOperation({
    summary: 'Link a team to a directory (LDAP) or provider (OAuth) group: sign-in syncs its members',
    operationId: 'TeamLink',
  })
  @ApiOkResponse({ type: TeamResponse })
  async link(@Param('id', ParseIdPipe) id: number, @Body() body: LinkTeamDto): Promise<TeamResponse> {
    return toTeamResponse(await this.teams.link(id, { source: body.source, group: body.group }));
  }

  @Delete(':id/link')
  @Authenticated({ permission: Permission.TeamsManage })
  @ApiOperation({ summary: 'Unlink a team: its members are no longer synced', operationId: 'TeamUnlink' })
  @ApiOkResponse({ type: TeamResponse })
  async unlink(@Param('id', ParseIdPipe) id: number): Promise<TeamResponse> {
    return toTeamResponse(await this.teams.link(id, null));
  }

  @Delete(':id')
  @Authenticated({ permission: Permission.TeamsManage })
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a team and its memberships', operationId: 'TeamDelete' })
  @ApiNoContentResponse()
  async delete(@Param('id', ParseIdPipe) id: number): Promise<void> {
    await this.teams.delete(id);
  }

  @Get(':id/memberships')
  @Authenticated({ permission: Permission.TeamMembersManage })
  @ApiOperation({ summary: "A team's memberships", operationId: 'TeamMemberships' })
  @ApiOkResponse({ type: [TeamMembershipResponse] })
  async memberships(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<TeamMembershipResponse[]> {
    return (await this.teams.teamMemberships(actor, id)).map(toMembershipResponse);
  }
}

@ApiTags('team_memberships')
@Controller('team_memberships')
@Authenticated({ permission: Permission.TeamMembersManage })
export class TeamMembershipsController {
  constructor(private readonly teams: TeamsService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Add a user to a team (leaders: members of their own teams)',
    operationId: 'TeamMembershipCreate',
  })
  @ApiOkResponse({ type: TeamMembershipResponse })
  async create(
    @CurrentUser() actor: AuthenticatedUser,
    @Body() body: CreateTeamMembershipDto,
  ): Promise<TeamMembershipResponse> {
    return toMembershipResponse(await this.teams.addMembership(actor, body));
  }

  @Get()
  @ApiOperation({
    summary: 'List memberships (leaders: of the teams they lead)',
    operationId: 'TeamMembershipList',
  })
  @ApiOkResponse({ type: [TeamMembershipResponse] })
  async list(@CurrentUser() actor: AuthenticatedUser): Promise<TeamMembershipResponse[]> {
    return (await this.teams.listMemberships(actor)).map(toMembershipResponse);
  }

  @Put(':id')
  @ApiOperation({ summary: 'Change a membership role', operationId: 'TeamMembershipUpdate' })
  @ApiOkResponse({ type: TeamMembershipResponse })
  async update(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
    @Body() body: UpdateTeamMembershipDto,
  ): Promise<TeamMembershipResponse> {
    return toMembershipResponse(await this.teams.updateMembership(actor, id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a membership', operationId: 'TeamMembershipDelete' })
  @ApiNoContentResponse()
  async delete(@CurrentUser() actor: AuthenticatedUser, @Param('id', ParseIdPipe) id: number): Promise<void> {
    await this.teams.deleteMembership(actor, id);
  }
}
