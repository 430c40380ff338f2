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
// of tools/setup/compose.sh runs it; its progress arrives over the stack-deploy WebSocket while the create request
// is still running; an update shows the deployed file against the edited one first; then the stack is deleted from
// the list.
if (!hasDocker && process.env['CI'] === 'true')
  throw new Error(`${SOCKET} is missing: run tools/setup/docker.sh`);

const shot = screenshots();
// \`ready\` waits for \`app\` to be healthy (a few seconds): compose reports progress in the middle of the deploy.
const COMPOSE = `services:
  app:
    image: capstan/busybox:local
    command: ["sleep", "600"]
    environment:
      GREETING: \${GREETING}
    healthcheck:
      test: ["CMD", "true"]
      interval: 3s
  ready:
    image: capstan/busybox:local
    command: ["sleep", "600"]
    depends_on:
      app:
        condition: service_healthy
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
    // Compose's lines over the progress WebSocket, timed against the create request's answer.
    const frames: { at: number; text: string }[] = [];
    page.on('websocket', (ws) => {
      if (!ws.url().includes('/api/websocket/stack-deploy')) return;
      ws.on('framereceived', (f) => frames.push({ at: Date.now(), text: String(f.payload) }));
    });
    const isCreate = (r: { request(): { method(): string }; url(): string }) =>
      r.request().method() === 'POST' && r.url().includes('/api/stacks/create/standalone/string');
    let answeredAt = Infinity;
    page.on('response', (r) => {
      if (isCreate(r)) answeredAt = Date.now();
    });
    const createAnswer = page.waitForResponse(isCreate, { timeout: 120_000 });
    await page.getByTestId('stack-deploy').click();
    // The deploy's output while it runs, then the stack's page.
    await expect(page.getByTestId('stack-deploy-log')).toBeVisible();
    await expect(page.getByTestId('stack-deploy-log')).toContainText(/Container .*(Creat|Start|Wait)/, {
      timeout: 60_000,
    });
    await shot(page, 'stacks-01b-deploying');
    expect((await createAnswer).status()).toBe(200);
    // compose waited ≥ 3 s for app's health check: a line seen a second before the answer was streamed live
    // (a socket opened after the deploy would only get the stored log, within milliseconds of the answer).
    const live = frames.filter(
      (f) => answeredAt - f.at >= 1000 && /Container .*(Creat|Start|Wait)/.test(f.text),
    );
    expect(live.length, `frames: ${JSON.stringify(frames)}, answered at ${answeredAt}`).toBeGreaterThan(0);
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
    expect(running.body.map((c) => c.State)).toEqual(['running', 'running']);
    const appFilter = encodeURIComponent(
      JSON.stringify({ label: [`com.docker.compose.project=${name}`, 'com.docker.compose.service=app'] }),
    );
    const inspectApp = async () => {
      const app = await server.request<{ Id: string }[]>(
        'GET',
        `/api/endpoints/${envId}/docker/containers/json?filters=${appFilter}`,
        { token },
      );
      expect(app.body).toHaveLength(1);
      return server.request<{ Config: { Env: string[]; Cmd: string[] } }>(
        'GET',
        `/api/endpoints/${envId}/docker/containers/${app.body[0].Id}/json`,
        { token },
      );
    };
    const inspect = await inspectApp();
    expect(inspect.body.Config.Env).toContain('GREETING=hello $ world');

    // Update: the deployed file against the edited one first, then the deploy.
    const details = page.getByTestId('stack-editor').locator('.cm-content');
    await details.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(COMPOSE.replace('["sleep", "600"]', '["sleep", "700"]'));
    await page.getByTestId('stack-update').click();
    const dialog = page.getByTestId('stack-diff-dialog');
    await expect(dialog).toBeVisible();
    await expect(page.getByTestId('stack-diff-summary')).toHaveText('1 changed block.');
    await expect(dialog.locator('.cm-changedLine, .cm-deletedChunk').first()).toBeVisible();
    await shot(page, 'stacks-02b-diff');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot(page, 'stacks-02c-diff-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByTestId('stack-diff-confirm').click();
    await expect(page.getByTestId('toast-success').filter({ hasText: `Stack ${name} updated` })).toBeVisible({
      timeout: 120_000,
    });
    expect((await inspectApp()).body.Config.Cmd).toEqual(['sleep', '700']);
    await expect(page.getByTestId('stack-version-2')).toBeVisible();

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
