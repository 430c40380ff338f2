export { EnvironmentsModule } from './lib/environments.module';
export { EnvironmentsService, type EdgeEnvironmentState, type EdgeMember } from './lib/environments.service';
export type { EnvironmentView } from './lib/environment-view';
export { SnapshotService } from './lib/snapshot.service';
export {
  AGENT_NODE_NAME,
  SERVER_OWNED_AGENT_HEADERS,
  agentHeaders,
  withAgentTarget,
  type AgentRoute,
  type EngineConnection,
} from './lib/engine/engine-connection';
export { EngineConnections } from './lib/engine/engine-connections';
export { LocalEndpoints } from './lib/engine/local-endpoints';
export {
  EngineClient,
  engineMessage,
  type CallOptions,
  type EngineAnswer,
  type EngineConsole,
} from './lib/engine/engine-client';
export { DockerPort, type EngineReader } from './lib/engine/engine-reader';
export {
  TRANSPORTS,
  type EngineRequest,
  type EngineTransport,
  type TransportKind,
} from './lib/engine/transports';
export { AgentKeysService } from './lib/agent/agent-keys.service';
export { agentCall } from './lib/agent/agent-routes';
export { summarise, type DockerSnapshotSummary, type DockerSnapshotRaw } from './lib/snapshot.model';
export { TunnelHostKeyService } from './lib/edge/tunnel-host-key.service';
export { EdgeTunnels, type EdgeTunnelOpener } from './lib/edge/edge-tunnels.port';
