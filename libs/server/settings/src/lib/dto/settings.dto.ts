import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { AuthenticationMethod } from '@capstan/contracts-api';
import {
  OAUTH_PROVIDERS,
  type OAuthProvider,
  PASSWORD_LENGTH_RANGE,
  TWO_FACTOR_POLICIES,
  type TwoFactorPolicy,
} from '../settings.model';

const HTTP_URL = /^(|https?:\/\/[^\s]{1,2040})$/;

/** Portainer's OAuthSettings (partial on update), plus Capstan's Issuer, Provider and GroupClaim. */
export class OAuthSettingsDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(512) ClientID?: string;
  @ApiPropertyOptional({
    description: "Write-only: sealed at rest, always '' in responses; '' keeps the stored one",
  })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  ClientSecret?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(HTTP_URL, { message: 'AccessTokenURI must be an http(s) URL' })
  AccessTokenURI?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(HTTP_URL, { message: 'AuthorizationURI must be an http(s) URL' })
  AuthorizationURI?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(HTTP_URL, { message: 'ResourceURI must be an http(s) URL' })
  ResourceURI?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(HTTP_URL, { message: 'RedirectURI must be an http(s) URL' })
  RedirectURI?: string;
  @ApiPropertyOptional({ example: 'preferred_username' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  UserIdentifier?: string;
  @ApiPropertyOptional({ example: 'openid profile email' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  Scopes?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() OAuthAutoCreateUsers?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) DefaultTeamID?: number;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() SSO?: boolean;
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(HTTP_URL, { message: 'LogoutURI must be an http(s) URL' })
  LogoutURI?: string;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(2) AuthStyle?: number;
  @ApiPropertyOptional({ description: 'Capstan: OIDC issuer URL (discovery)' })
  @IsOptional()
  @IsString()
  @Matches(HTTP_URL, { message: 'Issuer must be an http(s) URL' })
  Issuer?: string;
  @ApiPropertyOptional({ enum: OAUTH_PROVIDERS })
  @IsOptional()
  @IsIn(OAUTH_PROVIDERS, { message: `Provider must be one of ${OAUTH_PROVIDERS.join(', ')}` })
  Provider?: OAuthProvider;
  @ApiPropertyOptional({ example: 'groups', description: 'Capstan: the claim listing the groups' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  GroupClaim?: string;
}

const DURATION = /^(\d+(\.\d+)?(ms|s|m|h))+$/;

export class LabelPairDto {
  @ApiProperty({ example: 'io.example.hidden' })
  @IsString()
  @MaxLength(255)
  name!: string;

  @ApiProperty({ example: 'true' })
  @IsString()
  @MaxLength(255)
  value!: string;
}

/** Portainer's `Settings.Edge`: async edge agents' default intervals, seconds (0 turns one off). */
export class EdgeAsyncSettingsDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 86400, example: 60 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86400)
  PingInterval?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 86400, example: 60 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86400)
  SnapshotInterval?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 86400, example: 60 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86400)
  CommandInterval?: number;
}

export class InternalAuthSettingsDto {
  @ApiProperty({ minimum: PASSWORD_LENGTH_RANGE.min, maximum: PASSWORD_LENGTH_RANGE.max, example: 12 })
  @IsInt()
  @Min(PASSWORD_LENGTH_RANGE.min)
  @Max(PASSWORD_LENGTH_RANGE.max)
  RequiredPasswordLength!: number;
}

export class LdapSearchSettingsDto {
  @ApiProperty({ example: 'ou=people,dc=example,dc=org' })
  @IsString()
  @MaxLength(1024)
  BaseDN!: string;

  @ApiProperty({ example: '(objectClass=inetOrgPerson)' })
  @IsString()
  @MaxLength(1024)
  Filter!: string;

  @ApiProperty({ example: 'uid' })
  @IsString()
  @MaxLength(255)
  UserNameAttribute!: string;
}

export class LdapGroupSearchSettingsDto {
  @ApiProperty({ example: 'ou=groups,dc=example,dc=org' })
  @IsString()
  @MaxLength(1024)
  GroupBaseDN!: string;

  @ApiProperty({ example: '(objectClass=groupOfNames)' })
  @IsString()
  @MaxLength(1024)
  GroupFilter!: string;

  @ApiProperty({ example: 'member' })
  @IsString()
  @MaxLength(255)
  GroupAttribute!: string;
}

export class LdapTlsConfigDto {
  @ApiProperty({ description: 'LDAPS' })
  @IsBoolean()
  TLS!: boolean;

  @ApiProperty()
  @IsBoolean()
  TLSSkipVerify!: boolean;

  @ApiPropertyOptional({
    description: 'Capstan: the CA certificate (PEM) that signs the directory certificate',
  })
  @IsOptional()
  @IsString()
  @MaxLength(65536)
  TLSCACert?: string;

  @ApiPropertyOptional({
    description: 'Capstan: the client certificate (PEM) presented to the directory, with TLSKey',
  })
  @IsOptional()
  @IsString()
  @MaxLength(65536)
  TLSCert?: string;

