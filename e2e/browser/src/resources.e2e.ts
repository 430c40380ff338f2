import { expect, test, type Page } from '@playwright/test';
import type { TestServer } from '@capstan/testing';
import { randomBytes } from 'node:crypto';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

import {
  RESULTS_DIR,
  SOCKET,
  addEnvironment,
  hasDocker,
  logIn,
  screenshots,
  startPortal,
  testRegistry,
  type Portal,
} from './support/portal';

// Images, volumes and networks pages on the real Docker engine (local socket), through Capstan's proxy.
const IMAGE = 'capstan/busybox:local';
if (!hasDocker && process.env['CI'] === 'true')
  throw new Error(`${SOCKET} is missing: run tools/setup/docker.sh`);

const shot = screenshots();

const suffix = () => randomBytes(3).toString('hex');

test.describe('Docker resources in the portal', () => {
  test.skip(!hasDocker, `no Docker engine at ${SOCKET} (run tools/setup/docker.sh)`);

  let portal: Portal;
  let server: TestServer;
  /** The administrator's JWT. */
  let token = '';
  let envId = 0;
  const volume = `capstan-e2e-vol-${suffix()}`;
  /** The volume the phone test shows (the engine may have no other). */
  const phoneVolume = `capstan-e2e-phone-${suffix()}`;
  const network = `capstan-e2e-net-${suffix()}`;
  // A /24 in 10.231.0.0/16 that no other test network uses (the engine refuses overlaps).
  const subnet = `10.231.${Math.floor(Math.random() * 250) + 1}.0/24`;

  const docker = (path: string) => `/api/endpoints/${envId}/docker${path}`;
  /** Containers a test made, removed after the file. */
  const containers: string[] = [];

  test.beforeAll(async () => {
    portal = await startPortal();
    ({ server, admin: token } = portal);
    envId = await addEnvironment(portal, `local-${suffix()}`);
  });

  test.afterAll(async () => {
    // Whatever a failed step left behind.
    if (server && envId) {
      for (const id of containers)
        await server.request('DELETE', docker(`/containers/${id}?force=1`), { token });
      await server.request('DELETE', docker(`/volumes/${volume}`), { token });
      await server.request('DELETE', docker(`/volumes/${phoneVolume}`), { token });
      await server.request('DELETE', docker(`/networks/${network}`), { token });
      const reg = testRegistry();
      if (reg)
        await server.request(
          'DELETE',
          docker(`/images/${encodeURIComponent(`${reg.address}/capstan/portal-e2e:pull`)}?force=1`),
          {
            token,
          },
        );
    }
    await server?.dispose();
  });

  const login = (page: Page) => logIn(page, portal.baseUrl, 'admin', portal.adminPassword);

  test('volume with a driver option: create, see, remove', async ({ page }) => {
    await login(page);
    await page.goto(`${server.baseUrl}/environments/${envId}/docker/volumes`);
    await page.getByTestId('volume-create').click();
    await page.getByTestId('volume-name').fill(volume);
    await page.getByTestId('volume-opt-add').click();
    await page.getByTestId('volume-opt-key-0').fill('type');
    await page.getByTestId('volume-opt-value-0').fill('tmpfs');
    await page.getByTestId('volume-opt-add').click();
    await page.getByTestId('volume-opt-key-1').fill('device');
    await page.getByTestId('volume-opt-value-1').fill('tmpfs');
    await page.getByTestId('volume-label-add').click();
    await page.getByTestId('volume-label-key-0').fill('capstan.e2e');
    await page.getByTestId('volume-label-value-0').fill('resources');
    await shot(page, 'resources-01-volume-create');
    await page.getByTestId('volume-save').click();
    // The shared engine may hold more volumes than one page: narrow the list to ours.
    await page.getByTestId('volume-search').fill(volume);
    await expect(page.getByTestId(`volume-row-${volume}`)).toBeVisible();
    await expect(page.getByTestId(`volume-unused-${volume}`)).toBeVisible();

    // The engine got the driver options.
    const inspect = await server.request<{ Options: Record<string, string>; Labels: Record<string, string> }>(
      'GET',
      docker(`/volumes/${volume}`),
      { token },
    );
    expect(inspect.status).toBe(200);
    expect(inspect.body.Options).toEqual({ type: 'tmpfs', device: 'tmpfs' });
    expect(inspect.body.Labels['capstan.e2e']).toBe('resources');

    // Detail page shows them too.
    await page.getByTestId(`volume-link-${volume}`).click();
    await expect(page.getByTestId('volume-options')).toContainText('type=tmpfs');
    await shot(page, 'resources-02-volume-detail');
    await page.getByTestId('volume-back').click();
    await page.getByTestId('volume-search').fill(volume);

    await page.getByTestId(`volume-remove-${volume}`).click();
    await page.getByTestId('confirm-ok').click();
    await expect(page.getByTestId(`volume-row-${volume}`)).toHaveCount(0);
    await expect(
      page.getByTestId('toast-success').filter({ hasText: `Volume ${volume} removed` }),
    ).toBeVisible();
    await shot(page, 'resources-03-volume-removed');
    expect((await server.request('GET', docker(`/volumes/${volume}`), { token })).status).toBe(404);
  });

  test('network with a subnet: create, see, remove; system networks are marked', async ({ page }) => {
    await login(page);
    await page.goto(`${server.baseUrl}/environments/${envId}/docker/networks`);
    await page.getByTestId('network-search').fill('bridge');
    await expect(page.getByTestId('network-system-bridge')).toBeVisible();
    await expect(page.getByTestId('network-remove-bridge')).toHaveCount(0);
    await page.getByTestId('network-create').click();
    await page.getByTestId('network-name').fill(network);
    await page.getByTestId('network-subnet').fill(subnet);
    await page.getByTestId('network-gateway').fill(subnet.replace(/0\/24$/, '1'));
    await page.getByTestId('network-attachable').check();
    await shot(page, 'resources-04-network-create');
    await page.getByTestId('network-save').click();
    await page.getByTestId('network-search').fill(network);
    await expect(page.getByTestId(`network-row-${network}`)).toContainText(subnet);

    // Connect a running container with a fixed address, see it attached, disconnect it.
    const box = `capstan-e2e-box-${suffix()}`;
    const made = await server.request<{ Id: string }>('POST', docker(`/containers/create?name=${box}`), {
      token,
      body: { Image: IMAGE, Cmd: ['sleep', '300'] },
    });
    expect(made.status, made.text).toBe(201);
    containers.push(made.body.Id);
    expect(
      (await server.request('POST', docker(`/containers/${made.body.Id}/start`), { token })).status,
    ).toBe(204);
    const address = subnet.replace(/0\/24$/, '50');

    await page.getByTestId(`network-link-${network}`).click();
    await expect(page.getByTestId('network-subnet-value')).toHaveText(subnet);
    await page.getByTestId('network-connect-container').selectOption(made.body.Id);
    await page.getByTestId('network-connect-ipv4').fill(address);
    await page.getByTestId('network-connect-submit').click();
    await expect(page.getByTestId(`network-container-${box}`)).toContainText(`${address}/24`);
    await shot(page, 'resources-05-network-detail');
    await page.getByTestId(`network-disconnect-${box}`).click();
    await page.getByTestId('confirm-ok').click();
    await expect(page.getByTestId(`network-container-${box}`)).toHaveCount(0);
    await page.getByTestId('network-back').click();
    await page.getByTestId('network-search').fill(network);

    await page.getByTestId(`network-remove-${network}`).click();
    await page.getByTestId('confirm-ok').click();
    await expect(page.getByTestId(`network-row-${network}`)).toHaveCount(0);
    await shot(page, 'resources-06-network-removed');
    expect((await server.request('GET', docker(`/networks/${network}`), { token })).status).toBe(404);
  });

  test(`images list marks ${IMAGE} in use or unused, as the engine says`, async ({ page }) => {
    const images = await server.request<{ Id: string; RepoTags: string[] | null }[]>(
      'GET',
      docker('/images/json'),
      {
        token,
      },
    );
    const image = images.body.find((i) => i.RepoTags?.includes(IMAGE));
    expect(image, `${IMAGE} must exist (tools/setup/images.sh)`).toBeDefined();
    const containers = await server.request<{ ImageID: string }[]>('GET', docker('/containers/json?all=1'), {
      token,
    });
    const used = containers.body.some((c) => c.ImageID === image?.Id);
    const label = image?.RepoTags?.[0] ?? IMAGE;

    await login(page);
    await page.goto(`${server.baseUrl}/environments/${envId}/docker/images`);
    await page.getByTestId('image-search').fill('capstan/busybox');
    await expect(page.getByTestId(`image-usage-${label}`)).toHaveText(used ? 'In use' : 'Unused');
    await shot(page, 'resources-07-images');

    // Export downloads the tar through the proxy; importing it back loads the same image.
    const download = page.waitForEvent('download');
    await page.getByTestId(`image-export-${label}`).click();
    const tar = join(RESULTS_DIR, `export-${suffix()}.tar`);
    await (await download).saveAs(tar);
    expect(statSync(tar).size).toBeGreaterThan(100_000);
    await page.getByTestId('image-import').click();
    await page.getByTestId('image-import-file').setInputFiles(tar);
    await page.getByTestId('image-import-submit').click();
    await expect(page.getByTestId('image-import-result').first()).toContainText(`Loaded image: ${label}`);
    await shot(page, 'resources-07b-image-import');
    rmSync(tar, { force: true });
    await page.getByRole('button', { name: 'Close' }).click();

    await page.getByTestId(`image-link-${label}`).click();
    await expect(page.getByTestId('image-layer-1')).toBeVisible();
    await shot(page, 'resources-08-image-detail');
  });

  test('pull from the local registry with live progress, then an error from the stream', async ({ page }) => {
    const reg = testRegistry();
    test.skip(!reg && process.env['CI'] !== 'true', 'tools/setup/registry.sh did not run');
    if (!reg) throw new Error('tools/setup/registry.sh did not run');
    // An image whose top layer exists only in the registry: commit a one-file change on the base image, push
    // it, remove it here. The pull then downloads and extracts that layer (the base layer already exists).
    const repo = `${reg.address}/capstan/portal-e2e`;
    const ref = `${repo}:pull`;
    const auth = Buffer.from(
      JSON.stringify({ username: reg.user, password: reg.password, serveraddress: reg.address }),
    )
      .toString('base64')
      .replace(/\+/g, '-')
      .replace(/\//g, '_');
    const made = await server.request<{ Id: string }>('POST', docker('/containers/create'), {
      token,
      body: { Image: IMAGE, Cmd: ['sh', '-c', `echo ${suffix()} > /hello`] },
    });
    expect(made.status, made.text).toBe(201);
    expect(
      (await server.request('POST', docker(`/containers/${made.body.Id}/start`), { token })).status,
    ).toBe(204);
    expect((await server.request('POST', docker(`/containers/${made.body.Id}/wait`), { token })).status).toBe(
      200,
    );
    const commit = await server.request(
      'POST',
      docker(`/commit?container=${made.body.Id}&repo=${repo}&tag=pull`),
      {
        token,
      },
    );
    expect(commit.status, commit.text).toBe(201);
    await server.request('DELETE', docker(`/containers/${made.body.Id}`), { token });
    // The push answers JSON lines: read it as text.
    const push = await fetch(
      `${server.baseUrl}${docker(`/images/${encodeURIComponent(repo)}/push?tag=pull`)}`,
      {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'X-Registry-Auth': auth },
      },
    );
    const pushed = await push.text();
    expect(push.status, pushed).toBe(200);
    expect(pushed).not.toContain('"error"');
    const removed = await server.request('DELETE', docker(`/images/${encodeURIComponent(ref)}`), { token });
    expect(removed.status, removed.text).toBe(200);

    await login(page);
    await page.goto(`${server.baseUrl}/environments/${envId}/docker/images`);
    await page.getByTestId('image-pull').click();
    await page.getByTestId('image-pull-reference').fill(ref);
    await page.getByTestId('image-pull-login').check();
    await page.getByTestId('image-pull-username').fill(reg.user);
    await page.getByTestId('image-pull-password').fill(reg.password);
    await page.getByTestId('image-pull-submit').click();
    await expect(page.getByTestId('image-pull-done')).toContainText(`Downloaded newer image for ${ref}`);
    // One bar per layer: the new one went through download and extraction, the base one already existed.
    await expect(page.locator('[data-testid^="pull-layer-"]')).toHaveCount(2);
    await expect(page.locator('[data-testid^="pull-layer-"]', { hasText: 'Pull complete' })).toHaveCount(1);
    await expect(page.locator('[data-testid^="pull-layer-"]', { hasText: 'Already exists' })).toHaveCount(1);
    await shot(page, 'resources-09-image-pull');
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByTestId('image-search').fill('portal-e2e');
    await expect(page.getByTestId(`image-usage-${ref}`)).toHaveText('Unused');

    // A tag the registry does not have: the engine's error is shown, not a success.
    await page.getByTestId('image-pull').click();
    await page.getByTestId('image-pull-reference').fill(`${reg.address}/capstan/busybox:no-such-tag`);
    await page.getByTestId('image-pull-login').check();
    await page.getByTestId('image-pull-username').fill(reg.user);
    await page.getByTestId('image-pull-password').fill(reg.password);
    await page.getByTestId('image-pull-submit').click();
    await expect(
      page
        .getByTestId('image-pull-dialog')
        .getByTestId('alert-error')
        .or(page.getByTestId('image-pull-error')),
    ).toContainText(/not found|unknown/i);
    await expect(page.getByTestId('image-pull-done')).toHaveCount(0);
    await shot(page, 'resources-10-image-pull-error');
  });

  test('events arrive live over the WebSocket; the engine page reads /info and /version', async ({
    page,
  }) => {
    await login(page);
    await page.goto(`${server.baseUrl}/environments/${envId}/docker/events`);
    await expect(page.getByTestId('events-source')).toHaveText('Live');
    const name = `capstan-e2e-evt-${suffix()}`;
    expect(
      (await server.request('POST', docker('/volumes/create'), { token, body: { Name: name } })).status,
    ).toBe(201);
    await expect(page.locator('[data-testid="event-volume-create"]', { hasText: name })).toBeVisible();
    await page.getByTestId('events-pause').click();
    expect((await server.request('DELETE', docker(`/volumes/${name}`), { token })).status).toBe(204);
    // The shared engine may be busy with other work: at least this event is held back.
    await expect(page.getByTestId('events-pause')).toContainText(/\d+ new/);
    await expect(page.locator('[data-testid="event-volume-destroy"]', { hasText: name })).toHaveCount(0);
    await page.getByTestId('events-pause').click();
    await expect(page.locator('[data-testid="event-volume-destroy"]', { hasText: name })).toBeVisible();
    await shot(page, 'resources-12-events');

    await page.goto(`${server.baseUrl}/environments/${envId}/docker/engine`);
    await expect(page.getByTestId('engine-engine-api-version')).toHaveText(/^1\.\d+$/);
    await expect(page.getByTestId('engine-swarm-state')).toBeVisible();
    await shot(page, 'resources-13-engine');
  });

  test('images page on a phone in dark mode', async ({ browser }) => {
    // The volumes page below must show a row: a fresh engine has no volume, so this test makes its own.
    const made = await server.request('POST', docker('/volumes/create'), {
      token,
      body: { Name: phoneVolume },
    });
    expect(made.status, made.text).toBe(201);
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
    const page = await context.newPage();
    await login(page);
    await page.goto(`${server.baseUrl}/environments/${envId}/docker/images`);
    await expect(page.getByTestId('image-search')).toBeVisible();
    await expect(page.locator('[data-testid^="image-row-"]').first()).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, 'resources-11-images-phone-dark');
    const ready = {
      volumes: 'volume-search',
      networks: 'network-search',
      events: 'events-source',
      engine: 'engine-engine',
    };
    for (const [section, testId] of Object.entries(ready)) {
      await page.goto(`${server.baseUrl}/environments/${envId}/docker/${section}`);
      await expect(page.getByTestId(testId)).toBeVisible();
      if (section === 'volumes' || section === 'networks')
        await expect(page.locator(`[data-testid^="${section.slice(0, -1)}-row-"]`).first()).toBeVisible();
      const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(wide, `${section} overflows a 390 px screen`).toBeLessThanOrEqual(0);
      await shot(page, `resources-11-${section}-phone-dark`);
    }
    await context.close();
    expect((await server.request('DELETE', docker(`/volumes/${phoneVolume}`), { token })).status).toBe(204);
  });
});
