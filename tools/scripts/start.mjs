#!/usr/bin/env node
// `npm start`: builds the server and the portal if they are missing, then runs the server in the foreground
// with the embedded SQLite store under ./data (override with CAPSTAN_* variables, see README).
//   npm start -- --build   rebuild first even if a build exists
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SERVER_NODE_FLAGS } from './server-flags.mjs';

const root = resolve(import.meta.dirname, '../..');
const server = join(root, 'dist/apps/server/main.js');
const portal = join(root, 'dist/apps/portal/browser/index.html');
const force = process.argv.includes('--build');

const missing = [!existsSync(server) && 'server', !existsSync(portal) && 'portal'].filter(Boolean);
if (force || missing.length > 0) {
  const projects = force ? ['server', 'portal'] : missing;
  console.log(`[capstan] building ${projects.join(' and ')} (first start takes a minute)…`);
  execFileSync(
    'npx',
    ['nx', 'run-many', '-t', 'build', `--projects=${projects.join(',')}`, '--outputStyle=static'],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
    },
  );
}

const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, '--enable-source-maps', server], {
  cwd: root,
  stdio: 'inherit',
  env: { CAPSTAN_DATA_DIR: join(root, 'data'), ...process.env },
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
