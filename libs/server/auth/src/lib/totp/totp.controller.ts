import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Permission, UserRole } from '@capstan/contracts-api';
import {
  Authenticated,
  CurrentUser,
  ForbiddenError,
  NotFoundError,
  ParseIdPipe,
  type AuthenticatedUser,
} from '@capstan/server-core';
import { UsersService } from '@capstan/server-users';
import { invalidCode } from './second-factor.errors';
import {
  DisableTotpDto,
  RecoveryCodesResponse,
  TotpCodeDto,
  TotpEnrolmentResponse,
  TotpOverviewResponse,
  TotpStatusResponse,
} from './totp.dto';
import { TotpService } from './totp.service';

/** A user's own second factor (enrol, confirm, disable) and the administrator's reset. */
@ApiTags('users')
@Controller('users/:id/totp')
export class TotpController {
  constructor(
    private readonly totp: TotpService,
    private readonly users: UsersService,
  ) {}

  @Get()
  @Authenticated({ permission: Permission.AccountRead })
  @ApiOperation({ summary: "Whether a user's two-factor sign-in is on", operationId: 'UserTotpStatus' })
  @ApiOkResponse({ type: TotpStatusResponse })
  async status(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<TotpStatusResponse> {
    if (actor.id !== id && actor.role !== UserRole.Administrator)
      throw new ForbiddenError('Access denied', 'You can only see your own second factor');
    await this.users.get(id);
    return this.totp.status(id);
  }

  @Post()
  @Authenticated({ permission: Permission.AccountUpdate, tokenOnly: true })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Start two-factor enrolment: a new secret and its QR code',
    operationId: 'UserTotpEnrol',
  })
  @ApiOkResponse({ type: TotpEnrolmentResponse })
  @ApiConflictResponse({ description: 'Already enabled' })
  async begin(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<TotpEnrolmentResponse> {
    own(actor, id);
    return this.totp.begin(id, actor.username);
  }

  @Post('confirm')
  @Authenticated({ permission: Permission.AccountUpdate, tokenOnly: true })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Confirm enrolment with a first code; returns the recovery codes (shown once)',
    operationId: 'UserTotpConfirm',
  })
  @ApiOkResponse({ type: RecoveryCodesResponse })
  @ApiUnprocessableEntityResponse({ description: 'Invalid two-factor code' })
  async confirm(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
    @Body() body: TotpCodeDto,
  ): Promise<RecoveryCodesResponse> {
    own(actor, id);
    const recoveryCodes = await this.totp.confirm(id, actor.username, body.code);
    if (!recoveryCodes) throw invalidCode();
    return { recoveryCodes };
  }

  @Post('disable')
  @Authenticated({ permission: Permission.AccountUpdate, tokenOnly: true })
  @HttpCode(204)
  @ApiOperation({ summary: 'Turn two-factor sign-in off (password + code)', operationId: 'UserTotpDisable' })
  @ApiNoContentResponse()
  @ApiUnprocessableEntityResponse({ description: 'Wrong password or code' })
  async disable(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
    @Body() body: DisableTotpDto,
  ): Promise<void> {
    own(actor, id);
    if (!(await this.users.verifyPassword(id, body.password)))
      throw new ForbiddenError(
        'Current password does not match',
        'Give your current password to turn the second factor off',
      );
    if (!(await this.totp.isEnabled(id)))
      throw new NotFoundError('Two-factor authentication is not enabled', '');
    if (!(await this.totp.verify(id, actor.username, body.code))) throw invalidCode();
    await this.totp.remove(id);
  }

  @Delete()
  @Authenticated({ permission: Permission.UsersManage })
  @HttpCode(204)
  @ApiOperation({
    summary:
      "Reset a user's second factor (administrators): they sign in with the password alone, or enrol again",
    operationId: 'UserTotpReset',
  })
  @ApiNoContentResponse()
  async reset(@Param('id', ParseIdPipe) id: number): Promise<void> {
    await this.users.get(id);
    if (!(await this.totp.remove(id)))
      throw new NotFoundError('Two-factor authentication is not enabled', '');
  }
}

function own(actor: AuthenticatedUser, id: number): void {
  if (actor.id !== id)
    throw new ForbiddenError('Access denied', 'You can only manage your own second factor');
}

/** The administrator's view across users: who has two-factor sign-in on. */
@ApiTags('users')
@Controller('users/totp')
export class TotpOverviewController {
  constructor(private readonly totp: TotpService) {}

  @Get()
  @Authenticated({ permission: Permission.UsersManage })
  @ApiOperation({
    summary: 'Capstan: the ids of the users whose two-factor sign-in is on',
    operationId: 'UserTotpOverview',
  })
  @ApiOkResponse({ type: TotpOverviewResponse })
  async overview(): Promise<TotpOverviewResponse> {
    return { Enabled: await this.totp.enabledUserIds() };
  }
}
