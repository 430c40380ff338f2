export { EdgeAgent, type EdgeAgentOptions, type EdgeServerCall } from './lib/edge-agent';
export { EdgeAsyncAgent, type EdgeAsyncAgentOptions, type EdgeCommandHandler } from './lib/edge-async-agent';
export { takeDockerSnapshot } from './lib/docker-calls';
export { resolveEdgeKey, serveKeyPage, type KeySource } from './lib/edge-key-source';
export { EdgeStacks, type EdgeStacksOptions } from './lib/edge-stacks';
export {
  EdgeJobs,
  cronFile,
  edgeJobCommands,
  sendJobLog,
  type EdgeJobRunner,
  type EdgeJobsOptions,
} from './lib/edge-jobs';
export { EdgeServerClient } from './lib/server-client';
