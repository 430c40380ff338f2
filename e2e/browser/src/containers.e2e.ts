import { expect, test } from '@playwright/test';
import { randomBytes } from 'node:crypto';

import {
  SOCKET,
  addEnvironment,
  hasDocker,
  logIn,
  screenshots,
  startPortal,
  type Portal,
} from './support/portal';

// Containers in the portal on the real Docker engine (local socket): add the local environment from the first-run
// offer, create a container from the form, see it running,
// console (exec over /api/websocket/exec), logs, remove; screenshots in light, dark and at 390 px.
const IMAGE = 'capstan/busybox:local';
if (!hasDocker && process.env['CI'] === 'true')
  throw new Error(`${SOCKET} is missing: run tools/setup/docker.sh`);

const shot = screenshots();

test.describe('containers in the portal', () => {
  test.skip(!hasDocker, `no Docker engine at ${SOCKET} (run tools/setup/docker.sh)`);

  let portal: Portal;
  let envId = 0;
  const name = `capstan-e2e-${randomBytes(3).toString('hex')}`;
  const docker = (path: string) => `/api/endpoints/${envId}/docker${path}`;

  test.beforeAll(async () => {
    portal = await startPortal();
  });

  /** The local environment through the API, for a test that runs without the first one. */
  async function ensureEnvironment(): Promise<void> {
    if (!envId) envId = await addEnvironment(portal, 'local');
  }

  test.afterAll(async () => {
    if (portal && envId)
      for (const c of [name, `${name}-bob`, `${name}-admin`])
        await portal.server.request('DELETE', docker(`/containers/${c}?force=1`), { token: portal.admin });
    await portal?.server.dispose();
  });

  test('create from the portal → running in the list → console → logs → remove', async ({ page }) => {
    await logIn(page, portal.baseUrl, 'admin', portal.adminPassword);
    // First run: home offers the local Docker socket; one click adds it, its card opens the environment.
    await page.getByTestId('local-env-add').click();
    await expect(page.getByTestId('env-status-local')).toHaveText('Up');
    await page.getByTestId('env-card-local').click();
    await expect(page).toHaveURL(/\/environments\/\d+\/docker/);
    envId = Number(/\/environments\/(\d+)\//.exec(page.url())?.[1]);
    await expect(page.getByTestId('env-name')).toHaveText('local');
    await expect(page.getByTestId('dashboard-containers')).toBeVisible();
    await shot(page, 'containers-01-dashboard');

    // Create.
    await page.getByTestId('env-nav-containers').click();
    await page.getByTestId('container-create').click();
    await page.getByTestId('create-image').fill(IMAGE);
    await page.getByTestId('create-name').fill(name);
    await page.getByTestId('create-command').fill('sh -c "echo hello-capstan; sleep 3600"');
    await page.getByTestId('label-add').click();
    await page.getByTestId('label-key-0').fill('capstan.e2e');
    await page.getByTestId('label-value-0').fill('containers');
    await shot(page, 'containers-02-create-form');
    await page.getByTestId('create-submit').click();

    // The details page of the new container, running.
    await expect(page.getByTestId('details-name')).toHaveText(name);
    await expect(page.getByTestId('details-state')).toHaveText('running');

    // Running in the list.
    await page.getByTestId('details-back').click();
    await page.getByTestId('containers-search').fill(name);
    await expect(page.getByTestId(`state-${name}`)).toHaveText('running');
    await shot(page, 'containers-03-list-light');

    // Console: a shell through exec, the command's output comes back.
    await page.getByTestId(`quick-console-${name}`).click();
    await page.getByTestId('console-connect').click();
    await expect(page.getByTestId('console-status')).toHaveText('Connected.');
    await page.locator('.xterm-helper-textarea').focus();
    await page.keyboard.type('echo $((6*7))\n');
    // One terminal row holds just the result (not the echoed command line).
    await expect(page.locator('.xterm-rows > div').filter({ hasText: /^\s*42\s*$/ })).toHaveCount(1);
    await shot(page, 'containers-04-console');
    await page.getByTestId('console-disconnect').click();

    // Logs.
    await page.getByTestId('tab-logs').click();
    await expect(page.getByTestId('logs-output')).toContainText('hello-capstan');
    await page.getByTestId('logs-search').fill('capstan');
    await expect(page.getByTestId('logs-output').locator('mark')).toHaveText(['capstan']);
    await shot(page, 'containers-05-logs');

    // Stats and processes of the running container.
    await page.getByTestId('tab-stats').click();
    await expect(page.getByTestId('stats-status')).toContainText('processes', { timeout: 15_000 });
    await page.getByTestId('tab-processes').click();
    await expect(page.getByTestId('processes-table')).toContainText('sleep 3600');

    // Dark theme and a phone: the list stays usable, nothing overflows the page.
    // The theme follows the system (auto) until the user picks one.
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`${portal.baseUrl}/environments/${envId}/docker/containers`);
    await expect(page.getByTestId(`state-${name}`)).toHaveText('running');
    await shot(page, 'containers-06-list-dark');
    await page.setViewportSize({ width: 390, height: 844 });
    await expect(page.getByTestId(`container-link-${name}`)).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, 'containers-07-list-phone', false);
    await page.setViewportSize({ width: 1280, height: 900 });

    // Remove through the bulk action (force: it runs).
    await page.getByTestId('containers-search').fill(name);
    await page.getByTestId(`select-${name}`).check();
    await page.getByTestId('bulk-remove').click();
    await expect(page.getByTestId('remove-force')).toBeChecked();
    await page.getByTestId('remove-confirm').click();
    await expect(page.getByTestId(`bulk-item-${name}`)).toContainText('done');
    await expect(page.getByTestId(`container-row-${name}`)).toHaveCount(0);
    const gone = await portal.server.request('GET', docker(`/containers/${name}/json`), {
      token: portal.admin,
    });
    expect(gone.status).toBe(404);
  });

  test('a Standard user sees only what they may, and sets the ownership of what they create', async ({
    browser,
  }) => {
    await ensureEnvironment();
    // Bob: a Standard user (role 3) on this environment.
    const bobPassword = `bob-${randomBytes(8).toString('hex')}`;
    const bob = await portal.server.request<{ Id: number }>('POST', '/api/users', {
      token: portal.admin,
      body: { username: 'bob', password: bobPassword, role: 2 },
    });
    expect(bob.status, bob.text).toBe(200);
    const policy = await portal.server.request('PUT', `/api/endpoints/${envId}`, {
      token: portal.admin,
      body: { UserAccessPolicies: { [String(bob.body.Id)]: { RoleId: 3 } } },
    });
    expect(policy.status, policy.text).toBe(200);
    // The administrator's own container (private to administrators).
    const adminContainer = await portal.server.request(
      'POST',
      docker(`/containers/create?name=${name}-admin`),
      {
        token: portal.admin,
        body: { Image: IMAGE, Cmd: ['sleep', '3600'] },
      },
    );
    expect(adminContainer.status, adminContainer.text).toBe(201);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await logIn(page, portal.baseUrl, 'bob', bobPassword);
    await page.goto(`${portal.baseUrl}/environments/${envId}/docker/containers`);
    await expect(page.getByTestId('containers-live')).not.toHaveText('');
    await expect(page.getByTestId(`container-row-${name}-admin`)).toHaveCount(0);

    // Create one, public.
    await page.getByTestId('container-create').click();
    await page.getByTestId('create-image').fill(IMAGE);
    await page.getByTestId('create-name').fill(`${name}-bob`);
    await page.getByTestId('create-command').fill('sleep 3600');
    await page.getByTestId('ownership-public').check();
    // Only administrators can restrict to administrators.
    await expect(page.getByTestId('ownership-administrators')).toHaveCount(0);
    await page.getByTestId('create-submit').click();
    await expect(page.getByTestId('details-name')).toHaveText(`${name}-bob`);
    await page.getByTestId('details-back').click();
    await expect(page.getByTestId(`container-row-${name}-bob`)).toContainText('Public');
    await expect(page.getByTestId(`container-row-${name}-admin`)).toHaveCount(0);
    await shot(page, 'containers-08-standard-user');
    await context.close();

    // The resource control says so on the server too.
    const inspect = await portal.server.request<{ Portainer?: { ResourceControl?: { Public: boolean } } }>(
      'GET',
      docker(`/containers/${name}-bob/json`),
      { token: portal.admin },
    );
    expect(inspect.body.Portainer?.ResourceControl?.Public).toBe(true);
  });
});
