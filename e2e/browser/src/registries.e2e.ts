import { expect, test } from '@playwright/test';
import type { TestServer } from '@capstan/testing';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';

import {
  SOCKET,
  addEnvironment,
  hasDocker,
  logIn,
  screenshots,
  startPortal,
  testRegistry,
  type Portal,
} from './support/portal';

// Registries in the portal on the real engine and the htpasswd registry of tools/setup/registry.sh: add one
// (test connection logs in for real), browse its tags and manifest, and pull a private image from the pull
// dialog with the stored registry — the browser never sees the password.
const REGISTRY_ENV = '/tmp/capstan-registry.env';
if ((!hasDocker || !existsSync(REGISTRY_ENV)) && process.env['CI'] === 'true')
  throw new Error(`${SOCKET} or ${REGISTRY_ENV} is missing: run tools/setup/docker.sh and registry.sh`);

const shot = screenshots('registries-');
const reg = testRegistry();

test.describe('registries in the portal', () => {
  test.skip(
    !hasDocker || !reg,
    `no Docker engine at ${SOCKET} or no test registry (tools/setup/registry.sh)`,
  );

  let portal: Portal;
  let server: TestServer;
  let token = '';
  let envId = 0;
  const tag = `t${randomBytes(3).toString('hex')}`;
  // One repository per run: the tags table pages at 10 rows, and earlier runs' tags stay in the registry.
  const repo = `capstan/portal-registries-${tag}`;
  const r = () => reg as NonNullable<typeof reg>;
  const ref = () => `${r().address}/${repo}:${tag}`;
  const docker = (path: string) => `/api/endpoints/${envId}/docker${path}`;
  const loginHeader = () =>
    Buffer.from(
      JSON.stringify({ username: r().user, password: r().password, serveraddress: r().address }),
    ).toString('base64');

  test.beforeAll(async () => {
    portal = await startPortal();
    ({ server, admin: token } = portal);
    envId = await addEnvironment(portal, `local-${tag}`);
    // A private image under a fresh tag in the registry, and not on the engine.
    const tagged = await server.request(
      'POST',
      docker(
        `/images/capstan%2Fbusybox:local/tag?repo=${encodeURIComponent(`${r().address}/${repo}`)}&tag=${tag}`,
      ),
      { token },
    );
    expect(tagged.status, tagged.text).toBe(201);
    const pushed = await fetch(
      `${server.baseUrl}${docker(`/images/${encodeURIComponent(`${r().address}/${repo}`)}/push?tag=${tag}`)}`,
      { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'X-Registry-Auth': loginHeader() } },
    );
    const pushText = await pushed.text();
    expect(pushed.status, pushText).toBe(200);
    expect(pushText).not.toMatch(/"error"/);
    const removed = await server.request('DELETE', docker(`/images/${encodeURIComponent(ref())}`), { token });
    expect(removed.status, removed.text).toBe(200);
  });

  test.afterAll(async () => {
    if (server && envId)
      await server.request('DELETE', docker(`/images/${encodeURIComponent(ref())}?force=1`), { token });
    await portal?.server.dispose();
  });

  test('add a registry, browse its tags, pull a private image with it', async ({ page }) => {
    const name = `reg-${tag}`;
    await logIn(page, portal.baseUrl, 'admin', portal.adminPassword);
    await page.getByTestId('nav-registries').click();
    await expect(page).toHaveURL(/\/admin\/registries$/);
    await page.getByTestId('registry-create').click();

    await page.getByTestId('registry-type').selectOption('3');
    await page.getByTestId('registry-name').fill(name);
    await page.getByTestId('registry-url').fill(r().address);
    await page.getByTestId('registry-authentication').check();
    await page.getByTestId('registry-username').fill(r().user);
    // A wrong password first: the test connection says what the registry answered.
    await page.getByTestId('registry-password').fill('not-the-password');
    await page.getByTestId('registry-test').click();
    await expect(page.getByTestId('registry-ping-result')).toContainText(/401|unauthorized/i);
    await page.getByTestId('registry-password').fill(r().password);
    await page.getByTestId('registry-test').click();
    await expect(page.getByTestId('registry-ping-result')).toContainText('Connected');
    await shot(page, '01-form');
    await page.getByTestId('registry-save').click();
    await expect(page.getByTestId(`registry-row-${name}`)).toBeVisible();
    await expect(page.getByTestId(`registry-row-${name}`)).toContainText(r().address);
    await shot(page, '02-list');

    // Browse: repositories → tags (digest, size) → manifest.
    await page.getByTestId(`registry-browse-${name}`).click();
    await page.getByTestId(`registry-repo-${repo}`).click();
    const row = page.getByTestId(`tag-row-${tag}`);
    await expect(row).toBeVisible();
    await expect(row).toContainText('sha256:');
    await page.getByTestId(`tag-manifest-${tag}`).click();
    await expect(page.getByTestId('manifest-json')).toContainText('"schemaVersion": 2');
    await shot(page, '03-manifest');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('manifest-dialog')).toHaveCount(0);

    // Pull through the dialog with the stored registry: picked from the reference's host.
    await page.goto(`${portal.baseUrl}/environments/${envId}/docker/images`);
    await page.getByTestId('image-pull').click();
    await page.getByTestId('image-pull-reference').fill(ref());
    await expect(page.getByTestId('image-pull-registry').locator('option:checked')).toContainText(name);
    await expect(page.getByTestId('image-pull-login')).toHaveCount(0);
    const requests: string[] = [];
    page.on('request', (req) => {
      const auth = req.headers()['x-registry-auth'];
      if (auth) requests.push(Buffer.from(auth, 'base64').toString('utf8'));
    });
    await page.getByTestId('image-pull-submit').click();
    await expect(page.getByTestId('image-pull-done')).toContainText(`Downloaded newer image for ${ref()}`);
    // The browser sent only the registry's id, never its password.
    expect(requests.length).toBeGreaterThan(0);
    for (const sent of requests) {
      expect(JSON.parse(sent)).toEqual({ registryId: expect.any(Number) });
      expect(sent).not.toContain(r().password);
    }
    await shot(page, '04-pulled');
    // The images list names the registry the image came from.
    await page.keyboard.press('Escape');
    await expect(page.locator('[data-testid^="image-registry-"]', { hasText: `from ${name}` })).toBeVisible();
  });

  test('the registries list at 390 px', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await logIn(page, portal.baseUrl, 'admin', portal.adminPassword);
    await page.goto(`${portal.baseUrl}/admin/registries`);
    await expect(page.getByTestId(`registry-row-reg-${tag}`)).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, '05-phone');
  });
});
