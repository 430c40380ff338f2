import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { EDGE_STACK_STATUS_MAX } from '@capstan/contracts-agent';

/** The agent's error text (compose's message, the deploy log's tail) is kept up to this size. */
export const MAX_STATUS_ERROR = 64 * 1024;

export class CreateEdgeStackDto {
  @ApiProperty() Name!: string;
  @ApiPropertyOptional({ description: 'string method: the compose file' }) StackFileContent?: string;
  @ApiProperty({ type: [Number] }) EdgeGroups!: number[];
  @ApiPropertyOptional({ description: '0 compose (1 kubernetes: not supported yet)' })
  DeploymentType?: number;
  @ApiPropertyOptional({ type: [Number], description: 'Registries whose credentials the agents get' })
  Registries?: number[];
  @ApiPropertyOptional({ type: 'array', items: { type: 'object' }, description: '[{name, value}]' })
  EnvVars?: { name: string; value: string }[];
  @ApiPropertyOptional({ description: 'repository method' }) RepositoryURL?: string;
  @ApiPropertyOptional() RepositoryReferenceName?: string;
  @ApiPropertyOptional() FilePathInRepository?: string;
  @ApiPropertyOptional() RepositoryAuthentication?: boolean;
  @ApiPropertyOptional() RepositoryUsername?: string;
  @ApiPropertyOptional() RepositoryPassword?: string;
}

export class UpdateEdgeStackDto {
  @ApiPropertyOptional() StackFileContent?: string;
  @ApiPropertyOptional({ description: 'Redeploy (Version++) even when the content is the same' })
  UpdateVersion?: boolean;
  @ApiPropertyOptional({ type: [Number] }) EdgeGroups?: number[];
  @ApiPropertyOptional() DeploymentType?: number;
  @ApiPropertyOptional({ type: [Number] }) Registries?: number[];
  @ApiPropertyOptional({ type: 'array', items: { type: 'object' } }) EnvVars?: {
    name: string;
    value: string;
  }[];
}

export class EdgeStackStatusEntry {
  @ApiProperty({ description: '0 Pending … 13 Completed (Portainer EdgeStackStatusType)' }) Type!: number;
  @ApiProperty() Error!: string;
  @ApiProperty({ description: 'Unix seconds' }) Time!: number;
}

export class EdgeStackDeploymentInfo {
  @ApiProperty({ description: 'The stack version this environment last reported about' }) Version!: number;
  @ApiProperty() FileVersion!: number;
  @ApiProperty() ConfigHash!: string;
}

export class EdgeStackEnvironmentStatus {
  @ApiProperty() EndpointID!: number;
  @ApiProperty({ type: [EdgeStackStatusEntry] }) Status!: EdgeStackStatusEntry[];
  @ApiProperty({ type: EdgeStackDeploymentInfo }) DeploymentInfo!: EdgeStackDeploymentInfo;
  @ApiProperty() ReadyRePullImage!: boolean;
}

export class EdgeStackResponse {
  @ApiProperty() Id!: number;
  @ApiProperty() Name!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/EdgeStackEnvironmentStatus' },
    description:
      'By environment id: every target (Pending until it reports) and any environment still removing it',
  })
  Status!: Record<string, EdgeStackEnvironmentStatus>;
  @ApiProperty({ description: 'Unix seconds' }) CreationDate!: number;
  @ApiProperty({ type: [Number] }) EdgeGroups!: number[];
  @ApiProperty() ProjectPath!: string;
  @ApiProperty() EntryPoint!: string;
  @ApiProperty() Version!: number;
  @ApiProperty() NumDeployments!: number;
  @ApiProperty() DeploymentType!: number;
  @ApiProperty() ManifestPath!: string;
  @ApiProperty() UseManifestNamespaces!: boolean;
  @ApiProperty({ type: [Number] }) Registries!: number[];
  @ApiProperty({ type: 'array', items: { type: 'object' } }) EnvVars!: { name: string; value: string }[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true }) GitConfig!: unknown;
  @ApiProperty({
    type: [Number],
    description:
      'Capstan: environments whose last report is about another version than the current one (drift)',
  })
  Drift!: number[];
}

export class EdgeStackFileResponse {
  @ApiProperty() StackFileContent!: string;
}

/** `PUT /api/edge_stacks/{id}/status` from the agent. */
export class EdgeStackStatusDto {
  @ApiProperty() @IsInt() @Min(1) @Max(2_147_483_647) EndpointID!: number;
  @ApiProperty() @IsInt() @Min(0) @Max(EDGE_STACK_STATUS_MAX) Status!: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(MAX_STATUS_ERROR) Error?: string;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(4_102_444_800) Time?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(2_147_483_647) RollbackTo?: number;
  @ApiPropertyOptional({ description: 'Capstan: the stack version the report is about' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2_147_483_647)
  Version?: number;
}
