import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EngineConnections, EnvironmentsModule } from '@capstan/server-environments';
import { SettingsModule } from '@capstan/server-settings';
import { AsyncEngineService } from './async-engine.service';
import { EdgeAsyncEndpoint } from './edge-async.endpoint';
import { EdgeAsyncService } from './edge-async.service';
import { EdgeCommands } from './edge-commands.service';
import { EdgeController } from './edge.controller';
import { EdgeModes } from './edge-modes';
import { EdgeOnboarding } from './edge-onboarding.service';
import { EdgePollService } from './edge-poll.service';
import { EdgeTunnelService } from './edge-tunnel.service';
import { EdgeAsyncSnapshotEntity, EdgeCommandEntity } from './entities/edge-command.entity';
import { EdgePollContributors } from './edge-poll-contributors';
import { EdgeAgents } from './edge-agents';

/** Edge agents: the poll, async mode and its command queue, the tunnel server, the waiting room (see README). */
@Module({
  imports: [
    TypeOrmModule.forFeature([EdgeCommandEntity, EdgeAsyncSnapshotEntity]),
    EnvironmentsModule,
    SettingsModule,
  ],
  controllers: [EdgeController],
  providers: [
    EdgePollService,
    EdgeTunnelService,
    EdgeModes,
    EdgeCommands,
    EdgeOnboarding,
    EdgeAsyncService,
    EdgeAsyncEndpoint,
    AsyncEngineService,
    EdgePollContributors,
    EdgeAgents,
  ],
  exports: [EdgeTunnelService, EdgeCommands, EdgeModes, EdgeAsyncEndpoint, EdgePollContributors, EdgeAgents],
})
export class EdgeModule implements OnModuleInit {
  constructor(
    private readonly engines: EngineConnections,
    private readonly polls: EdgePollService,
    private readonly tunnels: EdgeTunnelService,
    private readonly modes: EdgeModes,
    private readonly asyncs: EdgeAsyncService,
  ) {}

  onModuleInit(): void {
    // A deleted environment: its cached answer, its tunnel and its async state go with it (rows cascade).
    this.engines.onForget((id) => {
      this.polls.forget(id);
      this.tunnels.drop(id, 'the environment was removed');
      this.modes.forget(id);
      this.asyncs.forget(id);
    });
  }
}
