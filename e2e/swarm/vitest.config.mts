// The Swarm lab suite: npx vitest run --config e2e/swarm/vitest.config.mts (root: it drives tools/setup/swarm-lab.sh).
import { defineConfig } from 'vitest/config';

import { root, tsconfigAliases } from '../../tools/test/aliases.mts';

export default defineConfig({
  root,
  resolve: { alias: tsconfigAliases() },
  test: {
    name: 'swarm',
    include: ['e2e/swarm/src/**/*.e2e.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // One lab per machine (fixed namespace names): files run one after the other.
    fileParallelism: false,
  },
});
