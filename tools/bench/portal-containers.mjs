#!/usr/bin/env node
// Portal containers page with N containers (created, not started, labelled) on the local Docker engine, in
// Debian's Chromium (playwright-core): time from the list response arriving (the page's performance mark
// `capstan:containers:data`) to the first rows in the DOM (MutationObserver), median of several loads, and
// scroll smoothness over a scripted scroll of the virtual list (frame intervals). Figures only.
//   node tools/bench/portal-containers.mjs   (BENCH_CONTAINERS=1000, BENCH_LOADS=5)
import http from 'node:http';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import {
  ADMIN_PASSWORD,
  adminAuth,
  cleanup,
  isMain,
  median,
  percentile,
  request,
  requireServerBuild,
  startServer,
  tempDir,
  waitForStatus,
} from './lib.mjs';

const SOCKET = '/var/run/docker.sock';
const LABEL_KEY = 'capstan.bench';
const LABEL_VALUE = 'portal-containers';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function docker(method, path, body) {
  return new Promise((res, rej) => {
    const req = http.request(
      { socketPath: SOCKET, method, path, headers: { 'Content-Type': 'application/json' } },
      (r) => {
        const chunks = [];
        r.on('data', (c) => chunks.push(c));
        r.on('end', () => res({ status: r.statusCode, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', rej);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function pool(count, concurrency, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await fn(next++);
    }),
  );
}

async function removeBenchContainers() {
  const filters = encodeURIComponent(JSON.stringify({ label: [`${LABEL_KEY}=${LABEL_VALUE}`] }));
  const list = JSON.parse((await docker('GET', `/containers/json?all=1&filters=${filters}`)).body);
  await pool(list.length, 8, (i) => docker('DELETE', `/containers/${list[i].Id}?force=1`));
  return list.length;
}

/** In the page before any script: first-rows time, from a MutationObserver. */
function installObserver() {
  window.__bench = { rowsAt: null };
  new MutationObserver((_, observer) => {
    if (document.querySelector('[data-testid^="container-row-"]')) {
      window.__bench.rowsAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
}

/** In the page: scrolls the virtual list at a steady speed (px/s, like a fast wheel); returns frame intervals. */
function scriptedScroll({ durationMs, speed }) {
  const viewport = document.querySelector('[data-testid="containers-viewport"]');
  const max = viewport.scrollHeight - viewport.clientHeight;
  return new Promise((resolve) => {
    const frames = [];
    let start = null;
    let last = null;
    const step = (t) => {
      if (start === null) start = t;
      if (last !== null) frames.push(t - last);
      last = t;
      const elapsed = t - start;
      // Down, and back up from the bottom if the list ends first.
      const travel = (elapsed / 1000) * speed;
      const cycle = travel % (2 * max);
      viewport.scrollTop = cycle <= max ? cycle : 2 * max - cycle;
      if (elapsed < durationMs) requestAnimationFrame(step);
      else
        resolve({
          frames,
          travelled: travel,
          rowsInDom: document.querySelectorAll('[data-testid^="container-row-"]').length,
        });
    };
    requestAnimationFrame(step);
  });
}

export async function portalContainers({
  containers = Number(process.env.BENCH_CONTAINERS ?? 1000),
  loads = Number(process.env.BENCH_LOADS ?? 5),
  scrollMs = Number(process.env.BENCH_SCROLL_MS ?? 4000),
  scrollSpeed = Number(process.env.BENCH_SCROLL_PX_PER_S ?? 3000),
} = {}) {
  requireServerBuild();
  if (!existsSync(SOCKET)) throw new Error(`no Docker engine on ${SOCKET}`);
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}`);
  await removeBenchContainers();
  console.error(`[bench] creating ${containers} containers…`);
  const t0 = Date.now();
  await pool(containers, 8, async (i) => {
    const r = await docker('POST', `/containers/create?name=capstan-bench-pc-${i}`, {
      Image: 'capstan/busybox:local',
      Cmd: ['true'],
      Labels: { [LABEL_KEY]: LABEL_VALUE },
    });
    if (r.status !== 201) throw new Error(`container create: ${r.status} ${r.body}`);
  });
  const createSeconds = (Date.now() - t0) / 1000;
  const dir = tempDir('capstan-bench-portal-');
  const server = await startServer({ dataDir: dir });
  let browser;
  try {
    await waitForStatus(server);
    const auth = await adminAuth(server);
    const boundary = 'capstanbench';
    const form = `--${boundary}\r\nContent-Disposition: form-data; name="Name"\r\n\r\nlocal\r\n--${boundary}\r\nContent-Disposition: form-data; name="EndpointCreationType"\r\n\r\n1\r\n--${boundary}--\r\n`;
    const created = await request(`${server.baseUrl}/api/endpoints`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': `multipart/form-data; boundary=${boundary}` },
      body: form,
    });
    if (created.status !== 200) throw new Error(`environment create: ${created.status} ${created.body}`);
    const envId = JSON.parse(created.body).Id;

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--no-first-run',
      ],
    });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addInitScript(installObserver);
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/login`);
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('nav-home').waitFor();

    const url = `${server.baseUrl}/environments/${envId}/docker/containers`;
    const samples = [];
    for (let i = 0; i < loads + 1; i++) {
      await page.goto(url);
      await page.waitForFunction(() => window.__bench?.rowsAt !== null, null, { timeout: 60_000 });
      const s = await page.evaluate(() => {
        const data = performance.getEntriesByName('capstan:containers:data')[0];
        const res = performance
          .getEntriesByType('resource')
          .find((e) => e.name.includes('/docker/containers/json'));
        return {
          dataAt: data?.startTime ?? null,
          responseEnd: res?.responseEnd ?? null,
          rowsAt: window.__bench.rowsAt,
          rows: document.querySelectorAll('[data-testid^="container-row-"]').length,
          count: document.querySelector('[data-testid="containers-count"]')?.textContent ?? '',
        };
      });
      if (s.dataAt === null) throw new Error('the page did not mark capstan:containers:data');
      if (i > 0) samples.push(s); // the first load warms caches (lazy chunks)
    }
    const firstRows = samples.map((s) => s.rowsAt - s.dataAt);
    const fromResponse = samples.map((s) => s.rowsAt - (s.responseEnd ?? s.dataAt));
    const scroll = await page.evaluate(scriptedScroll, { durationMs: scrollMs, speed: scrollSpeed });
    const frames = [...scroll.frames].sort((a, b) => a - b);
    const long = frames.filter((f) => f > 50).length;
    return {
      containers,
      createSeconds,
      loads,
      listed: samples[0]?.count ?? '',
      rowsInDom: samples[0]?.rows ?? 0,
      firstRowsMs: median(firstRows),
      firstRowsMaxMs: Math.max(...firstRows),
      fromResponseMs: median(fromResponse),
      scroll: {
        frames: frames.length,
        p50: percentile(frames, 50),
        p95: percentile(frames, 95),
        max: frames[frames.length - 1],
        long,
        fps: (frames.length / frames.reduce((a, b) => a + b, 0)) * 1000,
        rowsInDom: scroll.rowsInDom,
        speed: scrollSpeed,
        travelledPx: Math.round(scroll.travelled),
      },
    };
  } finally {
    await browser?.close();
    await server.stop();
    cleanup(dir);
    await removeBenchContainers();
  }
}

if (isMain(import.meta)) {
  const r = await portalContainers();
  console.log(
    `containers page with ${r.containers} containers (${r.listed}; created in ${r.createSeconds.toFixed(1)} s)`,
  );
  console.log(
    `  list response → first rows: median ${r.firstRowsMs.toFixed(0)} ms, max ${r.firstRowsMaxMs.toFixed(0)} ms over ${r.loads} loads (target ≤ 500 ms); from responseEnd ${r.fromResponseMs.toFixed(0)} ms; ${r.rowsInDom} rows in the DOM`,
  );
  console.log(
    `  scripted scroll at ${r.scroll.speed} px/s (${r.scroll.travelledPx} px): ${r.scroll.frames} frames, ${r.scroll.fps.toFixed(1)} fps, frame p50 ${r.scroll.p50.toFixed(1)} ms, p95 ${r.scroll.p95.toFixed(1)} ms, max ${r.scroll.max.toFixed(1)} ms, ${r.scroll.long} frames > 50 ms, ${r.scroll.rowsInDom} rows in the DOM`,
  );
}
