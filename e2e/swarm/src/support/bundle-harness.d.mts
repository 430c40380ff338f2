/** Bundles the stand-in agent into one CommonJS file (default tmp/swarm-harness/harness.cjs); resolves with its path. */
export function bundleHarness(outDir?: string): Promise<string>;
