import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';

export class SecuritySettingsDto {
  @ApiProperty() allowBindMountsForRegularUsers!: boolean;
  @ApiProperty() allowPrivilegedModeForRegularUsers!: boolean;
  @ApiProperty() allowVolumeBrowserForRegularUsers!: boolean;
  @ApiProperty() allowHostNamespaceForRegularUsers!: boolean;
  @ApiProperty() allowDeviceMappingForRegularUsers!: boolean;
  @ApiProperty() allowStackManagementForRegularUsers!: boolean;
  @ApiProperty() allowContainerCapabilitiesForRegularUsers!: boolean;
  @ApiProperty() allowSysctlSettingForRegularUsers!: boolean;
  @ApiProperty() enableHostManagementFeatures!: boolean;
}

export class UpdateSecuritySettingsDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() allowBindMountsForRegularUsers?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() allowPrivilegedModeForRegularUsers?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() allowVolumeBrowserForRegularUsers?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() allowHostNamespaceForRegularUsers?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() allowDeviceMappingForRegularUsers?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() allowStackManagementForRegularUsers?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() allowContainerCapabilitiesForRegularUsers?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() allowSysctlSettingForRegularUsers?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() enableHostManagementFeatures?: boolean;
}

export class TlsConfigResponse {
  @ApiProperty() TLS!: boolean;
  @ApiProperty() TLSSkipVerify!: boolean;
}

/** `{ RoleId }` keyed by user or team id, inline in the maps below. */
const ACCESS_POLICY_SCHEMA = {
  type: 'object' as const,
  required: ['RoleId'],
  properties: {
    RoleId: { type: 'number' as const, description: 'Environment role id (1–5, see GET /api/roles)' },
  },
};

export class AccessPolicyDto {
  @ApiProperty({ description: 'Environment role id (1–5, see GET /api/roles)' }) RoleId!: number;
}

export class DockerSnapshotResponse {
  @ApiProperty({ description: 'Unix seconds' }) Time!: number;
  @ApiProperty() DockerVersion!: string;
  @ApiProperty() Swarm!: boolean;
  @ApiProperty() TotalCPU!: number;
  @ApiProperty() TotalMemory!: number;
  @ApiProperty() ContainerCount!: number;
  @ApiProperty() RunningContainerCount!: number;
  @ApiProperty() StoppedContainerCount!: number;
  @ApiProperty() HealthyContainerCount!: number;
  @ApiProperty() UnhealthyContainerCount!: number;
  @ApiProperty() VolumeCount!: number;
  @ApiProperty() ImageCount!: number;
  @ApiProperty() NetworkCount!: number;
  @ApiProperty() ServiceCount!: number;
  @ApiProperty() StackCount!: number;
  @ApiProperty() NodeCount!: number;
  @ApiProperty() IsPodman!: boolean;
  @ApiProperty({
    type: [String],
    description:
      'Capstan: agent on a Swarm, the nodes whose agents did not answer the last snapshot (sorted). When not empty ' +
      'the snapshot is partial: ContainerCount, ImageCount, VolumeCount, NetworkCount and the container states ' +
      'miss those nodes. Empty when complete (snapshots taken before this field existed read as empty).',
  })
  UnreachableNodes!: string[];
  @ApiPropertyOptional({
    description: 'Raw lists, only with ?withRaw=true on inspect',
    type: 'object',
    additionalProperties: true,
  })
  DockerSnapshotRaw?: Record<string, unknown>;
}

/** Capstan extension: what the caller may do in this environment (the portal hides the rest). */
export class CapstanAccessResponse {
  @ApiProperty({
    description: 'Effective environment role id (administrators: 1, environment administrator)',
  })
  RoleId!: number;
  @ApiProperty({ type: [String], description: 'Environment permissions of that role (catalog strings)' })
  Permissions!: string[];
  @ApiProperty({
    enum: ['none', 'read', 'write'],
    description:
      "Agent environments' volume browser for the caller: administrators write; other users only when " +
      'SecuritySettings.allowVolumeBrowserForRegularUsers is on (read for Read-only users and Helpdesk, write for ' +
      'the other roles), and then only on the volumes they may access; none on other environments',
  })
  VolumeBrowse!: 'none' | 'read' | 'write';
}

