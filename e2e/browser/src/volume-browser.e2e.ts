import { expect, test } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

import {
  AGENT_MAIN,
  SOCKET,
  addEnvironment,
  apiLogin,
  engine,
  hasBuiltAgent,
  hasDocker,
  logIn,
  screenshots,
  startAgent,
  startPortal,
  type Portal,
  type RunningAgent,
} from './support/portal';

// The volume browser of an agent environment, used by a Standard user: the real agent (dist/apps/agent, classic
// mode on the local engine, 127.0.0.1), the environment's AllowVolumeBrowserForRegularUsers on, a volume the user
// created. Upload, list with size, enter a directory (keyboard), breadcrumb, download, rename, delete — and the
// same page at 390 px wide.
const ready = hasDocker && hasBuiltAgent;
if (!ready && process.env['CI'] === 'true')
  throw new Error(`the volume browser test needs ${SOCKET} and the built agent (${AGENT_MAIN})`);
const shot = screenshots('volume-browser-');

test.describe('volume browser on an agent environment (real agent, local engine)', () => {
  test.skip(!ready, `needs ${SOCKET} and the built agent (npx nx build agent)`);

  let portal: Portal;
  let agent: RunningAgent | undefined;
  let envId = 0;
  const userPassword = `user-${randomBytes(8).toString('hex')}A1!`;
  const username = `browse-${randomBytes(3).toString('hex')}`;
  const volume = `capstan-e2e-browse-${randomBytes(3).toString('hex')}`;

  test.beforeAll(async () => {
    agent = await startAgent();
    portal = await startPortal();
    const { server, admin } = portal;
    envId = await addEnvironment(portal, 'agent', `127.0.0.1:${agent.port}`);
    const user = await server.request<{ Id: number }>('POST', '/api/users', {
      token: admin,
      body: { username, password: userPassword, role: 2 },
    });
    expect(user.status, user.text).toBe(200);
    for (const [path, body] of [
      [`/api/endpoints/${envId}`, { UserAccessPolicies: { [user.body.Id]: { RoleId: 3 } } }],
      [`/api/endpoints/${envId}/settings`, { allowVolumeBrowserForRegularUsers: true }],
    ] as const) {
      const r = await server.request('PUT', path, { token: admin, body });
      expect(r.status, r.text).toBe(200);
    }
    // The user's own volume (created through the proxy: private to them), with a directory holding a file.
    const token = await apiLogin(server, username, userPassword);
    const vol = await server.request('POST', `/api/endpoints/${envId}/docker/volumes/create`, {
      token,
      body: { Name: volume },
    });
    expect(vol.status, vol.text).toBe(201);
    const upload = new FormData();
    upload.append('Path', '/docs');
    upload.append('file', new Blob(['# read me\n']), 'README.md');
    const put = await fetch(
      `${portal.baseUrl}/api/endpoints/${envId}/docker/v2/browse/put?volumeID=${volume}`,
      {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
        body: upload,
      },
    );
    expect(put.status).toBe(204);
  });

  test.afterAll(async () => {
    await agent?.stop();
    await engine('DELETE', `/volumes/${volume}?force=1`).catch(() => undefined);
    await portal?.server.dispose();
  });

  test('a Standard user uploads, browses, downloads, renames and deletes files of their volume', async ({
    page,
  }) => {
    await logIn(page, portal.baseUrl, username, userPassword);
    await page.goto(`${portal.baseUrl}/environments/${envId}/docker/volumes`);
    await page.getByTestId(`volume-browse-${volume}`).click();
    await expect(page).toHaveURL(new RegExp(`/volumes/${volume}/browse`));
    await expect(page.getByTestId('browse-row-docs')).toBeVisible();

    // Upload into the root.
    await page.getByTestId('browse-upload').setInputFiles({
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('hello from the portal'),
    });
    await expect(page.getByTestId('browse-row-notes.txt')).toBeVisible();
    await expect(page.getByTestId('browse-size-notes.txt')).toHaveText('21 B');
    await shot(page, '01-root');

    // Into a directory with the keyboard; the breadcrumb leads back.
    await page.getByTestId('browse-open-docs').focus();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/path=%2Fdocs/);
    await expect(page.getByTestId('browse-row-README.md')).toBeVisible();
    await expect(page.getByTestId('browse-crumbs')).toContainText('docs');

    // Download: the file as it is in the volume.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('browse-download-README.md').click(),
    ]);
    expect(download.suggestedFilename()).toBe('README.md');
    const saved = await download.path();
    expect(readFileSync(saved, 'utf8')).toBe('# read me\n');

    // Rename, then delete after confirmation.
    await page.getByTestId('browse-rename-README.md').click();
    await page.getByTestId('browse-rename-name').fill('GUIDE.md');
    await page.getByTestId('browse-rename-save').click();
    await expect(page.getByTestId('browse-row-GUIDE.md')).toBeVisible();
    await expect(page.getByTestId('browse-row-README.md')).toHaveCount(0);
    await page.getByTestId('browse-delete-GUIDE.md').click();
    await page.getByTestId('confirm-ok').click();
    await expect(page.getByTestId('browse-empty')).toBeVisible();
    await shot(page, '02-docs-empty');
    await page.getByTestId('browse-crumb-/').click();
    await expect(page.getByTestId('browse-row-notes.txt')).toBeVisible();

    // A phone-sized window: everything still reachable, nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect(page.getByTestId('browse-download-notes.txt')).toBeVisible();
    await expect(page.getByTestId('browse-delete-notes.txt')).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, '03-390px');
  });
});
