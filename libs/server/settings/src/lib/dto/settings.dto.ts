import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
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
import { PASSWORD_LENGTH_RANGE, TWO_FACTOR_POLICIES, type TwoFactorPolicy } from '../settings.model';

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

export class InternalAuthSettingsDto {
  @ApiProperty({ minimum: PASSWORD_LENGTH_RANGE.min, maximum: PASSWORD_LENGTH_RANGE.max, example: 12 })
  @IsInt()
  @Min(PASSWORD_LENGTH_RANGE.min)
  @Max(PASSWORD_LENGTH_RANGE.max)
  RequiredPasswordLength!: number;
}

export class SettingsResponse {
  @ApiProperty({ description: 'URL of a logo shown on the login page and sidebar' })
  LogoURL!: string;
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
}

/** Partial update: only the fields present change. */
export class UpdateSettingsDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  LogoURL?: string;

  @ApiPropertyOptional({ type: [LabelPairDto] })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => LabelPairDto)
  BlackListedLabels?: LabelPairDto[];

  @ApiPropertyOptional({ enum: [1], description: 'Only internal authentication (1) is available so far' })
  @IsOptional()
  @IsIn([AuthenticationMethod.Internal], {
    message: 'AuthenticationMethod: only internal authentication (1) is available',
  })
  AuthenticationMethod?: number;

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
  @ApiProperty({ description: 'OAuth authorization URL (empty until OAuth is configured)' })
  OAuthLoginURI!: string;
  @ApiProperty()
  OAuthLogoutURI!: string;
}
