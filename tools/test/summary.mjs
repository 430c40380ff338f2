#!/usr/bin/env node
// Reads every suite's result file in the results dir and prints a table and one line `N passed, N failed`.
// Understands Vitest's and Playwright's JSON reporters and the runner's own {suite, passed, failed, skipped}.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
const rows = [];
for (const file of existsSync(dir)
  ? readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
  : []) {
  const suite = file.replace(/\.json$/, '');
  let data;
  try {
    data = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  } catch {
    rows.push({ suite, passed: 0, failed: 1, skipped: 0, note: 'unreadable results' });
    continue;
  }
  if (typeof data.numPassedTests === 'number') {
    // Vitest: a file that failed to load counts as a failure even with no failed test.
    const loadFailures = (data.testResults ?? []).filter(
      (r) => r.status === 'failed' && (r.assertionResults ?? []).length === 0,
    ).length;
    rows.push({
      suite,
      passed: data.numPassedTests,
      failed: data.numFailedTests + loadFailures,
      skipped: data.numPendingTests + data.numTodoTests,
    });
  } else if (data.stats && typeof data.stats.expected === 'number') {
    rows.push({
      suite,
      passed: data.stats.expected + (data.stats.flaky ?? 0),
      failed: data.stats.unexpected,
      skipped: data.stats.skipped ?? 0,
    });
  } else {
    rows.push({
      suite,
      passed: data.passed ?? 0,
      failed: data.failed ?? 0,
      skipped: data.skipped ?? 0,
      note: data.note,
    });
  }
}
const total = rows.reduce(
  (t, r) => ({ passed: t.passed + r.passed, failed: t.failed + r.failed, skipped: t.skipped + r.skipped }),
  {
    passed: 0,
    failed: 0,
    skipped: 0,
  },
);
console.log('\nsuite                      passed  failed  skipped');
for (const r of rows) {
  console.log(
    `${r.suite.padEnd(26)} ${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}  ${String(r.skipped).padStart(7)}${r.note ? `  ${r.note}` : ''}`,
  );
}
console.log(
  `\n${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`,
);
process.exit(total.failed > 0 || rows.length === 0 ? 1 : 0);
