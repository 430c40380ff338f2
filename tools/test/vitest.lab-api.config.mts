// API integration tests that need the Swarm lab (e2e/api/src/lab): the built server as a real process against the
// lab's engines and agents. tools/test/run.sh runs them in its lab phase (suite swarm-api) with the lab up and
// locked (CAPSTAN_SWARM_LAB=runner); by hand they take the lab's lock themselves and skip when it is not up.
import { defineConfig } from 'vitest/config';
import { root, tsconfigAliases } from './aliases.mts';

export default defineConfig({
  root,
  resolve: { alias: tsconfigAliases() },
  test: {
    name: 'swarm-api',
    environment: 'node',
    include: ['e2e/api/src/lab/**/*.e2e.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // One file at a time: they share one cluster, and one file's containers (a Swarm stack's tasks) must not appear
    // in another's counts between its list and its snapshot.
    maxWorkers: 1,
    fileParallelism: false,
  },
});
