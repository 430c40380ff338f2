// Standalone runner for the image test: npx vitest run --config e2e/image/vitest.config.mts
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: __dirname,
    include: ['src/**/*.e2e.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 900_000,
    // One container for the whole file; no parallel files.
    fileParallelism: false,
  },
});
