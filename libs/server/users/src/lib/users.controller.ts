import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Permission } from '@capstan/contracts-api';
import {
  Authenticated,
  CurrentUser,
  ParseIdPipe,
  NotFoundError,
  Public,
  setTotalCount,
  type AuthenticatedUser,
} from '@capstan/server-core';
import {
  AdminInitDto,
  ChangePasswordDto,
  CreateUserDto,
  TeamMembershipResponse,
  UpdateUserDto,
  UserResponse,
} from './dto/users.dto';
import { toMembershipResponse, toUserResponse } from './mappers';
import { TeamsService } from './teams.service';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly teams: TeamsService,
  ) {}

  // The literal admin routes come before `:id` so they are matched first.
  @Get('admin/check')
  @Public()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Whether an administrator exists (204) or not (404)',
    operationId: 'UserAdminCheck',
  })
  @ApiNoContentResponse({ description: 'An administrator exists' })
  @ApiNotFoundResponse({ description: 'No administrator yet' })
  async adminCheck(): Promise<void> {
    if (!(await this.users.adminExists())) {
      throw new NotFoundError(
        'No administrator account found inside the database',
        'Create one with POST /api/users/admin/init',
      );
    }
  }

  @Post('admin/init')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Create the first administrator', operationId: 'UserAdminInit' })
  @ApiOkResponse({ type: UserResponse })
  @ApiConflictResponse({ description: 'An administrator already exists' })
  async adminInit(@Body() body: AdminInitDto): Promise<UserResponse> {
    return toUserResponse(await this.users.initAdmin(body.username, body.password));
  }

  @Get()
  @Authenticated({ permission: Permission.UsersList })
  @ApiOperation({
    summary: 'List users (administrators: all; team leaders: standard users)',
    operationId: 'UserList',
  })
  @ApiOkResponse({ type: [UserResponse] })
  async list(
    @CurrentUser() actor: AuthenticatedUser,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UserResponse[]> {
    const users = await this.users.list(actor);
    setTotalCount(reply, users.length);
    return users.map(toUserResponse);
  }

  @Post()
  @Authenticated({ permission: Permission.UsersManage })
  @HttpCode(200)
  @ApiOperation({ summary: 'Create a user', operationId: 'UserCreate' })
  @ApiOkResponse({ type: UserResponse })
  @ApiConflictResponse({ description: 'Username taken' })
  async create(@Body() body: CreateUserDto): Promise<UserResponse> {
    return toUserResponse(await this.users.create(body));
  }

  @Get('me')
  @Authenticated({ permission: Permission.AccountRead })
  @ApiOperation({ summary: 'The current user', operationId: 'CurrentUserInspect' })
  @ApiOkResponse({ type: UserResponse })
  async me(@CurrentUser() actor: AuthenticatedUser): Promise<UserResponse> {
    return toUserResponse(await this.users.getCached(actor.id));
  }

  @Get(':id')
  @Authenticated({ permission: Permission.AccountRead })
  @ApiOperation({ summary: 'Inspect a user (administrators, or yourself)', operationId: 'UserInspect' })
  @ApiOkResponse({ type: UserResponse })
  async inspect(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<UserResponse> {
    return toUserResponse(await this.users.inspect(actor, id));
  }

  @Put(':id')
  @Authenticated({ permission: Permission.AccountUpdate })
  @ApiOperation({
    summary: 'Update a user (role and username: administrators only)',
    operationId: 'UserUpdate',
  })
  @ApiOkResponse({ type: UserResponse })
  async update(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
    @Body() body: UpdateUserDto,
  ): Promise<UserResponse> {
    return toUserResponse(await this.users.update(actor, id, body));
  }

  @Delete(':id')
  @Authenticated({ permission: Permission.UsersManage })
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a user (not yourself, not the initial administrator)',
    operationId: 'UserDelete',
  })
  @ApiNoContentResponse()
  async delete(@CurrentUser() actor: AuthenticatedUser, @Param('id', ParseIdPipe) id: number): Promise<void> {
    await this.users.delete(actor, id);
  }

  @Put(':id/passwd')
  @Authenticated({ permission: Permission.AccountUpdate })
  @HttpCode(204)
  @ApiOperation({
    summary: 'Change your password; older sessions are revoked',
    operationId: 'UserUpdatePassword',
  })
  @ApiNoContentResponse()
  async changePassword(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
    @Body() body: ChangePasswordDto,
  ): Promise<void> {
    await this.users.changePassword(actor, id, body.password, body.newPassword);
  }

  @Get(':id/memberships')
  @Authenticated({ permission: Permission.TeamsReadOwn })
  @ApiOperation({ summary: "A user's team memberships", operationId: 'UserMembershipsInspect' })
  @ApiOkResponse({ type: [TeamMembershipResponse] })
  async memberships(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<TeamMembershipResponse[]> {
    return (await this.teams.userMemberships(actor, id)).map(toMembershipResponse);
  }
}