export class AgentInfoResponse {
  @ApiProperty({
    description: 'The agent version (Portainer-Agent header) seen when the environment was added',
  })
  Version!: string;
}

export class EdgeAsyncInfoResponse {
  @ApiProperty({ description: 'The agent runs in async mode (EDGE_ASYNC=1)' }) AsyncMode!: boolean;
  @ApiProperty() PingInterval!: number;
  @ApiProperty() SnapshotInterval!: number;
  @ApiProperty() CommandInterval!: number;
}

export class EnvironmentResponse {
  @ApiProperty() Id!: number;
  @ApiProperty() Name!: string;
  @ApiProperty({ description: '1 Docker, 2 agent on Docker, 4 edge agent, 5/6/7 Kubernetes' }) Type!: number;
  @ApiProperty() URL!: string;
  @ApiProperty() PublicURL!: string;
  @ApiProperty() GroupId!: number;
  @ApiProperty({ type: [Number] }) TagIds!: number[];
  @ApiProperty({ enum: ['docker', 'podman', ''] }) ContainerEngine!: string;
  @ApiProperty({ description: '1 up, 2 down' }) Status!: number;
  @ApiProperty({ type: TlsConfigResponse }) TLSConfig!: TlsConfigResponse;
  @ApiProperty({ type: 'object', additionalProperties: ACCESS_POLICY_SCHEMA })
  UserAccessPolicies!: Record<string, AccessPolicyDto>;
  @ApiProperty({ type: 'object', additionalProperties: ACCESS_POLICY_SCHEMA })
  TeamAccessPolicies!: Record<string, AccessPolicyDto>;
  @ApiProperty({ type: SecuritySettingsDto }) SecuritySettings!: SecuritySettingsDto;
  @ApiProperty({ type: [DockerSnapshotResponse], description: 'The last snapshot (empty before the first)' })
  Snapshots!: DockerSnapshotResponse[];
  @ApiProperty({ type: CapstanAccessResponse, description: "Capstan extension: the caller's role here" })
  CapstanAccess!: CapstanAccessResponse;
  @ApiPropertyOptional({ type: AgentInfoResponse, description: 'Agent environments (type 2) only' })
  Agent?: AgentInfoResponse;
  @ApiPropertyOptional({ description: 'Edge (type 4): the agent id bound by its first poll' })
  EdgeID?: string;
  @ApiPropertyOptional({ description: 'Edge (type 4): the key to start the agent with' }) EdgeKey?: string;
  @ApiPropertyOptional({ description: 'Edge (type 4): poll interval in seconds, 0 for the setting' })
  EdgeCheckinInterval?: number;
  @ApiPropertyOptional({ description: 'Edge (type 4): false while waiting in the waiting room' })
  UserTrusted?: boolean;
  @ApiPropertyOptional({ description: 'Edge (type 4): last poll, Unix seconds (0 never)' })
  LastCheckInDate?: number;
  @ApiPropertyOptional({
    type: EdgeAsyncInfoResponse,
    description: 'Edge (type 4): async mode and its intervals (seconds; -1 the settings default, 0 off)',
  })
  Edge?: EdgeAsyncInfoResponse;
}

