// Bundles the stand-in agent (harness-main.ts + the cluster lib) into one CommonJS file; prints its path.
// Used by the lab image test and tools/bench/agent-*.mjs.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../../../..');
export async function bundleHarness(outDir = resolve(root, 'tmp/swarm-harness')) {
  mkdirSync(outDir, { recursive: true });
  const outfile = resolve(outDir, 'harness.cjs');
  await build({
    entryPoints: [resolve(import.meta.dirname, 'harness-main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    tsconfig: resolve(root, 'e2e/swarm/tsconfig.json'),
    logLevel: 'warning',
  });
  return outfile;
}

if (process.argv[1] === import.meta.filename) console.log(await bundleHarness());
