import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessGuard, AuthenticatorPort, EntryPipeline, WebSocketRoutes } from '@capstan/server-core';
import { AuditModule } from '@capstan/server-audit';
import { SettingsModule } from '@capstan/server-settings';
import { UsersModule } from '@capstan/server-users';
import { ApiKeysService } from './api-keys.service';
import { ApiKeysController, AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { ApiKeyEntity } from './entities/api-key.entity';
import { RevokedTokenEntity } from './entities/revoked-token.entity';
import { LoginThrottle } from './login-throttle';
import { LdapController } from './ldap/ldap.controller';
import { UploadTlsController } from './ldap/upload-tls.controller';
import { LdapDirectory } from './ldap/ldap-directory';
import { LdapUserBind } from './ldap/ldap-user-bind';
import { LdapStrategy } from './ldap/ldap.strategy';
import { InternalStrategy } from './sign-in/internal.strategy';
import { SignInStrategies } from './sign-in/sign-in-strategies';
import { SIGN_IN_STRATEGIES } from './sign-in/sign-in-strategy';
import { OAuthClient } from './oauth/oauth-client';
import { OAuthFlow } from './oauth/oauth-flow';
import { OAuthStrategy } from './oauth/oauth.strategy';
import { TokenService } from './token.service';
import { TotpController, TotpOverviewController } from './totp/totp.controller';
import { TotpEntity } from './totp/totp.entity';
import { TotpService } from './totp/totp.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([ApiKeyEntity, RevokedTokenEntity, TotpEntity]),
    UsersModule,
    SettingsModule,
    AuditModule,
  ],
  controllers: [
    AuthController,
    ApiKeysController,
    LdapController,
    UploadTlsController,
    TotpOverviewController,
    TotpController,
  ],
  providers: [
    TokenService,
    ApiKeysService,
    LoginThrottle,
    TotpService,
    // Sign-in methods: one passport strategy each, selected by the settings' AuthenticationMethod.
    InternalStrategy,
    LdapDirectory,
    LdapUserBind,
    LdapStrategy,
    OAuthClient,
    OAuthStrategy,
    OAuthFlow,
    {
      provide: SIGN_IN_STRATEGIES,
      useFactory: (internal: InternalStrategy, ldap: LdapStrategy, oauth: OAuthStrategy) => [
        internal,
        ldap,
        oauth,
      ],
      inject: [InternalStrategy, LdapStrategy, OAuthStrategy],
    },
    SignInStrategies,
    AuthService,
    { provide: AuthenticatorPort, useExisting: AuthService },
    { provide: APP_GUARD, useClass: AccessGuard },
    // Core's entry pipeline and WebSocket table, here for the same reason as the guard: they need the authenticator.
    EntryPipeline,
    WebSocketRoutes,
  ],
  exports: [AuthService, AuthenticatorPort, EntryPipeline, WebSocketRoutes],
})
export class AuthModule {}
