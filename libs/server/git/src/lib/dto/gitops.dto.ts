import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

/** Portainer's `repositoryFilePreviewPayload` (keys matched case-insensitively). */
export class RepositoryFilePreviewDto {
  @ApiProperty({
    description: 'URL of the git repository (http or https)',
    example: 'https://github.com/org/repo.git',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(2048)
  repository!: string;

  @ApiPropertyOptional({
    description: 'Branch, tag, full ref or commit; empty = the default branch',
    example: 'refs/heads/main',
  })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  reference?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) username?: string;

  @ApiPropertyOptional({ description: 'Password or access token' })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  password?: string;

  @ApiProperty({ description: 'Path of the file inside the repository', example: 'docker-compose.yml' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  targetFile!: string;

  @ApiPropertyOptional({ description: 'Skip TLS verification of the git server' })
  @IsOptional()
  @IsBoolean()
  tlsSkipVerify?: boolean;
}

export class RepositoryFilePreviewResponse {
  @ApiProperty({ description: 'The file content' }) FileContent!: string;
}