  @ApiPropertyOptional({
    description:
      "Capstan: the client certificate's private key (PEM); empty or absent keeps the stored one. Never returned.",
  })
  @IsOptional()
  @IsString()
  @MaxLength(65536)
  TLSKey?: string;
}

export class LdapSettingsDto {
  @ApiPropertyOptional({ enum: [0, 1, 2], description: '0 custom, 1 OpenLDAP, 2 Active Directory' })
  @IsOptional()
  @IsIn([0, 1, 2], { message: 'ServerType must be 0 (custom), 1 (OpenLDAP) or 2 (Active Directory)' })
  ServerType?: number;

  @ApiProperty()
  @IsBoolean()
  AnonymousMode!: boolean;

  @ApiPropertyOptional({ example: 'cn=reader,dc=example,dc=org' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  ReaderDN?: string;

  @ApiPropertyOptional({
    description: "The reader's password; empty or absent keeps the stored one. Never returned.",
  })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  Password?: string;

  @ApiPropertyOptional({ example: 'ldap.example.org:389' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  URL?: string;

  @ApiPropertyOptional({ type: [String], description: 'Capstan: several servers, tried in order' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(16)
  @IsString({ each: true })
  @MaxLength(1024, { each: true })
  URLs?: string[];

  @ApiPropertyOptional({ type: LdapTlsConfigDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => LdapTlsConfigDto)
  TLSConfig?: LdapTlsConfigDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  StartTLS?: boolean;

  @ApiPropertyOptional({ type: [LdapSearchSettingsDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(16)
  @ValidateNested({ each: true })
  @Type(() => LdapSearchSettingsDto)
  SearchSettings?: LdapSearchSettingsDto[];

  @ApiPropertyOptional({ type: [LdapGroupSearchSettingsDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(16)
  @ValidateNested({ each: true })
  @Type(() => LdapGroupSearchSettingsDto)
  GroupSearchSettings?: LdapGroupSearchSettingsDto[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  AutoCreateUsers?: boolean;

  @ApiPropertyOptional({ description: 'Make members of AdminGroups administrators at sign-in' })
  @IsOptional()
  @IsBoolean()
  AdminAutoPopulate?: boolean;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  @MaxLength(1024, { each: true })
  AdminGroups?: string[];
}

export class SettingsResponse {
  @ApiProperty({ description: 'URL of a logo shown on the login page and sidebar' })
  LogoURL!: string;
  @ApiProperty({
    description: 'URL of the app templates file (Portainer v3 JSON); empty: the file shipped with Capstan',
  })
  TemplatesURL!: string;
  @ApiProperty({
    type: [LabelPairDto],
    description: 'Containers with any of these labels are hidden from lists',
  })
  BlackListedLabels!: LabelPairDto[];
  @ApiProperty({ enum: [1, 2, 3], description: '1 internal, 2 LDAP, 3 OAuth' })
  AuthenticationMethod!: number;
  @ApiProperty({ type: InternalAuthSettingsDto })
  InternalAuthSettings!: InternalAuthSettingsDto;
  @ApiProperty({ example: '8h', description: 'Session lifetime (Go duration)' })
  UserSessionTimeout!: string;
  @ApiProperty({ example: '5m', description: 'Environment snapshot interval (Go duration)' })
  SnapshotInterval!: string;
  @ApiProperty({ example: 8, description: 'Capstan: environments snapshotted at once (1–64)' })
  SnapshotConcurrency!: number;
  @ApiProperty({ example: '10s', description: "Capstan: one environment's snapshot deadline (1s–5m)" })
  SnapshotTimeout!: string;
  @ApiProperty()
  EnableTelemetry!: boolean;
  @ApiProperty()
  EnableEdgeComputeFeatures!: boolean;
  @ApiProperty({ example: 90, description: 'Audit log entries older than this are deleted' })
  AuditLogRetentionDays!: number;
  @ApiProperty({
    enum: TWO_FACTOR_POLICIES,
    description: 'Capstan: who must sign in with a TOTP code on top of the password (local accounts)',
  })
  TwoFactorPolicy!: TwoFactorPolicy;
  @ApiProperty({ type: OAuthSettingsDto, description: "OAuth sign-in; ClientSecret is always ''" })
  OAuthSettings!: OAuthSettingsDto;
  @ApiProperty({ type: LdapSettingsDto, description: "LDAP sign-in; Password is always ''" })
  LDAPSettings!: LdapSettingsDto;
  @ApiProperty({ example: 5, description: 'Edge agents poll every this many seconds (1–3600)' })
  EdgeAgentCheckinInterval!: number;
  @ApiProperty({ example: 'https://capstan.example.com:9443', description: 'Server URL in edge keys' })
  EdgePortainerURL!: string;
  @ApiProperty({ example: 'capstan.example.com:8000', description: 'Tunnel host:port in edge keys' })
  TunnelServerAddress!: string;
  @ApiProperty({ description: 'Trust agents presenting a global key at once (no waiting room)' })
  TrustOnFirstConnect!: boolean;
  @ApiProperty({ type: EdgeAsyncSettingsDto, description: "Async edge agents' default intervals (seconds)" })
  Edge!: EdgeAsyncSettingsDto;
  @ApiProperty({ type: [String], example: ['127.0.0.1', '10.0.0.0/8'] })
  TrustedProxies!: string[];
}

/** Partial update: only the fields present change. */
export class UpdateSettingsDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  LogoURL?: string;

  @ApiPropertyOptional({ description: 'http(s) URL of a v3 templates file; empty for the built-in file' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  @Matches(/^(https?:\/\/\S+)?$/i, { message: 'TemplatesURL must be an http(s) URL or empty' })
  TemplatesURL?: string;

  @ApiPropertyOptional({ type: [LabelPairDto] })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => LabelPairDto)
  BlackListedLabels?: LabelPairDto[];

  @ApiPropertyOptional({ enum: [1, 2, 3], description: '1 internal, 2 LDAP, 3 OAuth' })
  @IsOptional()
  @IsIn([AuthenticationMethod.Internal, AuthenticationMethod.Ldap, AuthenticationMethod.OAuth], {
    message: 'AuthenticationMethod must be 1 (internal), 2 (LDAP) or 3 (OAuth)',
  })
  AuthenticationMethod?: number;

  @ApiPropertyOptional({ type: LdapSettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => LdapSettingsDto)
  LDAPSettings?: LdapSettingsDto;

  @ApiPropertyOptional({
    type: [String],
    example: ['127.0.0.1', '10.0.0.0/8'],
    description: 'Capstan: reverse proxies whose X-Forwarded-For is believed (addresses or CIDR ranges)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  TrustedProxies?: string[];

  @ApiPropertyOptional({ type: InternalAuthSettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => InternalAuthSettingsDto)
  InternalAuthSettings?: InternalAuthSettingsDto;

  @ApiPropertyOptional({ example: '8h' })
  @IsOptional()
  @IsString()
  @Matches(DURATION, { message: 'UserSessionTimeout must be a duration such as 30m or 8h' })
  UserSessionTimeout?: string;

  @ApiPropertyOptional({ example: '5m' })
  @IsOptional()
  @IsString()
  @Matches(DURATION, { message: 'SnapshotInterval must be a duration such as 1m or 5m' })
  SnapshotInterval?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 64 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(64)
  SnapshotConcurrency?: number;

  @ApiPropertyOptional({ example: '10s' })
  @IsOptional()
  @IsString()
  @Matches(DURATION, { message: 'SnapshotTimeout must be a duration such as 10s or 1m' })
  SnapshotTimeout?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  EnableTelemetry?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  EnableEdgeComputeFeatures?: boolean;

  @ApiPropertyOptional({ minimum: 1, maximum: 3650 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  AuditLogRetentionDays?: number;

  @ApiPropertyOptional({ enum: TWO_FACTOR_POLICIES })
  @IsOptional()
  @IsIn(TWO_FACTOR_POLICIES, { message: `TwoFactorPolicy must be one of ${TWO_FACTOR_POLICIES.join(', ')}` })
  TwoFactorPolicy?: TwoFactorPolicy;

  @ApiPropertyOptional({ type: OAuthSettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => OAuthSettingsDto)
  OAuthSettings?: OAuthSettingsDto;
  @ApiPropertyOptional({ minimum: 1, maximum: 3600 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3600)
  EdgeAgentCheckinInterval?: number;

  @ApiPropertyOptional({ example: 'https://capstan.example.com:9443' })
  @IsOptional()
  @IsString()
  @Matches(/^(|https?:\/\/[^\s|]{1,2040})$/, { message: 'EdgePortainerURL must be an http(s) URL without |' })
  EdgePortainerURL?: string;

  @ApiPropertyOptional({ example: 'capstan.example.com:8000' })
  @IsOptional()
  @IsString()
  @Matches(/^(|[A-Za-z0-9.[\]:-]{1,255}:\d{1,5})$/, { message: 'TunnelServerAddress must be host:port' })
  TunnelServerAddress?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  TrustOnFirstConnect?: boolean;

  @ApiPropertyOptional({ type: EdgeAsyncSettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => EdgeAsyncSettingsDto)
  Edge?: EdgeAsyncSettingsDto;
}

export class PublicSettingsResponse {
  @ApiProperty()
  LogoURL!: string;
  @ApiProperty({ enum: [1, 2, 3] })
  AuthenticationMethod!: number;
  @ApiProperty({ example: 12 })
  RequiredPasswordLength!: number;
  @ApiProperty()
  EnableEdgeComputeFeatures!: boolean;
  @ApiProperty()
  EnableTelemetry!: boolean;
  @ApiProperty({
    enum: OAUTH_PROVIDERS,
    description: 'Capstan: the OAuth provider preset, for the sign-in button',
  })
  OAuthProvider!: OAuthProvider;
  @ApiProperty({
    description: 'Where the portal sends the browser to sign in with OAuth (empty unless OAuth)',
  })
  OAuthLoginURI!: string;
  @ApiProperty()
  OAuthLogoutURI!: string;
}
