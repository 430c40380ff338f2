// Agent API tests on the real Docker engine: npx vitest run --config e2e/agent/vitest.config.mts
// They run the built agent (dist/apps/agent/main.js, built first when missing) as a child process.
import { defineConfig } from 'vitest/config';

import { tsconfigAliases } from '../../tools/test/aliases.mts';

export default defineConfig({
  resolve: { alias: tsconfigAliases() },
  test: {
    name: 'agent',
    root: import.meta.dirname,
    include: ['src/**/*.e2e.ts'],
    environment: 'node',
    globalSetup: ['src/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
