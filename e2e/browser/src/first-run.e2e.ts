import { expect, test } from '@playwright/test';
import type { TestServer } from '@capstan/testing';
import { randomBytes } from 'node:crypto';

import { screenshots, startServer } from './support/portal';

const shot = screenshots();

test.describe('first run in the portal', () => {
  let server: TestServer;

  test.beforeAll(async () => {
    server = await startServer();
  });
  test.afterAll(async () => server.dispose());

  test('admin creation → users and teams → the standard user sees no admin pages', async ({ page }) => {
    const adminPassword = `admin-${randomBytes(8).toString('hex')}`;
    const username = `alice-${randomBytes(3).toString('hex')}`;
    const userPassword = `alice-${randomBytes(8).toString('hex')}`;
    const teamName = `team-${randomBytes(3).toString('hex')}`;

    // First run: the portal offers to create the administrator.
    await page.goto(server.baseUrl + '/');
    await expect(page.getByTestId('init-username')).toBeVisible();
    await shot(page, '01-first-run');
    await page.getByTestId('init-username').fill('admin');
    await page.getByTestId('init-password').fill(adminPassword);
    await page.getByTestId('init-confirm').fill(adminPassword);
    await page.getByTestId('init-submit').click();

    // Logged in as admin (the portal may log in for us, or show the login page).
    if (
      await page
        .getByTestId('login-username')
        .isVisible({ timeout: 3000 })
        .catch(() => false)
    ) {
      await page.getByTestId('login-username').fill('admin');
      await page.getByTestId('login-password').fill(adminPassword);
      await page.getByTestId('login-submit').click();
    }
    await expect(page.getByTestId('nav-users')).toBeVisible();
    await shot(page, '02-home-admin');

    // Create a user.
    await page.getByTestId('nav-users').click();
    await page.getByTestId('user-create').click();
    await page.getByTestId('user-username').fill(username);
    await page.getByTestId('user-password').fill(userPassword);
    await page.getByTestId('user-role').selectOption('2');
    await page.getByTestId('user-save').click();
    await expect(page.getByTestId(`user-row-${username}`)).toBeVisible();
    await shot(page, '03-users');

    // Create a team.
    await page.getByTestId('nav-teams').click();
    await page.getByTestId('team-create').click();
    await page.getByTestId('team-name').fill(teamName);
    await page.getByTestId('team-save').click();
    await expect(page.getByTestId(`team-row-${teamName}`)).toBeVisible();
    await shot(page, '04-teams');

    // Log out.
    await page.getByTestId('user-menu').click();
    await page.getByTestId('logout').click();
    await expect(page.getByTestId('login-username')).toBeVisible();

    // A wrong password gets a clear error.
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill('definitely-not-it');
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('alert-error')).toContainText(/invalid/i);
    await shot(page, '05-login-error');

    // Log in as the standard user: administration is hidden...
    await page.getByTestId('login-password').fill(userPassword);
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('nav-home')).toBeVisible();
    await expect(page.getByTestId('nav-account')).toBeVisible();
    for (const nav of ['nav-users', 'nav-teams', 'nav-auth-logs', 'nav-activity-logs', 'nav-settings']) {
      await expect(page.getByTestId(nav)).toHaveCount(0);
    }
    await shot(page, '06-home-standard-user');

    // ...typing an admin URL does not show the page...
    await page.goto(server.baseUrl + '/admin/users');
    await expect(page.getByTestId(`user-row-${username}`)).toHaveCount(0);
    await expect(page.getByTestId('user-create')).toHaveCount(0);
    await shot(page, '07-admin-url-as-standard-user');

    // ...and the server refuses it anyway.
    const status = await page.evaluate(
      async () => (await fetch('/api/users', { credentials: 'same-origin' })).status,
    );
    expect(status).toBe(403);
  });

  test('is usable on a phone in dark mode', async ({ browser }) => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
    const page = await context.newPage();
    await page.goto(server.baseUrl + '/');
    await expect(page.getByTestId('login-username')).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, '08-login-phone-dark');
    await context.close();
  });
});
