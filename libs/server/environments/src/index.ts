export { EnvironmentsModule } from './lib/environments.module';
export { EnvironmentsService } from './lib/environments.service';
export type { EnvironmentView } from './lib/environment-view';
export { SnapshotService } from './lib/snapshot.service';
export {
  agentHeaders,
  DockerPort,
  withAgentTarget,
  type AgentRoute,
  type EngineClient,
  type EngineConnection,
} from './lib/docker.port';
export { AgentKeysService } from './lib/agent/agent-keys.service';
export { agentCall } from './lib/agent/agent-routes';
export { summarise, type DockerSnapshotSummary, type DockerSnapshotRaw } from './lib/snapshot.model';
