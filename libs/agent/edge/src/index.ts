export { EdgeAgent, type EdgeAgentOptions } from './lib/edge-agent';
export { resolveEdgeKey, serveKeyPage, type KeySource } from './lib/edge-key-source';
