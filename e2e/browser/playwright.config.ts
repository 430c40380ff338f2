// Browser tests in Debian's Chromium (no browser download is possible here): the built portal served by the
// built server, started per test file by the shared harness.
import { defineConfig } from '@playwright/test';
import { join } from 'node:path';

const root = join(__dirname, '../..');
const LAB_TESTS = ['**/swarm.e2e.ts'];

export default defineConfig({
  testDir: join(__dirname, 'src'),
  testMatch: '**/*.e2e.ts',
  // `lab`: the tests that need the Swarm lab up (tools/test/run.sh runs them in its lab phase as swarm-browser).
  projects: [
    { name: 'default', testIgnore: LAB_TESTS },
    { name: 'lab', testMatch: LAB_TESTS, outputDir: join(root, 'tmp/test-results/swarm-browser-artifacts') },
  ],
  outputDir: join(root, 'tmp/test-results/browser-artifacts'),
  timeout: 90_000,
  expect: { timeout: 10_000 },
  workers: 1,
  retries: 0,
  use: {
    screenshot: 'on',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
});
