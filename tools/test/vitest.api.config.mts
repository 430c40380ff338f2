// API integration tests: the built server as a real process, over HTTP, on SQLite or PostgreSQL.
import { configDefaults, defineConfig } from 'vitest/config';
import { root, tsconfigAliases } from './aliases.mts';

export default defineConfig({
  root,
  resolve: { alias: tsconfigAliases() },
  test: {
    name: `api-${process.env['CAPSTAN_TEST_DB'] ?? 'sqlite'}`,
    environment: 'node',
    include: ['e2e/api/**/*.e2e.ts'],
    // The lab's files run in the runner's Swarm lab phase (vitest.lab-api.config.mts, suite swarm-api).
    exclude: [...configDefaults.exclude, 'e2e/api/src/lab/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Each file starts its own server; two at a time suits a 2-core machine.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
