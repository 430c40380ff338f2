import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { Command } from '@capstan/server-core';

const positiveInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : value;

/** The poll's input (path id and headers), validated like an HTTP body before anything is read. */
export class EdgePollCommand extends Command {
  static override readonly invalidMessage = 'Invalid edge poll';

  @Transform(positiveInt)
  @IsInt({ message: 'endpoint id must be a positive integer' })
  @Min(1, { message: 'endpoint id must be a positive integer' })
  @Max(2_147_483_647)
  endpointId!: number;

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
  @IsString()
  @MaxLength(1024)
  ifNoneMatch?: string;

  @IsOptional()
  @IsIn(['1', '2'], { message: 'Portainer-Agent-Platform must be 1 (Docker) or 2 (Kubernetes)' })
  platform?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  version?: string;
}