export class EnvironmentListQuery {
  @ApiPropertyOptional({ minimum: 0 }) @IsOptional() @IsInt() @Min(0) start?: number;
  @ApiPropertyOptional({ minimum: 0, description: '0 = all' }) @IsOptional() @IsInt() @Min(0) limit?: number;
  @ApiPropertyOptional({ enum: ['Name', 'Group', 'Status'] })
  @IsOptional()
  @IsIn(['Name', 'Group', 'Status'])
  sort?: string;
  @ApiPropertyOptional({ enum: ['asc', 'desc'] }) @IsOptional() @IsIn(['asc', 'desc']) order?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) search?: string;
  @ApiPropertyOptional({ description: 'JSON array or comma list of group ids' })
  @IsOptional()
  @IsString()
  groupIds?: string;
  @ApiPropertyOptional({ description: 'JSON array or comma list of tag ids' })
  @IsOptional()
  @IsString()
  tagIds?: string;
  @ApiPropertyOptional({ description: 'Match any tag instead of all' })
  @IsOptional()
  @IsIn(['true', 'false'])
  tagsPartialMatch?: string;
  @ApiPropertyOptional({ description: 'JSON array or comma list of types' })
  @IsOptional()
  @IsString()
  types?: string;
  @ApiPropertyOptional({ description: '1 up, 2 down (JSON array or comma list)' })
  @IsOptional()
  @IsString()
  status?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() endpointIds?: string;
  @ApiPropertyOptional() @IsOptional() @IsIn(['true', 'false']) excludeSnapshots?: string;
  @ApiPropertyOptional({
    description: 'true: only edge devices waiting for trust (the waiting room); otherwise they are left out',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  edgeDeviceUntrusted?: string;
  @ApiPropertyOptional({ description: 'true: only async edge environments; false: none of them' })
  @IsOptional()
  @IsIn(['true', 'false'])
  edgeAsync?: string;
}

export class UpdateEnvironmentDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(255) Name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2048) URL?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2048) PublicURL?: string;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) GroupID?: number;
  @ApiPropertyOptional({ type: [Number] }) @IsOptional() @IsInt({ each: true }) TagIds?: number[];
  @ApiPropertyOptional({ description: '1 up, 2 down' }) @IsOptional() @IsIn([1, 2]) Status?: number;
  @ApiPropertyOptional({ description: '{ "<userId>": { "RoleId": n } }' })
  @IsOptional()
  @IsObject()
  UserAccessPolicies?: Record<string, { RoleId: number }>;
  @ApiPropertyOptional({ description: '{ "<teamId>": { "RoleId": n } }' })
  @IsOptional()
  @IsObject()
  TeamAccessPolicies?: Record<string, { RoleId: number }>;
}

export class BatchDeleteItem {
  @ApiProperty() @IsInt() id!: number;
}

export class BatchDeleteDto {
  @ApiProperty({ type: [BatchDeleteItem] })
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => BatchDeleteItem)
  endpoints!: BatchDeleteItem[];
}

export class GroupResponse {
  @ApiProperty() Id!: number;
  @ApiProperty() Name!: string;
  @ApiProperty() Description!: string;
  @ApiProperty({ type: [Number] }) TagIds!: number[];
  @ApiProperty({ type: 'object', additionalProperties: ACCESS_POLICY_SCHEMA })
  UserAccessPolicies!: Record<string, AccessPolicyDto>;
  @ApiProperty({ type: 'object', additionalProperties: ACCESS_POLICY_SCHEMA })
  TeamAccessPolicies!: Record<string, AccessPolicyDto>;
}

export class CreateGroupDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(255) Name!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1024) Description?: string;
  @ApiPropertyOptional({ type: [Number] }) @IsOptional() @IsInt({ each: true }) TagIDs?: number[];
  @ApiPropertyOptional({ type: [Number], description: 'Environments moved into the group' })
  @IsOptional()
  @IsInt({ each: true })
  AssociatedEndpoints?: number[];
}

export class UpdateGroupDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(255) Name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1024) Description?: string;
  @ApiPropertyOptional({ type: [Number] }) @IsOptional() @IsInt({ each: true }) TagIDs?: number[];
  @ApiPropertyOptional() @IsOptional() @IsObject() UserAccessPolicies?: Record<string, { RoleId: number }>;
  @ApiPropertyOptional() @IsOptional() @IsObject() TeamAccessPolicies?: Record<string, { RoleId: number }>;
}

export class TagResponse {
  @ApiProperty() ID!: number;
  @ApiProperty() Name!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'boolean' },
    description: 'Environments with this tag',
  })
  Endpoints!: Record<string, boolean>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'boolean' },
    description: 'Groups with this tag',
  })
  EndpointGroups!: Record<string, boolean>;
}

export class CreateTagDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(255) name!: string;
}
