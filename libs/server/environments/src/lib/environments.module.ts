import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CAPSTAN_CONFIG, type CapstanConfig } from '@capstan/server-core';
import { SettingsModule } from '@capstan/server-settings';
import { RbacModule } from '@capstan/server-rbac';
import { AgentKeysService } from './agent/agent-keys.service';
import { AgentPingPort, HttpsAgentPing } from './creation/agent-ping.port';
import { AgentCreation } from './creation/agent.strategy';
import { CREATION_STRATEGIES, CreationStrategies } from './creation/creation-strategies';
import type { CreationStrategy } from './creation/creation-strategy';
import { DockerApiCreation } from './creation/docker-api.strategy';
import { EdgeCreation } from './creation/edge.strategy';
import { EdgeTunnels } from './edge/edge-tunnels.port';
import { TunnelHostKeyService } from './edge/tunnel-host-key.service';
import { EngineConnections } from './engine/engine-connections';
import { LocalEndpoints } from './engine/local-endpoints';
import { DockerPort, EngineDockerPort } from './engine/engine-reader';
import { EnvironmentEntity } from './entities/environment.entity';
import { EnvironmentGroupEntity } from './entities/environment-group.entity';
import { SnapshotEntity, SnapshotRawEntity } from './entities/snapshot.entity';
import { EnvironmentTagEntity, GroupTagEntity, TagEntity } from './entities/tag.entity';
import { EnvironmentsController } from './environments.controller';
import { EnvironmentsService } from './environments.service';
import { EnvironmentGroupsController, TagsController } from './groups-tags.controller';
import { GroupsTagsService } from './groups-tags.service';
import { InitialEnvironment } from './initial-environment';
import { SnapshotService } from './snapshot.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([
      EnvironmentEntity,
      EnvironmentGroupEntity,
      TagEntity,
      EnvironmentTagEntity,
      GroupTagEntity,
      SnapshotEntity,
      SnapshotRawEntity,
    ]),
    SettingsModule,
    RbacModule,
  ],
  controllers: [EnvironmentsController, EnvironmentGroupsController, TagsController],
  providers: [
    EnvironmentsService,
    GroupsTagsService,
    SnapshotService,
    InitialEnvironment,
    AgentKeysService,
    EngineConnections,
    {
      provide: DockerPort,
      useFactory: (engines: EngineConnections) => new EngineDockerPort(engines),
      inject: [EngineConnections],
    },
    { provide: AgentPingPort, useClass: HttpsAgentPing },
    // One strategy per EndpointCreationType; edge and Kubernetes add theirs to this list.
    DockerApiCreation,
    AgentCreation,
    EdgeCreation,
    {
      provide: CREATION_STRATEGIES,
      useFactory: (...strategies: CreationStrategy[]) => strategies,
      inject: [DockerApiCreation, AgentCreation, EdgeCreation],
    },
    TunnelHostKeyService,
    EdgeTunnels,
    CreationStrategies,
    {
      provide: LocalEndpoints,
      useFactory: (config: CapstanConfig, engines: EngineConnections, environments: EnvironmentsService) =>
        new LocalEndpoints(join(config.dataDir, 'engines'), engines, async (id) =>
          environments.connectionOf(await environments.get(id), 0),
        ),
      inject: [CAPSTAN_CONFIG, EngineConnections, EnvironmentsService],
    },
  ],
  exports: [
    EnvironmentsService,
    SnapshotService,
    DockerPort,
    EngineConnections,
    LocalEndpoints,
    AgentKeysService,
    TunnelHostKeyService,
    EdgeTunnels,
  ],
})
export class EnvironmentsModule {}
