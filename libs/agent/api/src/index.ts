export { classicAgentSteps, createAgentApi, type AgentApi, type AgentApiOptions } from './lib/agent-api';
export { agentRouteTable, type AgentRouteDeps } from './lib/agent-routes';
export { clusterStep, type ClusterRouting } from './lib/cluster';
export { DEFAULT_DOCKER_SOCKET, parseDockerHost, type DockerEndpoint } from './lib/docker-engine';
export { DOCKER_HUB, type DockerHubEndpoints } from './lib/dockerhub';
export { AgentHttpError } from './lib/http-util';
export { createLogger, silentLogger, type AgentLogger, type LogLevel } from './lib/logger';
export {
  AgentCall,
  agentHeaders,
  agentHeadersStep,
  AgentRouter,
  type AgentRouteHandler,
  type AgentRouterOptions,
  type AgentRouterStep,
  type AgentRouteTable,
  type AgentUpgradeHandler,
} from './lib/router';
export { SignatureGuard, signatureStep } from './lib/signature-guard';
