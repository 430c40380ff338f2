export { EdgeModule } from './lib/edge.module';
export { EdgeTunnelService } from './lib/edge-tunnel.service';
export {
  EdgeCommands,
  type AgentReport,
  type EdgeCommandStatus,
  type EdgeCommandView,
  type EnqueueOptions,
} from './lib/edge-commands.service';
export { EdgeModes } from './lib/edge-modes';
export { EdgeAsyncEndpoint, EDGE_ASYNC_WIRE_LIMIT, decodeEdgeAsyncBody } from './lib/edge-async.endpoint';
export {
  EdgePollContributors,
  type EdgePollContribution,
  type EdgePollContributor,
} from './lib/edge-poll-contributors';
export { EdgeAgents } from './lib/edge-agents';
export { edgeRefused } from './lib/edge-credentials';
