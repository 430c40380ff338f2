import { Body, Controller, Get, Inject, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthenticationMethod, Permission } from '@capstan/contracts-api';
import { Authenticated, CAPSTAN_CONFIG, type CapstanConfig, Public } from '@capstan/server-core';
import { PublicSettingsResponse, SettingsResponse, UpdateSettingsDto } from './dto/settings.dto';
import { SettingsService } from './settings.service';

@ApiTags('settings')
@Controller('settings')
export class SettingsController {
  constructor(
    private readonly settings: SettingsService,
    @Inject(CAPSTAN_CONFIG) private readonly config: CapstanConfig,
  ) {}

  @Get()
  @Authenticated({ permission: Permission.SettingsRead })
  @ApiOperation({ summary: 'Read the settings', operationId: 'SettingsInspect' })
  @ApiOkResponse({ type: SettingsResponse })
  async inspect(): Promise<SettingsResponse> {
    return this.settings.view();
  }

  @Put()
  @Authenticated({ permission: Permission.SettingsUpdate })
  @ApiOperation({ summary: 'Update the settings (partial)', operationId: 'SettingsUpdate' })
  @ApiOkResponse({ type: SettingsResponse })
  async update(@Body() body: UpdateSettingsDto): Promise<SettingsResponse> {
    return this.settings.update(body);
  }

  @Get('public')
  @Public()
  @ApiOperation({ summary: 'The login-page subset of the settings', operationId: 'SettingsPublic' })
  @ApiOkResponse({ type: PublicSettingsResponse })
  async publicSettings(): Promise<PublicSettingsResponse> {
    const s = await this.settings.get();
    return {
      LogoURL: s.LogoURL,
      AuthenticationMethod: s.AuthenticationMethod,
      RequiredPasswordLength: s.InternalAuthSettings.RequiredPasswordLength,
      EnableEdgeComputeFeatures: s.EnableEdgeComputeFeatures,
      EnableTelemetry: s.EnableTelemetry,
      // The server starts the flow (state, nonce and PKCE verifier kept in a sealed cookie), then redirects.
      OAuthLoginURI:
        s.AuthenticationMethod === AuthenticationMethod.OAuth
          ? `${this.config.baseUrl}/api/auth/oauth/login`
          : '',
      OAuthProvider: s.OAuthSettings.Provider,
      OAuthLogoutURI: s.AuthenticationMethod === AuthenticationMethod.OAuth ? s.OAuthSettings.LogoutURI : '',
    };
  }
}
