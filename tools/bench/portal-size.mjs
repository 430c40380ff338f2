#!/usr/bin/env node
// Gzipped size of the portal's initial JavaScript: every <script src> and <link rel="modulepreload"> of
// dist/apps/portal/browser/index.html, each gzip -9'd, summed. Target ≤ 300 KB.
//   node tools/bench/portal-size.mjs [path/to/index.html]
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { isMain, repoRoot } from './lib.mjs';

export function portalSize(indexHtml = join(repoRoot, 'dist/apps/portal/browser/index.html')) {
  if (!existsSync(indexHtml))
    throw new Error(`${indexHtml} is missing: run NX_DAEMON=false npx nx build portal`);
  const html = readFileSync(indexHtml, 'utf8');
  const refs = new Set();
  for (const tag of html.matchAll(/<script\b[^>]*>/gi)) {
    const src = /\ssrc\s*=\s*["']([^"']+)["']/i.exec(tag[0])?.[1];
    if (src) refs.add(src);
  }
  for (const tag of html.matchAll(/<link\b[^>]*>/gi)) {
    if (!/\srel\s*=\s*["']?modulepreload["']?/i.test(tag[0])) continue;
    const href = /\shref\s*=\s*["']([^"']+)["']/i.exec(tag[0])?.[1];
    if (href) refs.add(href);
  }
  const base = dirname(indexHtml);
  const files = [];
  for (const ref of refs) {
    if (/^(https?:)?\/\//.test(ref)) continue; // external: not ours to count
    const path = join(base, ref.replace(/^\//, '').split(/[?#]/)[0]);
    const raw = readFileSync(path);
    files.push({ file: ref, rawBytes: raw.length, gzipBytes: gzipSync(raw, { level: 9 }).length });
  }
  return {
    files,
    totalRawBytes: files.reduce((s, f) => s + f.rawBytes, 0),
    totalGzipBytes: files.reduce((s, f) => s + f.gzipBytes, 0),
  };
}

if (isMain(import.meta)) {
  const r = portalSize(process.argv[2]);
  for (const f of r.files)
    console.log(
      `${f.file.padEnd(40)} ${(f.rawBytes / 1024).toFixed(1).padStart(8)} KB  gzip ${(f.gzipBytes / 1024).toFixed(1).padStart(7)} KB`,
    );
  console.log(
    `initial JS: ${r.files.length} files, ${(r.totalRawBytes / 1024).toFixed(1)} KB raw, ${(r.totalGzipBytes / 1024).toFixed(1)} KB gzip -9   (target ≤ 300 KB)`,
  );
}
