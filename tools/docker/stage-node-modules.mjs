#!/usr/bin/env node
// Stages the production node_modules a bundled app needs, for its image, from the node_modules installed on
// this host (native addons such as sqlite3 and @node-rs/argon2 included, as built here).
//
//   node tools/docker/stage-node-modules.mjs <bundle.js> <out-dir> [extra-package ...]
//
// Seeds are the packages the bundle leaves external (`require("pkg")` emitted by webpack-node-externals),
// plus any extra ones named; the closure follows dependencies, optionalDependencies and installed
// peerDependencies through package-lock.json, with Node's nested node_modules resolution.
import { builtinModules } from 'node:module';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const [bundle, outDir, ...extra] = process.argv.slice(2);
if (!bundle || !outDir) {
  console.error('usage: stage-node-modules.mjs <bundle.js> <out-dir> [extra-package ...]');
  process.exit(2);
}
const root = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
const packages = lock.packages ?? {};
const builtins = new Set(builtinModules);
const rootDependencies = new Set(Object.keys(packages['']?.dependencies ?? {}));

const packageName = (spec) => {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
};

const seeds = new Set(extra);
const source = readFileSync(bundle, 'utf8');
for (const m of source.matchAll(/require\(\s*["']([^"'./][^"']*)["']\s*\)/g)) {
  const spec = m[1];
  if (spec.startsWith('node:') || builtins.has(spec) || builtins.has(packageName(spec))) continue;
  seeds.add(packageName(spec));
}

// Node's resolution over lockfile keys: from "node_modules/a", "b" is "node_modules/a/node_modules/b",
// else up the chain, else "node_modules/b".
function resolveFrom(fromKey, name) {
  let base = fromKey;
  for (;;) {
    const key = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[key] && !packages[key].link) return key;
    if (!base) return undefined;
    const i = base.lastIndexOf('/node_modules/');
    base = i === -1 ? '' : base.slice(0, i);
  }
}

const selected = new Set();
const missing = [];
const queue = [...seeds].map((name) => ['', name, false]);
while (queue.length) {
  const [from, name, optional] = queue.shift();
  const key = resolveFrom(from, name);
  if (!key) {
    if (!optional) missing.push(`${name} (needed by ${from || 'the bundle'})`);
    continue;
  }
  if (selected.has(key)) continue;
  // Optional packages for other platforms are in the lockfile but not on disk.
  if (!existsSync(join(root, key))) {
    if (!optional) missing.push(`${key} (not installed)`);
    continue;
  }
  selected.add(key);
  const meta = packages[key];
  for (const dep of Object.keys(meta.dependencies ?? {})) queue.push([key, dep, false]);
  for (const dep of Object.keys(meta.optionalDependencies ?? {})) queue.push([key, dep, true]);
  // Peers: required ones always; optional ones (typeorm's drivers, for example) only when the workspace
  // itself declares them as production dependencies, so dev tools installed as peers stay out.
  for (const dep of Object.keys(meta.peerDependencies ?? {})) {
    const optionalPeer = meta.peerDependenciesMeta?.[dep]?.optional === true;
    if (!optionalPeer || rootDependencies.has(dep)) queue.push([key, dep, true]);
  }
}

if (missing.length) {
  console.error(`[docker] stage-node-modules: unresolved packages:\n  ${missing.join('\n  ')}`);
  process.exit(1);
}

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
for (const key of [...selected].sort()) {
  const src = join(root, key);
  const dest = join(outDir, key.replace(/^node_modules\//, ''));
  cpSync(src, dest, {
    recursive: true,
    verbatimSymlinks: true,
    // Nested node_modules are staged separately (only what the closure selected); build intermediates of
    // native addons are not needed at run time.
    filter: (p) =>
      p === src ||
      !(
        p === join(src, 'node_modules') ||
        /\/build\/Release\/(obj|obj\.target|\.deps)(\/|$)/.test(p) ||
        p.endsWith('/.bin')
      ),
  });
}
console.log(
  `[docker] staged ${selected.size} packages (seeds: ${[...seeds].sort().join(', ') || 'none'}) into ${outDir}`,
);
