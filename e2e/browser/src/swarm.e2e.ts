import { expect, test, type Page } from '@playwright/test';
import { engineAnswers, TestServer } from '@capstan/testing';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

// Swarm pages on the multi-node Swarm lab (tools/setup/swarm-lab.sh up; the image loaded on every node with
// `swarm-lab.sh load capstan/busybox:local`): node1 is the manager, added as a plain Docker socket environment.
const NODE1 = '/run/capstan-swarm/node1.sock';
const IMAGE = 'capstan/busybox:local';
const shots = join(__dirname, '../../../tmp/test-results/browser-screenshots');
// Playwright project `lab`: npm test runs it in its Swarm lab phase (suite swarm-browser, CAPSTAN_SWARM_LAB=runner:
// the lab is up and locked for it); by hand: `sudo tools/setup/swarm-lab.sh up && sudo tools/setup/swarm-lab.sh
// load capstan/busybox:local`, then `npx playwright test -c e2e/browser/playwright.config.ts --project=lab`.
const HELD_BY_RUNNER = process.env['CAPSTAN_SWARM_LAB'] === 'runner';

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

test.describe('Swarm in the portal (multi-node lab)', () => {
  test.beforeAll(async () => {
    const up = await engineAnswers(NODE1);
    // Under the runner the lab was brought up for this suite: not answering is a failure, not a skip.
    if (!up && HELD_BY_RUNNER) throw new Error(`the Swarm lab does not answer at ${NODE1}`);
    test.skip(!up, `no Swarm lab answering at ${NODE1} (run tools/setup/swarm-lab.sh up)`);
  });

  let server: TestServer;
  let token = '';
  let envId = 0;
  const password = `admin-${randomBytes(8).toString('hex')}`;
  const service = `capstan-e2e-svc-${randomBytes(3).toString('hex')}`;
  const overlay = `capstan-e2e-net-${randomBytes(3).toString('hex')}`;
  const docker = (path: string) => `/api/endpoints/${envId}/docker${path}`;

  test.beforeAll(async () => {
    const portalDir = process.env['CAPSTAN_PORTAL_DIR'];
    server = await TestServer.start(portalDir ? { env: { CAPSTAN_PORTAL_DIR: portalDir } } : {});
    const init = await server.request('POST', '/api/users/admin/init', {
      body: { username: 'admin', password },
    });
    expect(init.status, init.text).toBe(200);
    token = (
      await server.request<{ jwt: string }>('POST', '/api/auth', { body: { username: 'admin', password } })
    ).body.jwt;
    const form = new FormData();
    form.append('Name', `swarm-lab-${randomBytes(3).toString('hex')}`);
    form.append('EndpointCreationType', '1');
    form.append('URL', `unix://${NODE1}`);
    const created = await fetch(`${server.baseUrl}/api/endpoints`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
      body: form,
    });
    expect(created.status, await created.clone().text()).toBe(200);
    envId = ((await created.json()) as { Id: number }).Id;
    // An overlay network for the service form to offer.
    const net = await server.request('POST', docker('/networks/create'), {
      token,
      body: { Name: overlay, Driver: 'overlay' },
    });
    expect(net.status, net.text).toBe(201);
  });

  test.afterAll(async () => {
    if (server && envId) {
      await server.request('DELETE', docker(`/services/${service}`), { token });
      // A network a service still uses cannot go; the service's tasks take a moment to leave.
      await expect(async () => {
        const r = await server.request('DELETE', docker(`/networks/${overlay}`), { token });
        expect([204, 404]).toContain(r.status);
      }).toPass({ timeout: 30_000 });
    }
    await server?.dispose();
  });

  async function login(page: Page): Promise<void> {
    await page.goto(`${server.baseUrl}/login`);
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
    await expect(page).toHaveURL(/\/home$/);
  }

  test('nodes, then a replicated service: create, scale, tasks per node, remove', async ({ page }) => {
    await login(page);
    await page.goto(`${server.baseUrl}/environments/${envId}/docker`);
    // The Swarm sections appear for a manager only.
    await page.getByTestId('env-nav-swarm').click();
    await expect(page.getByTestId('swarm-managers')).toHaveText('1');
    await expect(page.getByTestId('swarm-workers')).toHaveText('2');
    for (const n of ['node1', 'node2', 'node3'])
      await expect(page.getByTestId(`node-status-${n}`)).toHaveText('ready');
    await expect(page.getByTestId('node-demote-node1')).toBeVisible();
    await shot(page, 'swarm-01-nodes');

    await page.getByTestId('env-nav-services').click();
    await page.getByTestId('service-create').click();
    await page.getByTestId('service-name').fill(service);
    await page.getByTestId('service-image').fill(IMAGE);
    await page.getByTestId('service-command').fill('sleep 3600');
    await page.getByTestId('service-replicas').fill('2');
    await page.getByTestId('service-constraints').fill('node.platform.os==linux');
    await page.getByTestId('service-env-add').click();
    await page.getByTestId('service-env-key-0').fill('CAPSTAN_E2E');
    await page.getByTestId('service-env-value-0').fill('swarm');
    // Networks are ticked from the environment's swarm-scoped ones (ingress is not offered).
    await page.getByTestId(`service-network-${overlay}`).check();
    await expect(page.getByTestId('service-network-ingress')).toHaveCount(0);
    await shot(page, 'swarm-02-service-create');
    await page.getByTestId('service-save').click();
    await expect(page.getByTestId(`service-row-${service}`)).toBeVisible();

    // The engine got the spec from the form.
    const inspect = await server.request<{
      Spec: {
        Mode: unknown;
        TaskTemplate: {
          ContainerSpec: { Env: string[]; Args: string[] };
          Networks?: Array<{ Target: string }>;
        };
      };
    }>('GET', docker(`/services/${service}`), { token });
    expect(inspect.status).toBe(200);
    expect(inspect.body.Spec.Mode).toEqual({ Replicated: { Replicas: 2 } });
    // The engine keeps the network's id as the target.
    const netId = (await server.request<{ Id: string }>('GET', docker(`/networks/${overlay}`), { token }))
      .body.Id;
    expect(inspect.body.Spec.TaskTemplate.Networks?.map((n) => n.Target)).toEqual([netId]);
    expect(inspect.body.Spec.TaskTemplate.ContainerSpec.Env).toEqual(['CAPSTAN_E2E=swarm']);
    expect(inspect.body.Spec.TaskTemplate.ContainerSpec.Args).toEqual(['sleep', '3600']);

    await expect(async () => {
      await page.getByTestId('services-refresh').click();
      await expect(page.getByTestId(`service-replicas-${service}`)).toHaveText('2 / 2', { timeout: 1000 });
    }).toPass({ timeout: 60_000 });

    await page.getByTestId(`service-scale-input-${service}`).fill('3');
    await page.getByTestId(`service-scale-${service}`).click();
    await expect(
      page.getByTestId('toast-success').filter({ hasText: `${service} scaled to 3` }),
    ).toBeVisible();
    await expect(async () => {
      await page.getByTestId('services-refresh').click();
      await expect(page.getByTestId(`service-replicas-${service}`)).toHaveText('3 / 3', { timeout: 1000 });
    }).toPass({ timeout: 60_000 });
    await shot(page, 'swarm-03-services-scaled');

    // Tasks per node: three running tasks spread over the lab's nodes.
    await page.getByTestId(`service-link-${service}`).click();
    await expect(page.getByTestId('service-name-title')).toHaveText(service);
    const tasks = page.getByTestId('service-tasks');
    await expect(async () => {
      await page.getByTestId('service-refresh').click();
      await expect(tasks.locator('[data-testid^="task-"]').filter({ hasText: 'running' })).toHaveCount(3, {
        timeout: 1000,
      });
    }).toPass({ timeout: 30_000 });
    expect(await tasks.locator('[data-testid^="service-node-"]').count()).toBeGreaterThanOrEqual(2);
    await shot(page, 'swarm-04-service-tasks');

    // Its webhook: the toggle creates one and shows the public URL; calling it force-updates the service.
    await page.getByTestId('service-webhook-toggle').check();
    const url = (await page.getByTestId('service-webhook-url').textContent())?.trim() ?? '';
    expect(url).toMatch(/\/api\/webhooks\/[0-9a-f-]{36}$/);
    const fired = await fetch(url, { method: 'POST' });
    expect(fired.status).toBe(204);
    const forced = await server.request<{ Spec: { TaskTemplate: { ForceUpdate?: number } } }>(
      'GET',
      docker(`/services/${service}`),
      { token },
    );
    expect(forced.body.Spec.TaskTemplate.ForceUpdate).toBe(1);
    await page.getByTestId('service-logs-load').click();
    await expect(page.getByTestId('service-logs-status')).toContainText('lines');
    await shot(page, 'swarm-05-service-webhook');

    await page.getByTestId('service-detail-remove').click();
    await page.getByTestId('confirm-ok').click();
    await expect(
      page.getByTestId('toast-success').filter({ hasText: `Service ${service} removed` }),
    ).toBeVisible();
    await expect(page.getByTestId(`service-row-${service}`)).toHaveCount(0);
    await shot(page, 'swarm-06-service-removed');

    // A secret: created from the portal, listed without its content, removed.
    const secret = `${service}-secret`;
    await page.getByTestId('env-nav-secrets').click();
    await page.getByTestId('secrets-create').click();
    await page.getByTestId('secret-name').fill(secret);
    await page.getByTestId('secret-data').fill('s3cr3t-value');
    await page.getByTestId('secret-save').click();
    await expect(page.getByTestId(`secret-row-${secret}`)).toBeVisible();
    await expect(page.locator('body')).not.toContainText('s3cr3t-value');
    await shot(page, 'swarm-07-secret');
    await page.getByTestId(`secret-remove-${secret}`).click();
    await page.getByTestId('confirm-ok').click();
    await expect(page.getByTestId(`secret-row-${secret}`)).toHaveCount(0);
    expect((await server.request('GET', docker(`/services/${service}`), { token })).status).toBe(404);
  });

  test('on a phone in dark mode: nodes and services fit the screen', async ({ browser }) => {
    const phone = `${service}-phone`;
    const made = await server.request('POST', docker('/services/create'), {
      token,
      body: {
        Name: phone,
        TaskTemplate: { ContainerSpec: { Image: IMAGE, Args: ['sleep', '3600'] } },
        Mode: { Replicated: { Replicas: 1 } },
      },
    });
    expect(made.status, made.text).toBe(201);
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
    const page = await context.newPage();
    // Sideways overflow: of the page, and of each table's frame (a cut-off column hides its data).
    const overflow = () =>
      page.evaluate(() => [
        document.documentElement.scrollWidth - window.innerWidth,
        ...Array.from(document.querySelectorAll('.table-wrap')).map((w) => w.scrollWidth - w.clientWidth),
      ]);
    try {
      await login(page);
      await page.goto(`${server.baseUrl}/environments/${envId}/docker/swarm`);
      // Role and status under the name (their columns are hidden at this width), availability still editable.
      await expect(page.getByTestId('node-row-node1')).toContainText('leader');
      await expect(page.getByTestId('node-row-node3')).toContainText('ready');
      await expect(page.getByTestId('node-status-node1')).toBeHidden();
      await expect(page.getByTestId('node-availability-node2')).toBeVisible();
      expect(Math.max(...(await overflow()))).toBeLessThanOrEqual(0);
      await shot(page, 'swarm-08-nodes-phone-dark');
      await page.goto(`${server.baseUrl}/environments/${envId}/docker/swarm/services`);
      await expect(page.getByTestId(`service-row-${phone}`)).toBeVisible();
      await expect(page.getByTestId(`service-scale-${phone}`)).toBeVisible();
      expect(Math.max(...(await overflow()))).toBeLessThanOrEqual(0);
      await shot(page, 'swarm-09-services-phone-dark');
    } finally {
      await context.close();
      await server.request('DELETE', docker(`/services/${phone}`), { token });
    }
  });
});
