import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiForbiddenResponse,
  ApiFoundResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
// Brings in @fastify/cookie's typings for reply.setCookie / clearCookie.
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AUTH_COOKIE, Permission } from '@capstan/contracts-api';
import {
  Authenticated,
  CAPSTAN_CONFIG,
  CapstanConfig,
  CurrentUser,
  ParseIdPipe,
  Public,
  type AuthenticatedUser,
} from '@capstan/server-core';
import { ApiKeysService, toApiKeyResponse } from './api-keys.service';
import { AuthService, type LoginResult } from './auth.service';
import { OAuthFlow, OAUTH_PENDING_COOKIE, OAUTH_PENDING_TTL_MS } from './oauth/oauth-flow';
import { OAuthValidateDto } from './oauth/oauth.dto';
import {
  EnrolledSessionResponse,
  EnrolWithTokenDto,
  SecondStepDto,
  TotpEnrolmentResponse,
} from './totp/totp.dto';
import {
  ApiKeyResponse,
  AuthenticateDto,
  AuthenticateResponse,
  CreateApiKeyDto,
  CreateApiKeyResponse,
} from './dto/auth.dto';
import { SettingsService } from '@capstan/server-settings';
import { clientAddress, trustedProxies } from './client-address';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly oauth: OAuthFlow,
    @Inject(CAPSTAN_CONFIG) private readonly config: CapstanConfig,
    private readonly settings: SettingsService,
  ) {}

  /** The client's address for throttling and the auth log: X-Forwarded-For only from trusted proxies. */
  private async origin(req: FastifyRequest): Promise<string> {
    const proxies = trustedProxies((await this.settings.get()).TrustedProxies);
    return clientAddress(req.socket.remoteAddress ?? req.ip, req.headers['x-forwarded-for'], proxies);
  }

  @Post()
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in with a username and password', operationId: 'AuthenticateUser' })
  @ApiOkResponse({
    type: AuthenticateResponse,
    description: 'Also sets the httpOnly session cookie for browsers',
  })
  @ApiUnprocessableEntityResponse({ description: 'Invalid credentials' })
  @ApiUnauthorizedResponse({
    description:
      'Password right, second factor due: "Two-factor code required" (or "Two-factor enrolment required") with the second-step token in the X-Capstan-Second-Factor header',
  })
  @ApiTooManyRequestsResponse({ description: 'Too many failed attempts; see Retry-After' })
  async login(
    @Body() body: AuthenticateDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AuthenticateResponse> {
    return this.session(await this.auth.login(body, await this.origin(req)), req, reply);
  }

  @Get('oauth/login')
  @Public()
  @ApiOperation({
    summary: "Start an OAuth sign-in: redirects to the provider (the public settings' OAuthLoginURI)",
    operationId: 'AuthenticateOAuthStart',
  })
  @ApiFoundResponse({ description: 'To the provider, with state, nonce and PKCE challenge' })
  async oauthStart(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const { url, sealed } = await this.oauth.begin();
    void reply.setCookie(OAUTH_PENDING_COOKIE, sealed, {
      httpOnly: true,
      sameSite: 'lax',
      secure: req.protocol === 'https',
      path: `${this.config.baseUrl}/api/auth/oauth`,
      maxAge: OAUTH_PENDING_TTL_MS / 1000,
    });
    await reply.redirect(url, 302);
  }

  @Post('oauth/validate')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Exchange an OAuth authorization code for a session (as Portainer)',
    operationId: 'ValidateOAuth',
  })
  @ApiOkResponse({ type: AuthenticateResponse })
  @ApiForbiddenResponse({ description: 'OAuth is not the authentication method' })
  @ApiUnauthorizedResponse({ description: 'No OAuth sign-in in progress in this browser' })
  @ApiUnprocessableEntityResponse({ description: 'The provider refused, or no known user' })
  async oauthValidate(
    @Body() body: OAuthValidateDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AuthenticateResponse> {
    const pending = this.oauth.pending(req.cookies[OAUTH_PENDING_COOKIE]);
    // One code per started sign-in: the pending state goes whatever the outcome.
    void reply.clearCookie(OAUTH_PENDING_COOKIE, { path: `${this.config.baseUrl}/api/auth/oauth` });
    return this.session(
      await this.auth.loginOAuth(
        { code: body.code, state: body.state, iss: body.iss, pending },
        await this.origin(req),
      ),
      req,
      reply,
    );
  }

  @Post('totp')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: "Log in, second step: the code of a two-factor account, with the first step's token",
    operationId: 'AuthenticateSecondFactor',
  })
  @ApiOkResponse({ type: AuthenticateResponse })
  @ApiUnauthorizedResponse({ description: 'Invalid or expired second-step token' })
  @ApiUnprocessableEntityResponse({ description: 'Invalid two-factor code' })
  @ApiTooManyRequestsResponse({ description: 'Too many failed attempts; see Retry-After' })
  async secondFactor(
    @Body() body: SecondStepDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AuthenticateResponse> {
    return this.session(
      await this.auth.loginSecondFactor(body.token, body.code, await this.origin(req)),
      req,
      reply,
    );
  }

  @Post('totp/enrol')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: "Start the two-factor enrolment the policy requires, with the refused sign-in's token",
    operationId: 'AuthenticateEnrolSecondFactor',
  })
  @ApiOkResponse({ type: TotpEnrolmentResponse })
  async enrol(@Body() body: EnrolWithTokenDto): Promise<TotpEnrolmentResponse> {
    return this.auth.beginRequiredEnrolment(body.token);
  }

  @Post('totp/enrol/confirm')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Confirm the required enrolment: recovery codes (shown once) and the session',
    operationId: 'AuthenticateConfirmSecondFactor',
  })
  @ApiOkResponse({ type: EnrolledSessionResponse })
  async confirmEnrolment(
    @Body() body: SecondStepDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<EnrolledSessionResponse> {
    const result = await this.auth.confirmRequiredEnrolment(body.token, body.code, await this.origin(req));
    return { ...this.session(result, req, reply), recoveryCodes: result.recoveryCodes };
  }

  /** Sets the httpOnly session cookie for browsers and answers the JWT for API clients. */
  private session(
    { token, expiresAt }: LoginResult,
    req: FastifyRequest,
    reply: FastifyReply,
  ): AuthenticateResponse {
    void reply.setCookie(AUTH_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.protocol === 'https',
      path: `${this.config.baseUrl}/`,
      expires: new Date(expiresAt),
    });
    return { jwt: token };
  }

  @Post('logout')
  @Public()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Log out: revokes the session token and clears the cookie',
    operationId: 'Logout',
  })
  @ApiNoContentResponse()
  async logout(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.auth.logout(req, await this.origin(req));
    void reply.clearCookie(AUTH_COOKIE, {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.protocol === 'https',
      path: `${this.config.baseUrl}/`,
    });
  }
}

