#!/usr/bin/env node
// `npm run agent`: builds the agent if missing and runs it in the foreground (AGENT_* variables, see apps/agent).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const agent = join(root, 'dist/apps/agent/main.js');
if (!existsSync(agent) || process.argv.includes('--build')) {
  console.log('[capstan] building the agent…');
  execFileSync('npx', ['nx', 'build', 'agent', '--outputStyle=static'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
  });
}
const child = spawn(process.execPath, ['--enable-source-maps', agent], { cwd: root, stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
