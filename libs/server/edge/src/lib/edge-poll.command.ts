import { Transform } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ArrayMaxSize,
  ValidateNested,
} from 'class-validator';
import { Type } from 'class-transformer';
import { Command } from '@capstan/server-core';

const positiveInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : value;

/** What every edge agent request carries in its headers: the edge id (credential), Capstan's secret, platform. */
export abstract class EdgeAgentCommand extends Command {
  @IsString({ message: 'X-PortainerAgent-EdgeID is required' })
  @Matches(/^[A-Za-z0-9._:-]{1,128}$/, {
    message: 'X-PortainerAgent-EdgeID must be 1–128 of A-Z a-z 0-9 . _ : -',
  })
  edgeId!: string;

  /** Capstan's per-environment poll secret; `?` asks for one (first trusted poll). */
  @IsOptional()
  @IsString()
  @Matches(/^(\?|[A-Za-z0-9_-]{43})$/, { message: 'X-Capstan-Edge-Secret is malformed' })
  secret?: string;

  @IsOptional()
  @IsIn(['1', '2'], { message: 'Portainer-Agent-Platform must be 1 (Docker) or 2 (Kubernetes)' })
  platform?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  version?: string;
}

/** The poll's input (path id and headers), validated like an HTTP body before anything is read. */
export class EdgePollCommand extends EdgeAgentCommand {
  static override readonly invalidMessage = 'Invalid edge poll';

  @Transform(positiveInt)
  @IsInt({ message: 'endpoint id must be a positive integer' })
  @Min(1, { message: 'endpoint id must be a positive integer' })
  @Max(2_147_483_647)
  endpointId!: number;

  @IsOptional()
  @IsString()
  @MaxLength(1024)
  ifNoneMatch?: string;
}

/** Auto-onboarding metadata (`EDGE_GROUPS`, `PORTAINER_TAGS`, `PORTAINER_GROUP`). */
export class EdgeMetaFieldsInput {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(2_147_483_647, { each: true })
  edgeGroupsIds?: number[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(2_147_483_647, { each: true })
  tagsIds?: number[];

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2_147_483_647)
  environmentGroupId?: number;
}

/** `POST /api/endpoints/global-key`: the agent's edge id and what it asks to be placed in. */
export class GlobalKeyCommand extends EdgeAgentCommand {
  static override readonly invalidMessage = 'Invalid global key request';

  @IsOptional()
  @ValidateNested()
  @Type(() => EdgeMetaFieldsInput)
  meta?: EdgeMetaFieldsInput;
}

/**
 * `POST /api/endpoints/edge/async` (headers and body), agent protocol §5.10. The body's `snapshot` is not part of
 * the command: it is large and free-form (Docker's own lists) and is checked part by part by the service.
 */
export class EdgeAsyncCommand extends EdgeAgentCommand {
  static override readonly invalidMessage = 'Invalid edge async request';

  /** Absent (or 0) for an agent started with a global key: found by its edge id. */
  @IsOptional()
  @IsInt({ message: 'endpointId must be an integer' })
  @Min(0)
  @Max(2_147_483_647)
  endpointId?: number;

  @IsOptional()
  @ValidateNested()
  @Type(() => EdgeMetaFieldsInput)
  metaFields?: EdgeMetaFieldsInput | null;

  @IsOptional()
  @IsString()
  @Matches(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/, {
    message: 'commandTimestamp must be an RFC 3339 time',
  })
  commandTimestamp?: string;

  /** Capstan agents: commands that failed, `{"<id>": "message"}`. */
  @IsOptional()
  @IsObject()
  commandErrors?: Record<string, string>;
}
