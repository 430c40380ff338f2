import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { AuthLogResult } from '@capstan/contracts-api';

export class AuditLogQuery {
  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  offset?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 50 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'Only entries at or after this time (unix seconds)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  after?: number;

  @ApiPropertyOptional({ description: 'Only entries before this time (unix seconds)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  before?: number;

  @ApiPropertyOptional({ description: 'Exact username (case-insensitive)' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  username?: string;

  @ApiPropertyOptional({ description: 'Substring searched in the entry (username, origin, path, payload)' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  keyword?: string;
}

export class AuthLogQuery extends AuditLogQuery {
  @ApiPropertyOptional({ enum: Object.values(AuthLogResult) })
  @IsOptional()
  @IsIn(Object.values(AuthLogResult))
  type?: string;
}

export class AuthLogResponse {
  @ApiProperty() id!: number;
  @ApiProperty({ description: 'Unix seconds' }) timestamp!: number;
  @ApiProperty() username!: string;
  @ApiProperty({ description: 'Authentication method', example: 'internal' }) context!: string;
  @ApiProperty({ description: 'Client address' }) origin!: string;
  @ApiProperty({ enum: Object.values(AuthLogResult) }) type!: string;
  @ApiProperty({ description: "Why an attempt failed ('' otherwise)", example: 'wrong password' })
  reason!: string;
}

export class AuthLogPage {
  @ApiProperty({ type: [AuthLogResponse] }) logs!: AuthLogResponse[];
  @ApiProperty() totalCount!: number;
}

export class ActivityLogResponse {
  @ApiProperty() id!: number;
  @ApiProperty({ description: 'Unix seconds' }) timestamp!: number;
  @ApiProperty() username!: string;
  @ApiProperty({ nullable: true, type: Number }) userId!: number | null;
  @ApiProperty() method!: string;
  @ApiProperty() path!: string;
  @ApiProperty({ nullable: true, type: Number }) environmentId!: number | null;
  @ApiProperty() status!: number;
  @ApiProperty({ description: 'Request body, secrets redacted' }) payload!: string;
  @ApiProperty({
    description: "What happened, in words (the request is in method, path, payload); '' when not known",
    example: 'stopped container web',
  })
  description!: string;
  @ApiProperty() requestId!: string;
}

export class ActivityLogPage {
  @ApiProperty({ type: [ActivityLogResponse] }) logs!: ActivityLogResponse[];
  @ApiProperty() totalCount!: number;
}
