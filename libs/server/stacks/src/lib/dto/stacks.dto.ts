import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

/** 1 MiB: a compose file larger than this is refused (413). */
export const MAX_STACK_FILE = 1024 * 1024;

export class StackEnvDto {
  @ApiProperty() @IsString() @MaxLength(255) name!: string;
  @ApiProperty() @IsString() @MaxLength(65536) value!: string;
}

export class CreateStackDto {
  @ApiProperty() @IsString() @MaxLength(255) Name!: string;
  @ApiProperty({ description: 'The compose file' }) @IsString() StackFileContent!: string;
  @ApiPropertyOptional({ type: [StackEnvDto] })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => StackEnvDto)
  Env?: StackEnvDto[];
  @ApiPropertyOptional({ description: 'Swarm stacks: the cluster id' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  SwarmID?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() FromAppTemplate?: boolean;
}

export class UpdateStackDto {
  @ApiPropertyOptional() @IsOptional() @IsString() StackFileContent?: string;
  @ApiPropertyOptional({ type: [StackEnvDto] })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => StackEnvDto)
  Env?: StackEnvDto[];
  @ApiPropertyOptional() @IsOptional() @IsBoolean() Prune?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() PullImage?: boolean;
  @ApiPropertyOptional({ description: 'Capstan: roll back to this stored version instead of a new file' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  RollbackTo?: number;
}

export class AdoptStackDto {
  @ApiProperty({ description: 'The compose project or Swarm stack name' })
  @IsString()
  @MaxLength(255)
  Name!: string;
  @ApiPropertyOptional({
    description: 'The file; without it, the file compose recorded (administrators, local engines)',
  })
  @IsOptional()
  @IsString()
  StackFileContent?: string;
  @ApiPropertyOptional({ type: [StackEnvDto] })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => StackEnvDto)
  Env?: StackEnvDto[];
}

export class MigrateStackDto {
  @ApiProperty() @IsInt() @Min(1) @Max(2_147_483_647) EndpointID!: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) SwarmID?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) Name?: string;
}

export class StackResponse {
  @ApiProperty() Id!: number;
  @ApiProperty() Name!: string;
  @ApiProperty({ description: '1 swarm, 2 compose' }) Type!: number;
  @ApiProperty() EndpointId!: number;
  @ApiProperty() SwarmId!: string;
  @ApiProperty() EntryPoint!: string;
  @ApiProperty({ type: [StackEnvDto] }) Env!: StackEnvDto[];
  @ApiPropertyOptional({ type: Object }) ResourceControl?: unknown;
  @ApiProperty({ description: '1 active, 2 inactive' }) Status!: number;
  @ApiProperty() ProjectPath!: string;
  @ApiProperty() CreationDate!: number;
  @ApiProperty() CreatedBy!: string;
  @ApiProperty() UpdateDate!: number;
  @ApiProperty() UpdatedBy!: string;
  @ApiProperty({ type: [String] }) AdditionalFiles!: string[];
  @ApiPropertyOptional({ type: Object, nullable: true }) AutoUpdate!: unknown;
  @ApiPropertyOptional({ type: Object, nullable: true }) GitConfig!: unknown;
  @ApiProperty({ type: Object }) Option!: { Prune: boolean };
  @ApiProperty() FromAppTemplate!: boolean;
  @ApiProperty() Namespace!: string;
  @ApiPropertyOptional({ description: 'Capstan: the stored file version that runs' }) FileVersion?: number;
  @ApiPropertyOptional({ description: 'Capstan: made outside Capstan (no record; limited actions)' })
  External?: boolean;
}

export class StackFileResponse {
  @ApiProperty() StackFileContent!: string;
  @ApiPropertyOptional() Version?: number;
}

export class StackVersionsResponse {
  @ApiProperty({ type: [Number] }) Versions!: number[];
  @ApiProperty() Current!: number;
}

export class StackDeployLogResponse {
  @ApiProperty() Log!: string;
  @ApiProperty() Running!: boolean;
}

export class StackAutoUpdateDto {
  @ApiPropertyOptional({ description: 'Go duration ("5m", "1h30m"), at least 1s; empty: no interval job' })
  Interval?: string;
  @ApiPropertyOptional({ description: 'A UUID: POST /api/stacks/webhooks/{uuid} redeploys the stack' })
  Webhook?: string;
  @ApiPropertyOptional({ description: 'Redeploy even when the remote commit is unchanged' })
  ForceUpdate?: boolean;
  @ApiPropertyOptional({ description: 'Pull images on every redeploy' }) ForcePullImage?: boolean;
}

/** `POST /api/stacks/{id}/git` (keys in any case; read by StackGitService). */
export class StackGitUpdateDto {
  @ApiPropertyOptional({ type: StackAutoUpdateDto, nullable: true }) AutoUpdate?: StackAutoUpdateDto | null;
  @ApiPropertyOptional({ type: [StackEnvDto] }) Env?: StackEnvDto[];
  @ApiPropertyOptional() Prune?: boolean;
  @ApiPropertyOptional() RepositoryReferenceName?: string;
  @ApiPropertyOptional() RepositoryAuthentication?: boolean;
  @ApiPropertyOptional() RepositoryUsername?: string;
  @ApiPropertyOptional({ description: 'Empty keeps the stored password' }) RepositoryPassword?: string;
  @ApiPropertyOptional() TLSSkipVerify?: boolean;
}

/** `PUT /api/stacks/{id}/git/redeploy`. */
export class StackGitRedeployDto {
  @ApiPropertyOptional({ description: 'Another branch, tag or commit (stored)' })
  RepositoryReferenceName?: string;
  @ApiPropertyOptional() RepositoryAuthentication?: boolean;
  @ApiPropertyOptional() RepositoryUsername?: string;
  @ApiPropertyOptional() RepositoryPassword?: string;
  @ApiPropertyOptional({ type: [StackEnvDto] }) Env?: StackEnvDto[];
  @ApiPropertyOptional() Prune?: boolean;
  @ApiPropertyOptional() PullImage?: boolean;
}

export class StackDriftItem {
  @ApiProperty() Service!: string;
  @ApiProperty({ enum: ['missing', 'replicas', 'image', 'ports', 'env', 'extra'] }) Field!: string;
  @ApiProperty() Expected!: string;
  @ApiProperty() Actual!: string;
  @ApiPropertyOptional({ description: 'Container or Swarm service' }) Resource?: string;
}

export class StackDriftResponse {
  @ApiProperty() StackId!: number;
  @ApiProperty() InSync!: boolean;
  @ApiProperty({ type: [StackDriftItem] }) Differences!: StackDriftItem[];
  @ApiProperty({ description: 'Unix seconds' }) CheckedAt!: number;
}

export class StackVersionsDiffResponse {
  @ApiProperty() From!: number;
  @ApiProperty() To!: number;
  @ApiProperty({ description: 'Unified diff (git diff --no-index) of every file; empty when equal' })
  Diff!: string;
}
