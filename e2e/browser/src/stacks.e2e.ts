import { expect, test } from '@playwright/test';
import type { TestServer } from '@capstan/testing';
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

// A compose stack deployed from the portal's editor on the real Docker engine (local socket): the compose plugin
// of tools/setup/compose.sh runs it; the test sees its container running, then deletes the stack from the list.
if (!hasDocker && process.env['CI'] === 'true')
  throw new Error(`${SOCKET} is missing: run tools/setup/docker.sh`);

const shot = screenshots();
const COMPOSE = `services:
  app:
    image: capstan/busybox:local
    command: ["sleep", "600"]
    environment:
      GREETING: \${GREETING}
`;

test.describe('Stacks in the portal', () => {
  test.skip(!hasDocker, `no Docker engine at ${SOCKET} (run tools/setup/docker.sh)`);

  let portal: Portal;
  let server: TestServer;
  let token = '';
  let envId = 0;
  const name = `e2e-stack-${randomBytes(3).toString('hex')}`;

  test.beforeAll(async () => {
    portal = await startPortal();
    ({ server, admin: token } = portal);
    envId = await addEnvironment(portal, `local-${name}`);
  });

  test.afterAll(async () => {
    // Whatever a failed step left behind: the stack by record, else the compose project by name.
    if (server && envId) {
      const list = await server.request<{ Id: number; Name: string }[]>(
        'GET',
        `/api/stacks?filters=${encodeURIComponent(JSON.stringify({ EndpointID: envId }))}`,
        { token },
      );
      for (const s of (list.body ?? []).filter((x) => x.Name === name))
        await server.request(
          'DELETE',
          s.Id
            ? `/api/stacks/${s.Id}?endpointId=${envId}`
            : `/api/stacks/${name}?external=true&endpointId=${envId}&type=2`,
          { token },
        );
    }
    await server?.dispose();
  });

  test('deploy a compose stack from the editor, see it running, delete it', async ({ page }) => {
    test.setTimeout(180_000);
    await logIn(page, portal.baseUrl, 'admin', portal.adminPassword);
    await page.goto(`${server.baseUrl}/environments/${envId}/docker`);
    await page.getByTestId('env-nav-stacks').click();
    await expect(page).toHaveURL(new RegExp(`/environments/${envId}/docker/stacks$`));
    await page.getByTestId('stack-create').click();
    await expect(page.getByText('A compose project (docker compose up).')).toBeVisible();

    await page.getByTestId('stack-name').fill(name);
    // Replace the example in the editor by typing, as a user does (CodeMirror's content is contenteditable).
    const editor = page.getByTestId('stack-editor').locator('.cm-content');
    await editor.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    // CodeMirror keeps the indentation of the line above on Enter: insert the text in one go instead.
    await page.keyboard.insertText(COMPOSE);
    await expect(editor).toContainText('capstan/busybox:local');
    await page.getByTestId('stack-env-add').click();
    await page.getByTestId('stack-env-key-0').fill('GREETING');
    await page.getByTestId('stack-env-value-0').fill('hello $ world');
    await shot(page, 'stacks-01-create');
    await page.getByTestId('stack-deploy').click();
    // The deploy's output while it runs, then the stack's page.
    await expect(page.getByTestId('stack-deploy-log')).toBeVisible();
    await expect(page).toHaveURL(new RegExp(`/environments/${envId}/docker/stacks/\\d+$`), {
      timeout: 120_000,
    });
    const member = page.getByTestId(`stack-member-state-${name}-app-1`);
    await expect(member).toHaveText('running');
    await expect(page.getByTestId('stack-deploy-log')).toContainText(/Started|Running|Created/);
    // Created now (the record's seconds shown as a time, not read as milliseconds).
    const created = await page.getByTestId('stack-dates').locator('time').first().getAttribute('datetime');
    expect(Math.abs(Date.parse(created ?? '') - Date.now())).toBeLessThan(10 * 60_000);
    await shot(page, 'stacks-02-details');

    // The engine agrees: one running container of the project, with the variable as typed.
    const filters = encodeURIComponent(JSON.stringify({ label: [`com.docker.compose.project=${name}`] }));
    const running = await server.request<{ Id: string; State: string }[]>(
      'GET',
      `/api/endpoints/${envId}/docker/containers/json?filters=${filters}`,
      { token },
    );
    expect(running.body.map((c) => c.State)).toEqual(['running']);
    const inspect = await server.request<{ Config: { Env: string[] } }>(
      'GET',
      `/api/endpoints/${envId}/docker/containers/${running.body[0].Id}/json`,
      { token },
    );
    expect(inspect.body.Config.Env).toContain('GREETING=hello $ world');

    // The list shows it active, owned by admin; delete it from there.
    await page.getByRole('link', { name: 'All stacks' }).click();
    await page.getByTestId('stack-search').fill(name);
    await expect(page.getByTestId(`stack-status-${name}`)).toHaveText('Active');
    await expect(page.getByTestId(`stack-row-${name}`)).toContainText('admin');
    // On a 390 px phone the list fits the width (rows stack) and the delete is reachable.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect(page.getByTestId(`stack-delete-${name}`)).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, 'stacks-03-list-phone');
    await page.getByTestId(`stack-delete-${name}`).click();
    await page.getByTestId('confirm-ok').click();
    await expect(page.getByTestId('toast-success').filter({ hasText: `Stack ${name} deleted` })).toBeVisible({
      timeout: 60_000,
    });
    await expect(page.getByTestId(`stack-row-${name}`)).toHaveCount(0);
    const after = await server.request<unknown[]>(
      'GET',
      `/api/endpoints/${envId}/docker/containers/json?all=1&filters=${filters}`,
      { token },
    );
    expect(after.body).toEqual([]);
  });
});
