import { Module } from '@nestjs/common';
import { AuthModule } from '@capstan/server-auth';
import { EngineConnections, EnvironmentsModule } from '@capstan/server-environments';
import { RbacModule } from '@capstan/server-rbac';
import { RegistriesModule } from '@capstan/server-registries';
import { ResourceControlsModule } from '@capstan/server-resource-controls';
import { SettingsModule } from '@capstan/server-settings';
import { AgentNodeResolver } from './agent/node-resolver';
import { DockerDashboardController } from './dashboard.controller';
import { ContainerRecreate } from './container-recreate';
import { ContainerRecreateController } from './container-recreate.controller';
import { ConsoleStreams } from './console-streams';
import { DockerProxy } from './docker-proxy';
import { ProxyOwnership } from './proxy-ownership';
import { LiveStreams } from './streams/live-streams';
import { StreamAccessPolicy } from './streams/stream-access';
import { OwnershipStreamAccessPolicy } from './ownership-stream-access';

/** The Docker API proxy with ownership, the consoles and streams, and the dashboard. */
@Module({
  imports: [
    EnvironmentsModule,
    AuthModule,
    SettingsModule,
    ResourceControlsModule,
    RbacModule,
    RegistriesModule,
  ],
  controllers: [DockerDashboardController, ContainerRecreateController],
  providers: [
    DockerProxy,
    ConsoleStreams,
    ProxyOwnership,
    ContainerRecreate,
    LiveStreams,
    // Agent environments on a Swarm, called without a node: the node of a container or exec (cached 30 s).
    {
      provide: AgentNodeResolver,
      useFactory: (engines: EngineConnections) =>
        new AgentNodeResolver((c, m, p) => engines.client(c).call(m, p, { timeoutMs: 5_000 })),
      inject: [EngineConnections],
    },
    // Logs, stats and events follow the same ownership as the proxy.
    { provide: StreamAccessPolicy, useClass: OwnershipStreamAccessPolicy },
  ],
  exports: [DockerProxy, ConsoleStreams, LiveStreams, ProxyOwnership],
})
export class DockerModule {}
