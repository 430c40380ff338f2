import { expect, test, type Page } from '@playwright/test';
import type { TestServer } from '@capstan/testing';
import { randomBytes } from 'node:crypto';

import { screenshots, startServer } from './support/portal';

const shot = screenshots('environments-');

async function logIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

/** Same-origin API call from the page (session cookie), for checks the UI cannot show. */
async function apiGet<T>(page: Page, path: string): Promise<T> {
  return page.evaluate(async (p) => {
    const r = await fetch(p, { credentials: 'same-origin' });
    return (await r.json()) as unknown;
  }, path) as Promise<T>;
}

test.describe('environments in the portal', () => {
  let server: TestServer;
  const adminPassword = `admin-${randomBytes(8).toString('hex')}`;

  test.beforeAll(async () => {
    server = await startServer();
  });
  test.afterAll(async () => server.dispose());

  test('first-run offer adds the local Docker engine; wizard error; access policy for a standard user', async ({
    page,
  }) => {
    const username = `sam-${randomBytes(3).toString('hex')}`;
    const userPassword = `sam-${randomBytes(8).toString('hex')}`;

    // A fresh server: create the administrator.
    await page.goto(server.baseUrl + '/');
    await page.getByTestId('init-username').fill('admin');
    await page.getByTestId('init-password').fill(adminPassword);
    await page.getByTestId('init-confirm').fill(adminPassword);
    await page.getByTestId('init-submit').click();
    if (
      await page
        .getByTestId('login-username')
        .isVisible({ timeout: 3000 })
        .catch(() => false)
    ) {
      await logIn(page, 'admin', adminPassword);
    }

    // Home offers the local Docker socket (the machine has /var/run/docker.sock).
    const offer = page.getByTestId('local-env-offer');
    await expect(offer).toBeVisible();
    await expect(page.getByTestId('local-env-add')).toContainText(
      /Add the local Docker environment \(unix:\/\/\/var\/run\/docker\.sock, Docker \d+\.\d+/,
    );
    await shot(page, '01-first-run-offer');
    await page.getByTestId('local-env-add').click();

    // One click later its card is there, up, with counts from the first snapshot.
    const card = page.getByTestId('env-card-local');
    await expect(card).toBeVisible();
    await expect(card).toBeFocused();
    await expect(page.getByTestId('env-status-local')).toHaveText('Up');
    await expect(page.getByTestId('env-snapshot-local')).toContainText(/Snapshot (just now|\d+ min ago)/);
    const counts = page.getByTestId('env-counts-local');
    await expect(counts).toContainText('Containers');
    await expect(counts).toContainText('Images');
    await expect(counts).toContainText('Networks');
    await expect(page.getByTestId('local-env-offer')).toHaveCount(0);
    // The card's figures are the snapshot's.
    const [env] = await apiGet<{ Id: number; Snapshots: { ImageCount: number; NetworkCount: number }[] }[]>(
      page,
      '/api/endpoints',
    );
    const figures = ((await counts.textContent()) ?? '').replace(/\s+/g, '');
    expect(figures).toContain(`Images${env.Snapshots[0].ImageCount}`);
    expect(figures).toContain(`Networks${env.Snapshots[0].NetworkCount}`);
    await shot(page, '02-home-local-up');

    // The list view shows the same environment.
    await page.getByTestId('view-list').click();
    await expect(page.getByTestId('env-row-local')).toContainText('Up');
    await shot(page, '03-home-list');
    await page.getByTestId('view-cards').click();

    // The wizard: an unreachable Docker API is refused with the server's reason; the form stays.
    await page.getByTestId('nav-environments').click();
    await expect(page.getByTestId('env-admin-row-local')).toBeVisible();
    await shot(page, '04a-environment-admin-list');
    await page.getByTestId('env-add').click();
    await page.getByTestId('wizard-type-docker-api').check();
    await page.getByTestId('wizard-next').click();
    await expect(page.getByTestId('wizard-tls-ca')).toHaveCount(0);
    await page.getByTestId('wizard-tls').check();
    await expect(page.getByTestId('wizard-tls-ca')).toBeVisible();
    await page.getByTestId('wizard-tls').uncheck();
    await page.getByTestId('wizard-name').fill('unreachable');
    await page.getByTestId('wizard-url').fill('tcp://127.0.0.1:1');
    await page.getByTestId('wizard-submit').click();
    const error = page.getByTestId('alert-error');
    await expect(error).toContainText('Unable to reach the Docker engine');
    await expect(error).toContainText('tcp://127.0.0.1:1');
    await expect(page.getByTestId('wizard-name')).toHaveValue('unreachable');
    await expect(page.getByTestId('wizard-url')).toHaveValue('tcp://127.0.0.1:1');
    await shot(page, '04b-wizard-unreachable');

    // Back to step 1: the Podman socket on this host is added through the same wizard.
    await page.getByTestId('wizard-back').click();
    await page.getByTestId('wizard-type-podman-socket').check();
    await page.getByTestId('wizard-next').click();
    await expect(page.getByTestId('wizard-url')).toHaveValue('unix:///run/podman/podman.sock');
    await expect(page.getByTestId('wizard-tls')).toHaveCount(0);
    await page.getByTestId('wizard-name').fill('podman');
    await page.getByTestId('wizard-submit').click();
    await expect(page.getByTestId('env-admin-row-podman')).toContainText('Podman · socket');
    await expect(page.getByTestId('env-admin-row-podman')).toContainText('Up');

    // A standard user...
    await page.getByTestId('nav-users').click();
    await page.getByTestId('user-create').click();
    await page.getByTestId('user-username').fill(username);
    await page.getByTestId('user-password').fill(userPassword);
    await page.getByTestId('user-role').selectOption('2');
    await page.getByTestId('user-save').click();
    await expect(page.getByTestId(`user-row-${username}`)).toBeVisible();

    // ...gets the Standard user role on the local environment.
    await page.getByTestId('nav-environments').click();
    await page.getByTestId('env-edit-local').click();
    await page.getByTestId('edit-tab-access').click();
    await page.getByTestId('access-add-user').selectOption({ label: username });
    await page.getByTestId('access-add-user-role').selectOption({ label: 'Standard user' });
    await page.getByTestId('access-add-user-submit').click();
    await expect(page.getByTestId(`access-user-row-${username}`)).toBeVisible();
    await page.getByTestId('access-save').click();
    await expect(page.getByTestId('toast-success').filter({ hasText: 'Access saved' })).toBeVisible();
    await shot(page, '05-access-policy');
    const users = await apiGet<{ Id: number; Username: string }[]>(page, '/api/users');
    const userId = users.find((u) => u.Username === username)?.Id;
    expect(userId).toBeDefined();
    const saved = await apiGet<{ UserAccessPolicies: Record<string, { RoleId: number }> }>(
      page,
      `/api/endpoints/${env.Id}`,
    );
    expect(saved.UserAccessPolicies).toEqual({ [String(userId)]: { RoleId: 3 } });

    // A tag and a group holding the environment; the home filters find it there.
    await page.getByTestId('nav-environments').click();
    await page.getByTestId('env-tags-link').click();
    await page.getByTestId('tag-name').fill('prod');
    await page.getByTestId('tag-create').click();
    await expect(page.getByTestId('tag-row-prod')).toBeVisible();
    await page.getByTestId('nav-environments').click();
    await page.getByTestId('env-groups-link').click();
    await expect(page.getByTestId('group-row-Unassigned')).toBeVisible();
    await expect(page.getByTestId('group-delete-Unassigned')).toHaveCount(0);
    await page.getByTestId('group-create').click();
    await page.getByTestId('group-name').fill('Production');
    await page.getByTestId('group-save').click();
    await page.getByTestId('group-member-local').check();
    await expect(
      page.getByTestId('toast-success').filter({ hasText: 'local added to the group' }),
    ).toBeVisible();
    await page.getByTestId('tag-option-prod').check();
    await page.getByTestId('group-edit-save').click();
    await expect(page.getByTestId('toast-success').filter({ hasText: 'Group saved' })).toBeVisible();
    await shot(page, '06-group');
    await page.getByTestId('nav-home').click();
    await expect(page.getByTestId('env-card-podman')).toContainText('Podman · socket');
    await page.getByTestId('filter-type').selectOption('podman');
    await expect(page.getByTestId('env-card-local')).toHaveCount(0);
    await expect(page.getByTestId('env-card-podman')).toBeVisible();
    await page.getByTestId('filter-type').selectOption('');
    await page.getByTestId('filter-group').selectOption({ label: 'Production' });
    await expect(page.getByTestId('env-card-podman')).toHaveCount(0);
    await expect(page.getByTestId('env-card-local')).toContainText('Production');
    await page.getByTestId('filter-status').selectOption('2');
    await expect(page.getByTestId('env-card-local')).toHaveCount(0);
    await expect(page.getByTestId('empty-state')).toContainText('No environment matches');
    await page.getByTestId('filter-status').selectOption('0');
    await page.getByTestId('filter-group').selectOption('0');

    // The user now sees the environment on their home page, and no administration.
    await page.getByTestId('user-menu').click();
    await page.getByTestId('logout').click();
    await logIn(page, username, userPassword);
    await expect(page.getByTestId('env-card-local')).toBeVisible();
    await expect(page.getByTestId('env-status-local')).toHaveText('Up');
    await expect(page.getByTestId('nav-environments')).toHaveCount(0);
    await expect(page.getByTestId('home-refresh')).toHaveCount(0);
    await expect(page.getByTestId('env-card-podman')).toHaveCount(0);
    await expect(page.getByTestId('env-role-local')).toHaveText('Standard user');
    await shot(page, '07-home-standard-user');
  });

  test('home is usable on a phone in dark mode', async ({ browser }) => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
    const page = await context.newPage();
    await page.goto(server.baseUrl + '/login');
    await logIn(page, 'admin', adminPassword);
    await expect(page.getByTestId('env-card-local')).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, '08-home-phone-dark');
    await page.goto(server.baseUrl + '/environments/new');
    await page.getByTestId('wizard-type-docker-api').check();
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('wizard-tls').check();
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);
    await shot(page, '09-wizard-tls-phone-dark');
    await context.close();
  });
});
