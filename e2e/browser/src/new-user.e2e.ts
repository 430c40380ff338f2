import { expect, test, type Browser, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';

import {
  SOCKET,
  addEnvironment,
  apiLogin,
  hasDocker,
  logIn,
  screenshots,
  startPortal,
  type Portal,
} from './support/portal';

// What a new user tripped over (issue 9, item 12), tried as one would on the real engine (local socket), at
// 1280 px light and 390 px dark: the container page's summary, a slow stop, 404 / not allowed, the activity
// log in words, one date format, the schema version, phone layouts, the Add user dialog, badge contrast.
const IMAGE = 'capstan/busybox:local';
if (!hasDocker && process.env['CI'] === 'true')
  throw new Error(`${SOCKET} is missing: run tools/setup/docker.sh`);

const shot = screenshots('new-user-');
const suffix = () => randomBytes(3).toString('hex');
const PHONE = { viewport: { width: 390, height: 844 }, colorScheme: 'dark' as const };
const WIDE = { viewport: { width: 1280, height: 900 }, colorScheme: 'light' as const };

/** How far the page scrolls sideways (0 or less: it fits). */
const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

/** WCAG contrast ratio of an element's text on its own background (the badge's). */
const contrast = (page: Page, testId: string) =>
  page.getByTestId(testId).evaluate((el) => {
    const rgb = (css: string) => (css.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
    const lum = (css: string) => {
      const [r, g, b] = rgb(css).map((v) => {
        const c = v / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const style = getComputedStyle(el);
    const [a, b] = [lum(style.color), lum(style.backgroundColor)].sort((x, y) => y - x);
    return { ratio: (a + 0.05) / (b + 0.05), size: parseFloat(style.fontSize) };
  });

test.describe('what a new user tripped over', () => {
  test.skip(!hasDocker, `no Docker engine at ${SOCKET} (run tools/setup/docker.sh)`);

  let portal: Portal;
  let envId = 0;
  const envName = `local-${suffix()}`;
  const web = `capstan-e2e-web-${suffix()}`;
  const stubborn = `capstan-e2e-stubborn-${suffix()}`;
  const network = `capstan-e2e-net-with-a-rather-long-name-${suffix()}`;
  const docker = (path: string) => `/api/endpoints/${envId}/docker${path}`;
  const ids: string[] = [];

  test.beforeAll(async () => {
    portal = await startPortal();
    envId = await addEnvironment(portal, envName);
    const { server, admin: token } = portal;
    // A web container with everything the summary shows: a published port, env, labels, a volume, a restart
    // policy and a health check that fails (wget on a port nobody listens on).
    const made = await server.request<{ Id: string }>('POST', docker(`/containers/create?name=${web}`), {
      token,
      body: {
        Image: IMAGE,
        Cmd: ['sleep', '600'],
        Env: ['MODE=production', 'GREETING=hello'],
        Labels: { 'com.example.team': 'web' },
        ExposedPorts: { '80/tcp': {} },
        Healthcheck: { Test: ['CMD', 'false'], Interval: 1_000_000_000, Retries: 1 },
        HostConfig: {
          PortBindings: { '80/tcp': [{ HostPort: '' }] },
          RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 },
          Binds: [`capstan-e2e-cache-${suffix()}:/cache`],
        },
      },
    });
    expect(made.status, made.text).toBe(201);
    ids.push(made.body.Id);
    expect(
      (await server.request('POST', docker(`/containers/${made.body.Id}/start`), { token })).status,
    ).toBe(204);
    // `sleep` as PID 1 has no handler for SIGTERM, so the kernel drops it: a stop waits the whole timeout.
    const slow = await server.request<{ Id: string }>('POST', docker(`/containers/create?name=${stubborn}`), {
      token,
      body: { Image: IMAGE, Cmd: ['sleep', '600'], StopTimeout: 60 },
    });
    expect(slow.status, slow.text).toBe(201);
    ids.push(slow.body.Id);
    expect(
      (await server.request('POST', docker(`/containers/${slow.body.Id}/start`), { token })).status,
    ).toBe(204);
    const net = await server.request('POST', docker('/networks/create'), {
      token,
      body: { Name: network, Labels: { 'com.example.purpose': 'a label long enough to wrap on a phone' } },
    });
    expect(net.status, net.text).toBe(201);
  });

  test.afterAll(async () => {
    if (portal && envId) {
      const { server, admin: token } = portal;
      for (const id of ids) {
        const inspect = await server.request<{ Mounts: { Name?: string }[] }>(
          'GET',
          docker(`/containers/${id}/json`),
          {
            token,
          },
        );
        await server.request('DELETE', docker(`/containers/${id}?force=1&v=1`), { token });
        for (const m of inspect.body?.Mounts ?? [])
          if (m.Name) await server.request('DELETE', docker(`/volumes/${m.Name}`), { token });
      }
      await server.request('DELETE', docker(`/networks/${network}`), { token });
    }
    await portal?.server.dispose();
  });

  const login = (page: Page) => logIn(page, portal.baseUrl, 'admin', portal.adminPassword);
  async function open(browser: Browser, options: typeof PHONE | typeof WIDE): Promise<Page> {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    await login(page);
    return page;
  }

  test('container page: a summary above the inspect tree, ports as links; running badge ≥ 4.5:1', async ({
    browser,
  }) => {
    for (const [mode, options] of [
      ['wide', WIDE],
      ['phone', PHONE],
    ] as const) {
      const page = await open(browser, options);
      await page.goto(`${portal.baseUrl}/environments/${envId}/docker/containers/${ids[0]}`);
      await expect(page.getByTestId('details-state')).toHaveText('running');
      await expect(page.getByTestId('tab-inspect')).toHaveText('Overview');
      await expect(page.getByTestId('summary-restart')).toContainText('on-failure (max 3)');
      await expect(page.getByTestId('summary-command')).toHaveText('sleep 600');
      await expect(page.getByTestId('summary-env')).toContainText('MODE');
      await expect(page.getByTestId('summary-env')).toContainText('production');
      await expect(page.getByTestId('summary-labels')).toContainText('com.example.team');
      await expect(page.getByTestId('summary-mounts')).toContainText('/cache');
      await expect(page.getByTestId('summary-networks')).toContainText('bridge');
      await expect(page.getByTestId('summary-health')).toContainText('unhealthy', { timeout: 20_000 });
      const link = page.getByTestId('summary-port-80/tcp');
      await expect(link).toHaveAttribute('href', /^http:\/\/[^:]+:\d+$/);
      await expect(page.getByTestId('inspect-output')).toBeVisible();
      const { ratio, size } = await contrast(page, 'details-state');
      expect(ratio, `running badge contrast (${mode})`).toBeGreaterThanOrEqual(4.5);
      expect(size).toBeLessThanOrEqual(13);
      expect(await overflow(page), `container page overflows (${mode})`).toBeLessThanOrEqual(0);
      await shot(page, `01-container-summary-${mode}`);
      await page.context().close();
    }
  });

  test('Stop of a container that ignores SIGTERM says "stopping…" at once and offers Kill', async ({
    browser,
  }) => {
    const page = await open(browser, WIDE);
    await page.goto(`${portal.baseUrl}/environments/${envId}/docker/containers/${ids[1]}`);
    await expect(page.getByTestId('details-state')).toHaveText('running');
    const started = Date.now();
    await page.getByTestId('details-stop').click();
    await expect(page.getByTestId('details-state')).toHaveText('stopping…', { timeout: 1_000 });
    await expect(page.getByTestId('details-stopping')).toContainText('kills it after 60 s');
    await shot(page, '02-stopping');
    await page.getByTestId('details-kill-now').click();
    await expect(page.getByTestId('details-state')).toHaveText('exited');
    // Ended by the kill, well before the 60 s stop timeout.
    expect(Date.now() - started).toBeLessThan(30_000);
    await page.context().close();
  });

  test('unknown addresses and pages one may not open: a 404 page and a "not allowed" page, no silent Home', async ({
    browser,
  }) => {
    const page = await open(browser, WIDE);
    await page.goto(`${portal.baseUrl}/no/such/page`);
    await expect(page.getByTestId('page-not-found')).toContainText('Page not found');
    await expect(page.getByTestId('status-path')).toHaveText('/no/such/page');
    await expect(page).toHaveURL(/\/no\/such\/page$/);
    await shot(page, '03-not-found');

    // A standard user typing an administrator's address.
    const username = `sam-${suffix()}`;
    const password = `sam-${randomBytes(8).toString('hex')}`;
    const made = await portal.server.request('POST', '/api/users', {
      token: portal.admin,
      body: { username, password, role: 2 },
    });
    expect(made.status, made.text).toBe(200);
    const phone = await browser.newContext(PHONE);
    const sam = await phone.newPage();
    await logIn(sam, portal.baseUrl, username, password);
    await sam.goto(`${portal.baseUrl}/admin/users`);
    await expect(sam.getByTestId('page-not-allowed')).toContainText('Not allowed');
    await expect(sam).toHaveURL(/\/admin\/users$/);
    await shot(sam, '04-not-allowed-phone');
    await sam.getByTestId('status-home').click();
    await expect(sam).toHaveURL(/\/home$/);
    await phone.close();
    await page.context().close();
    expect((await apiLogin(portal.server, username, password)).length).toBeGreaterThan(0);
  });

  test('activity log says what happened, the request as detail; one date format; readable schema version', async ({
    browser,
  }) => {
    const page = await open(browser, WIDE);
    await page.goto(`${portal.baseUrl}/admin/activity-logs`);
    // Docker calls go through the proxy as streams: their words come from the path and query.
    const row = page.locator('[data-testid^="log-description-"]', {
      hasText: `created container ${stubborn}`,
    });
    await expect(row).toBeVisible();
    await expect(
      page.locator('[data-testid^="log-request-"]', { hasText: 'POST /api/endpoints/' }).first(),
    ).toBeVisible();
    // Times read 2026-11-23 14:05:09 here, as on every page.
    await expect(page.locator('tbody tr').first()).toContainText(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
    await shot(page, '05-activity-log');

    await page.goto(`${portal.baseUrl}/admin/about`);
    await expect(page.getByText(/^\d+ \([a-z ]+, \d{4}-\d{2}-\d{2}\)$/)).toBeVisible();
    await shot(page, '06-about');
    await page.context().close();
  });

  test('home at 390 px dark: the environment list is in the first screen, the card says how old its counts are', async ({
    browser,
  }) => {
    const page = await open(browser, PHONE);
    await expect(page.getByTestId(`env-card-${envName}`)).toBeVisible();
    await expect(page.getByTestId(`env-snapshot-${envName}`)).toContainText(
      /Snapshot (just now|\d+ min ago)/,
    );
    // The card's counts, not only its top edge, are in the first screen; the status card comes after.
    const bottom = await page
      .getByTestId(`env-counts-${envName}`)
      .evaluate((el) => el.getBoundingClientRect().bottom);
    expect(bottom, "the first card's counts are below the fold").toBeLessThan(844);
    const status = await page.getByTestId('system-status').evaluate((el) => el.getBoundingClientRect().top);
    expect(status).toBeGreaterThan(bottom);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await shot(page, '07-home-phone', false);
    await page.context().close();
  });

  test('on a phone nothing scrolls sideways: environment tabs, images, networks, activity log', async ({
    browser,
  }) => {
    const page = await open(browser, PHONE);
    const pages: [string, string][] = [
      [`/environments/${envId}/docker/dashboard`, 'dashboard'],
      [`/environments/${envId}/docker/images`, 'image-search'],
      [`/environments/${envId}/docker/networks`, 'network-search'],
      [`/environments/${envId}/docker/containers/${ids[0]}`, 'container-summary'],
      ['/admin/activity-logs', 'logs-keyword'],
      ['/admin/users', 'user-create'],
    ];
    for (const [path, ready] of pages) {
      await page.goto(`${portal.baseUrl}${path}`);
      await expect(page.getByTestId(ready)).toBeVisible();
      if (ready === 'network-search') {
        await page.getByTestId('network-search').fill(network);
        await expect(page.getByTestId(`network-row-${network}`)).toBeVisible();
      }
      if (ready === 'image-search')
        await expect(page.locator('[data-testid^="image-row-"]').first()).toBeVisible();
      if (ready === 'logs-keyword')
        await expect(page.locator('[data-testid^="log-row-"]').first()).toBeVisible();
      const wide = await overflow(page);
      // A table that scrolls inside its own box counts too.
      const inner = await page.evaluate(() =>
        Array.from(document.querySelectorAll('.table-wrap, nav, [role="tablist"]'))
          .filter((el) => el.scrollWidth > el.clientWidth + 1)
          .map((el) => `${el.tagName.toLowerCase()}.${el.className}`),
      );
      await shot(page, `08-phone${path.replace(/\/(\d+|[0-9a-f]{64})(?=\/|$)/g, '').replace(/\//g, '-')}`);
      expect(wide, `${path} overflows a 390 px screen`).toBeLessThanOrEqual(0);
      expect(inner, `${path} has boxes that scroll sideways`).toEqual([]);
    }
    await page.context().close();
  });

  test('Add user: the password rule before Save, and teams to join', async ({ browser }) => {
    const team = `team-${suffix()}`;
    const made = await portal.server.request('POST', '/api/teams', {
      token: portal.admin,
      body: { name: team },
    });
    expect(made.status, made.text).toBe(200);
    const page = await open(browser, PHONE);
    await page.goto(`${portal.baseUrl}/admin/users`);
    await page.getByTestId('user-create').click();
    await expect(page.getByTestId('user-dialog')).toContainText('At least 12 characters.');
    const username = `ann-${suffix()}`;
    await page.getByTestId('user-username').fill(username);
    await page.getByTestId('user-password').fill('short');
    await page.getByTestId('user-save').click();
    await expect(page.getByTestId('user-dialog')).toContainText('at least 12 characters long');
    await page.getByTestId('user-password').fill(`ann-${randomBytes(8).toString('hex')}`);
    await page.getByTestId(`user-team-${team}`).check();
    await shot(page, '09-add-user-phone');
    await page.getByTestId('user-save').click();
    await expect(page.getByTestId(`user-row-${username}`)).toBeVisible();
    const teams = await portal.server.request<{ Id: number; Name: string }[]>('GET', '/api/teams', {
      token: portal.admin,
    });
    const teamId = teams.body.find((t) => t.Name === team)?.Id;
    const members = await portal.server.request<{ UserID: number }[]>(
      'GET',
      `/api/teams/${teamId}/memberships`,
      {
        token: portal.admin,
      },
    );
    const users = await portal.server.request<{ Id: number; Username: string }[]>('GET', '/api/users', {
      token: portal.admin,
    });
    const userId = users.body.find((u) => u.Username === username)?.Id;
    expect(members.body.map((m) => m.UserID)).toContain(userId);
    await page.context().close();
  });
});
