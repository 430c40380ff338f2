export { EdgeModule } from './lib/edge.module';
export { EdgeTunnelService } from './lib/edge-tunnel.service';
export {
  EdgePollContributors,
  type EdgePollContribution,
  type EdgePollContributor,
} from './lib/edge-poll-contributors';
export { EdgeAgents } from './lib/edge-agents';
export { edgeRefused } from './lib/edge-credentials';