@ApiTags('users')
@Controller('users/:id/tokens')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Get()
  @Authenticated({ permission: Permission.ApiKeysManageOwn })
  @ApiOperation({ summary: "List a user's API keys", operationId: 'UserGetAPIKeys' })
  @ApiOkResponse({ type: [ApiKeyResponse] })
  async list(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<ApiKeyResponse[]> {
    return (await this.apiKeys.list(actor, id)).map(toApiKeyResponse);
  }

  @Post()
  @Authenticated({ permission: Permission.ApiKeysManageOwn, tokenOnly: true })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Create an API key (the raw key is returned once)',
    operationId: 'UserGenerateAPIKey',
  })
  @ApiOkResponse({ type: CreateApiKeyResponse })
  async create(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
    @Body() body: CreateApiKeyDto,
  ): Promise<CreateApiKeyResponse> {
    const { raw, key } = await this.apiKeys.create(actor, id, body.description, body.password);
    return { rawAPIKey: raw, apiKey: toApiKeyResponse(key) };
  }

  @Delete(':keyId')
  @Authenticated({ permission: Permission.ApiKeysManageOwn })
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key', operationId: 'UserRemoveAPIKey' })
  @ApiNoContentResponse()
  async revoke(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIdPipe) id: number,
    @Param('keyId', ParseIdPipe) keyId: number,
  ): Promise<void> {
    await this.apiKeys.revoke(actor, id, keyId);
  }
}
