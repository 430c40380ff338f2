// API integration tests: the built server as a real process, over HTTP, on SQLite or PostgreSQL.
import { defineConfig } from 'vitest/config';
import { root, tsconfigAliases } from './aliases.mts';

export default defineConfig({
  root,
  resolve: { alias: tsconfigAliases() },
  test: {
    name: `api-${process.env['CAPSTAN_TEST_DB'] ?? 'sqlite'}`,
    environment: 'node',
    include: ['e2e/api/**/*.e2e.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Each file starts its own server; two at a time suits a 2-core machine.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
