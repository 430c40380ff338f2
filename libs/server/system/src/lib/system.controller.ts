import { Controller, Get, Inject, OnModuleInit } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { Permission } from '@capstan/contracts-api';
import { Authenticated, CAPSTAN_CONFIG, CapstanConfig, KeyValueStore, Public } from '@capstan/server-core';
import { MAIN_MIGRATIONS } from '@capstan/server-core';
import { schemaVersion } from './schema-version';
import { SERVER_VERSION } from './version';

export class StatusResponse {
  @ApiProperty({ example: '0.1.0' }) Version!: string;
  @ApiProperty({ description: 'Stable id of this installation' }) InstanceID!: string;
}

export class BuildInfo {
  @ApiProperty() BuildNumber!: string;
  @ApiProperty() ImageTag!: string;
  @ApiProperty() NodejsVersion!: string;
  @ApiProperty() GitCommit!: string;
  @ApiProperty() Env!: string[];
}

export class VersionResponse {
  @ApiProperty() ServerVersion!: string;
  @ApiProperty({ example: 'CE' }) ServerEdition!: string;
  @ApiProperty({
    description: 'Schema version: the number of applied migrations, what the newest added and its date',
    example: '5 (webhooks, 2025-11-26)',
  })
  DatabaseVersion!: string;
  @ApiProperty({ type: BuildInfo }) Build!: BuildInfo;
  @ApiProperty({ description: 'Always false: Capstan does not call home' }) UpdateAvailable!: boolean;
  @ApiProperty() LatestVersion!: string;
}

@ApiTags('system')
@Controller()
export class SystemController implements OnModuleInit {
  private instanceId = '';

  constructor(
    private readonly store: KeyValueStore,
    @Inject(CAPSTAN_CONFIG) private readonly config: CapstanConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.instanceId = await this.store.getOrCreate('instance_id', () => randomUUID());
  }

  @Get('system/status')
  @Public()
  @ApiOperation({ summary: 'Version and instance id (public)', operationId: 'SystemStatus' })
  @ApiOkResponse({ type: StatusResponse })
  status(): StatusResponse {
    return { Version: SERVER_VERSION, InstanceID: this.instanceId };
  }

  @Get('status')
  @Public()
  @ApiOperation({
    summary: 'Deprecated alias of /system/status',
    operationId: 'StatusInspectDeprecated',
    deprecated: true,
  })
  @ApiOkResponse({ type: StatusResponse })
  statusDeprecated(): StatusResponse {
    return this.status();
  }

  @Get('status/version')
  @Authenticated({ permission: Permission.SystemRead })
  @ApiOperation({
    summary: 'Deprecated alias of /system/version',
    operationId: 'StatusVersionDeprecated',
    deprecated: true,
  })
  @ApiOkResponse({ type: VersionResponse })
  versionDeprecated(): VersionResponse {
    return this.version();
  }

  @Get('system/version')
  @Authenticated({ permission: Permission.SystemRead })
  @ApiOperation({ summary: 'Server version and build information', operationId: 'SystemVersion' })
  @ApiOkResponse({ type: VersionResponse })
  version(): VersionResponse {
    return {
      ServerVersion: SERVER_VERSION,
      ServerEdition: 'CE',
      DatabaseVersion: schemaVersion(MAIN_MIGRATIONS),
      Build: {
        BuildNumber: '',
        ImageTag: '',
        NodejsVersion: process.version,
        GitCommit: '',
        Env: [this.config.databaseUrl ? 'database=postgres' : 'database=sqlite'],
      },
      UpdateAvailable: false,
      LatestVersion: '',
    };
  }
}
