import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(__dirname, '../../../..');

/** The tests run the built program; build it when missing (npm test builds it before the suites). */
export default function setup(): void {
  if (process.env['CAPSTAN_AGENT_BIN']) return;
  if (!existsSync(resolve(root, 'dist/apps/agent/main.js'))) {
    execFileSync('npx', ['nx', 'build', 'agent', '--outputStyle=static'], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
    });
  }
}
