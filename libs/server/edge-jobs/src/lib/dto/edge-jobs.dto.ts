import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

/** 64 KiB: a script travels base64-encoded in every poll answer of every target, so it stays small (413 above). */
export const MAX_EDGE_JOB_SCRIPT = 64 * 1024;
/** A collected log kept per environment; the agent sends the tail when the file is longer. */
export const MAX_EDGE_JOB_LOG = 512 * 1024;
export const EDGE_JOB_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const NAME_MESSAGE = 'Invalid Edge job name format. Allowed characters are: [a-zA-Z0-9_.-]';
const MAX_TARGETS = 10_000;

/** An optional list of ids (environments, edge groups): positive 31-bit integers, at most MAX_TARGETS. */
const IdList = () =>
  applyDecorators(
    IsOptional(),
    IsArray(),
    ArrayMaxSize(MAX_TARGETS),
    IsInt({ each: true }),
    Min(1, { each: true }),
    Max(2_147_483_647, { each: true }),
  );

export class CreateEdgeJobDto {
  @ApiProperty({ description: 'Letters, digits, _ . - (starting with a letter or digit)' })
  @IsString()
  @MaxLength(255)
  @Matches(EDGE_JOB_NAME, { message: NAME_MESSAGE })
  Name!: string;

  @ApiProperty({ description: 'Five-field cron expression (a sixth, leading seconds field is dropped)' })
  @IsString()
  @MaxLength(255)
  CronExpression!: string;

  @ApiPropertyOptional({ description: 'false: run once at the moment the expression names (default true)' })
  @IsOptional()
  @IsBoolean()
  Recurring?: boolean;

  @ApiPropertyOptional({ type: [Number], description: 'Edge environment ids' })
  @IdList()
  Endpoints?: number[];

  @ApiPropertyOptional({ type: [Number], description: 'Edge group ids' })
  @IdList()
  EdgeGroups?: number[];

  @ApiProperty({ description: `The script (at most ${MAX_EDGE_JOB_SCRIPT} bytes)` })
  @IsString()
  FileContent!: string;
}

export class UpdateEdgeJobDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(255)
  @Matches(EDGE_JOB_NAME, { message: NAME_MESSAGE })
  Name?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) CronExpression?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() Recurring?: boolean;

  @ApiPropertyOptional({ type: [Number] })
  @IdList()
  Endpoints?: number[];

  @ApiPropertyOptional({ type: [Number] })
  @IdList()
  EdgeGroups?: number[];

  @ApiPropertyOptional({ description: 'A new script (Version + 1)' })
  @IsOptional()
  @IsString()
  FileContent?: string;
}

/** The agent's upload (`POST /api/endpoints/{id}/edge/jobs/{jobId}/logs`). */
export class EdgeJobLogsUploadDto {
  @ApiProperty({ description: `The job's output (at most ${MAX_EDGE_JOB_LOG} bytes)` })
  @IsString()
  FileContent!: string;
}

export class EdgeJobEnvironmentMeta {
  @ApiProperty({ description: '1 idle, 2 pending, 3 collected' }) LogsStatus!: number;
  @ApiProperty() CollectLogs!: boolean;
}

export class EdgeJobResponse {
  @ApiProperty() Id!: number;
  @ApiProperty() Name!: string;
  @ApiProperty() CronExpression!: string;
  @ApiProperty() Recurring!: boolean;
  @ApiProperty({ description: 'Unix seconds' }) Created!: number;
  @ApiProperty({ description: 'Where Portainer keeps the script (informative)' }) ScriptPath!: string;
  @ApiProperty() Version!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/EdgeJobEnvironmentMeta' },
    description: 'Explicit targets by environment id',
  })
  Endpoints!: Record<string, EdgeJobEnvironmentMeta>;
  @ApiProperty({ type: [Number] }) EdgeGroups!: number[];
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/EdgeJobEnvironmentMeta' },
    description: 'Log collection of environments reached through edge groups',
  })
  GroupLogsCollection!: Record<string, EdgeJobEnvironmentMeta>;
  @ApiPropertyOptional({
    description: 'Capstan: the next run (Unix seconds, server time zone UTC); absent once a run-once job ran',
  })
  NextRun?: number;
}

export class EdgeJobTaskResponse {
  @ApiProperty({ description: 'edgejob_task_<jobId>_<environmentId>' }) Id!: string;
  @ApiProperty() EndpointId!: number;
  @ApiProperty({ description: '1 idle, 2 pending, 3 collected' }) LogsStatus!: number;
  @ApiProperty({ description: 'Capstan: targeted directly (false: through an edge group)' })
  Explicit!: boolean;
  @ApiProperty({ description: 'Capstan: when the last log arrived (Unix seconds, 0 never)' })
  LogsDate!: number;
  @ApiProperty({ description: 'Capstan: size of the collected log in bytes' }) LogsSize!: number;
}

export class EdgeJobFileResponse {
  @ApiProperty() FileContent!: string;
}
