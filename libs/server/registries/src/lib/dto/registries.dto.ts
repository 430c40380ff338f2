import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';

/** host[:port][/path], optionally with a scheme (dropped); no spaces, queries or traversal. */
export const REGISTRY_URL =
  /^(https?:\/\/)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?(\/(?!\.{1,2}(\/|$))[A-Za-z0-9._-]+)*\/?$/;

export class GitlabDto {
  @ApiProperty() @IsInt() @Min(0) @Max(2_147_483_647) ProjectId!: number;
  @ApiProperty() @IsString() @MaxLength(512) InstanceURL!: string;
  @ApiProperty() @IsString() @MaxLength(512) ProjectPath!: string;
}

export class OrganisationDto {
  @ApiProperty() @IsBoolean() UseOrganisation!: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) OrganisationName?: string;
}

export class EcrDto {
  @ApiProperty({ example: 'eu-west-1' })
  @IsString()
  @Matches(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, { message: 'Ecr.Region must be an AWS region such as eu-west-1' })
  Region!: string;
}

export class RegistryAccessDto {
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  UserAccessPolicies?: Record<string, { RoleId?: number }>;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  TeamAccessPolicies?: Record<string, { RoleId?: number }>;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @MaxLength(253, { each: true })
  Namespaces?: string[];
}

class RegistryFieldsDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(512) BaseURL?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() Authentication?: boolean;
  @ApiPropertyOptional({ description: 'ECR: the access key id' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  Username?: string;
  @ApiPropertyOptional({ description: 'Write-only (ECR: the secret access key); never returned' })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  Password?: string;
  @ApiPropertyOptional({ type: GitlabDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => GitlabDto)
  Gitlab?: GitlabDto;
  @ApiPropertyOptional({ type: OrganisationDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => OrganisationDto)
  Quay?: OrganisationDto;
  @ApiPropertyOptional({ type: OrganisationDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => OrganisationDto)
  Github?: OrganisationDto;
  @ApiPropertyOptional({ type: EcrDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => EcrDto)
  Ecr?: EcrDto;
}

export class CreateRegistryDto extends RegistryFieldsDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(255) Name!: string;
  @ApiProperty({
    description: '1 Quay, 2 Azure, 3 Custom, 4 GitLab, 5 ProGet, 6 Docker Hub, 7 ECR, 8 GitHub',
  })
  @IsInt()
  @Min(1)
  @Max(8)
  Type!: number;
  @ApiPropertyOptional({ description: 'host[:port][/path]; required except for Docker Hub (docker.io)' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  @Matches(REGISTRY_URL, { message: 'URL must be host[:port][/path]' })
  URL?: string;
}

export class UpdateRegistryDto extends RegistryFieldsDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(255) Name?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(512)
  @Matches(REGISTRY_URL, { message: 'URL must be host[:port][/path]' })
  URL?: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/RegistryAccessDto' },
    description: 'Environment id → who may use the registry there (replaces every environment given)',
  })
  @IsOptional()
  @IsObject()
  RegistryAccesses?: Record<string, RegistryAccessDto>;
}

export class RegistryAccessResponse {
  @ApiProperty({ type: 'object', additionalProperties: true }) UserAccessPolicies!: Record<
    string,
    { RoleId: number }
  >;
  @ApiProperty({ type: 'object', additionalProperties: true }) TeamAccessPolicies!: Record<
    string,
    { RoleId: number }
  >;
  @ApiProperty({ type: [String] }) Namespaces!: string[];
}

/** Portainer's Registry without its secrets (Password, AccessToken are never returned). */
export class RegistryResponse {
  @ApiProperty() Id!: number;
  @ApiProperty() Name!: string;
  @ApiProperty() Type!: number;
  @ApiProperty() URL!: string;
  @ApiProperty() BaseURL!: string;
  @ApiProperty() Authentication!: boolean;
  @ApiProperty({ description: 'Empty for non-administrators (ECR: the access key id)' }) Username!: string;
  @ApiPropertyOptional({ type: GitlabDto }) Gitlab?: GitlabDto;
  @ApiPropertyOptional({ type: OrganisationDto }) Quay?: OrganisationDto;
  @ApiPropertyOptional({ type: OrganisationDto }) Github?: OrganisationDto;
  @ApiPropertyOptional({ type: EcrDto }) Ecr?: EcrDto;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/RegistryAccessResponse' },
    description: 'Environment id → accesses (administrators only; empty for others)',
  })
  RegistryAccesses!: Record<string, RegistryAccessResponse>;
  @ApiProperty({ description: 'ECR: when the cached token expires (unix seconds); 0 otherwise' })
  AccessTokenExpiry!: number;
}

export class RegistryPingResponse {
  @ApiProperty() Ok!: boolean;
  @ApiProperty({ description: 'What the registry answered' }) Message!: string;
}

export class RetagDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(255) Repository!: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(128) Tag!: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(128) NewTag!: string;
}

export class TagInfoResponse {
  @ApiProperty() Name!: string;
  @ApiProperty({ description: 'Manifest digest (sha256:…)' }) Digest!: string;
  @ApiProperty({ description: 'Bytes of config and layers (0 for a list or index)' }) Size!: number;
  @ApiProperty() MediaType!: string;
}
