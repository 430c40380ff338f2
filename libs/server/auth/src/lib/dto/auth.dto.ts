import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export class AuthenticateDto {
  @ApiProperty({ example: 'admin' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  username!: string;

  @ApiProperty({ example: 'a-long-password' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  password!: string;

  @ApiPropertyOptional({
    description:
      'Capstan: the two-factor code, for clients that sign in in one step (else a second step is asked)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  totpCode?: string;
}

export class AuthenticateResponse {
  @ApiProperty({ description: 'A JWT to send as `Authorization: Bearer <jwt>`' })
  jwt!: string;
}

export class CreateApiKeyDto {
  @ApiProperty({ example: 'ci-pipeline' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  description!: string;

  @ApiProperty({ description: 'Your current password' })
  @IsString()
  @MaxLength(256)
  password!: string;
}

export class ApiKeyResponse {
  @ApiProperty() id!: number;
  @ApiProperty() userId!: number;
  @ApiProperty() description!: string;
  @ApiProperty({ example: 'ptr_abc' }) prefix!: string;
  @ApiProperty({ description: 'Unix seconds' }) dateCreated!: number;
  @ApiProperty({ description: 'Unix seconds; 0 = never used' }) lastUsed!: number;
}

export class CreateApiKeyResponse {
  @ApiProperty({ description: 'The key itself: shown once, send it as the X-API-Key header' })
  rawAPIKey!: string;
  @ApiProperty({ type: ApiKeyResponse }) apiKey!: ApiKeyResponse;
}
