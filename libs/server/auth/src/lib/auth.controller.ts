import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
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
import { AuthService } from './auth.service';
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
  @ApiTooManyRequestsResponse({ description: 'Too many failed attempts; see Retry-After' })
  async login(
    @Body() body: AuthenticateDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AuthenticateResponse> {
    const { token, expiresAt } = await this.auth.login(body, await this.origin(req));
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
