import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

/** Portainer's `{code}`; Capstan's portal also sends the `state` (and `iss`) it got back. */
export class OAuthValidateDto {
  @ApiProperty({ description: 'The authorization code the provider sent back' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  code!: string;

  @ApiPropertyOptional({
    description: 'The state the provider sent back: must be the one issued to this browser',
  })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  state?: string;

  @ApiPropertyOptional({ description: 'The issuer the provider sent back (RFC 9207)' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  iss?: string;
}
