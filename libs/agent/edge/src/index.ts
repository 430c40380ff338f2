export { EdgeAgent, type EdgeAgentOptions } from './lib/edge-agent';
export { resolveEdgeKey, serveKeyPage, type KeySource } from './lib/edge-key-source';
export { EdgeJobs, cronFile, type EdgeJobRunner, type EdgeJobsOptions } from './lib/edge-jobs';
