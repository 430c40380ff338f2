#!/usr/bin/env node
// Regenerates the OpenAPI document from the server's code and the portal's API client from the document.
//   node tools/scripts/openapi.mjs          write libs/contracts/api/openapi.json and the portal client
//   node tools/scripts/openapi.mjs --check  fail (exit 1) when either committed file is stale
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const specPath = join(root, 'libs/contracts/api/openapi.json');
const clientPath = join(root, 'libs/portal/data-access/src/lib/api/schema.ts');
const check = process.argv.includes('--check');
const tmp = mkdtempSync(join(tmpdir(), 'capstan-openapi-'));

execFileSync('npx', ['webpack-cli', 'build', '--config', 'apps/server/webpack.config.js'], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
});
const freshSpec = join(tmp, 'openapi.json');
execFileSync(process.execPath, [join(root, 'dist/apps/server/main.js'), '--openapi', freshSpec], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, CAPSTAN_DATA_DIR: join(tmp, 'data') },
});
// operationIds name the generated client's functions: they must be unique.
const spec = JSON.parse(readFileSync(freshSpec, 'utf8'));
const ids = Object.values(spec.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
if (duplicates.length > 0) {
  console.error(`duplicate operationIds: ${[...new Set(duplicates)].join(', ')}`);
  process.exit(1);
}
const freshClient = join(tmp, 'schema.ts');
execFileSync('npx', ['openapi-typescript', freshSpec, '-o', freshClient], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
});
const header = '// Generated from libs/contracts/api/openapi.json by `npm run openapi`. Do not edit.\n';
const clientText = header + readFileSync(freshClient, 'utf8');

const outputs = [
  [specPath, readFileSync(freshSpec, 'utf8')],
  [clientPath, clientText],
];
let stale = 0;
for (const [path, text] of outputs) {
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '';
  if (current === text) continue;
  if (check) {
    stale++;
    console.error(
      `stale: ${path.slice(root.length + 1)} differs from what the code generates; run \`npm run openapi\` and commit`,
    );
  } else {
    writeFileSync(path, text);
    console.log(`wrote ${path.slice(root.length + 1)}`);
  }
}
if (check && stale > 0) process.exit(1);
if (check) console.log('OpenAPI document and portal client are up to date');
