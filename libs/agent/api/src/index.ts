export { createAgentApi, type AgentApi, type AgentApiOptions } from './lib/agent-api';
export type { ClusterMembership } from './lib/cluster';
export { DEFAULT_DOCKER_SOCKET, parseDockerHost, type DockerEndpoint } from './lib/docker-engine';
export { DOCKER_HUB, type DockerHubEndpoints } from './lib/dockerhub';
export { createLogger, silentLogger, type AgentLogger, type LogLevel } from './lib/logger';
export { SignatureGuard } from './lib/signature-guard';
