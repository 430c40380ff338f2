export { EdgeAgent, type EdgeAgentOptions, type EdgeServerCall } from './lib/edge-agent';
export { resolveEdgeKey, serveKeyPage, type KeySource } from './lib/edge-key-source';
export { EdgeStacks, type EdgeStacksOptions } from './lib/edge-stacks';
