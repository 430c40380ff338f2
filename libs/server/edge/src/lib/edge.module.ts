import { Module, OnModuleInit } from '@nestjs/common';
import { EngineConnections, EnvironmentsModule } from '@capstan/server-environments';
import { SettingsModule } from '@capstan/server-settings';
import { EdgeController } from './edge.controller';
import { EdgePollService } from './edge-poll.service';
import { EdgeTunnelService } from './edge-tunnel.service';
import { EdgePollContributors } from './edge-poll-contributors';
import { EdgeAgents } from './edge-agents';

/** Edge agents: the poll, the tunnel server, the waiting room (see README). */
@Module({
  imports: [EnvironmentsModule, SettingsModule],
  controllers: [EdgeController],
  providers: [EdgePollService, EdgeTunnelService, EdgePollContributors, EdgeAgents],
  exports: [EdgeTunnelService, EdgePollContributors, EdgeAgents],
})
export class EdgeModule implements OnModuleInit {
  constructor(
    private readonly engines: EngineConnections,
    private readonly polls: EdgePollService,
    private readonly tunnels: EdgeTunnelService,
  ) {}

  onModuleInit(): void {
    // A deleted environment: its cached answer and its tunnel go with it.
    this.engines.onForget((id) => {
      this.polls.forget(id);
      this.tunnels.drop(id, 'the environment was removed');
    });
  }
}
