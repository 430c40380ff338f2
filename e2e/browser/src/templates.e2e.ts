import { expect, test } from '@playwright/test';
import type { TestServer } from '@capstan/testing';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';

import {
  SOCKET,
  addEnvironment,
  hasDocker,
  logIn,
  screenshots,
  startPortal,
  type Portal,
} from './support/portal';

// Templates in the portal on the real Docker engine (local socket): the app template gallery reads a v3 file served
// on loopback (the TemplatesURL setting; images are the machine's local busybox) and deploys a container template
// and a compose stack template with its env field; a custom template with a {{ variable }} is made in the editor
// and deployed with the variable filled in. The engine is asked each time what really runs.
if (!hasDocker && process.env['CI'] === 'true')
  throw new Error(`${SOCKET} is missing: run tools/setup/docker.sh`);

const shot = screenshots('templates-');
const suffix = randomBytes(3).toString('hex');
const CONTAINER = `e2e-tpl-box-${suffix}`;
const STACK = `e2e-tpl-stack-${suffix}`;
const CUSTOM_STACK = `e2e-ct-${suffix}`;
const CUSTOM_TITLE = `Greeter ${suffix}`;

const TEMPLATES = {
  version: '3',
  templates: [
    {
      type: 1,
      title: 'Busybox sleeper',
      description: 'A busybox container that sleeps',
      categories: ['tools'],
      platform: 'linux',
      image: 'capstan/busybox:local',
      command: 'sleep 600',
      env: [{ name: 'MOOD', label: 'Mood', default: 'calm' }],
      labels: [{ name: 'capstan.e2e', value: 'template' }],
      restart_policy: 'no',
    },
    {
      type: 3,
      title: 'Busybox stack',
      description: 'A compose stack of one busybox service',
      categories: ['tools', 'stacks'],
      platform: 'linux',
      env: [{ name: 'WHO', label: 'Who to greet', description: 'Required' }],
      stackFileContent:
        'services:\n  box:\n    image: capstan/busybox:local\n    command: ["sleep", "600"]\n    environment:\n      WHO: ${WHO}\n',
    },
    {
      type: 1,
      title: 'Web server',
      description: 'Another entry, to search through',
      categories: ['webserver'],
      platform: 'linux',
      image: 'nginx:stable',
    },
  ],
};

const CUSTOM_FILE = `services:
  greeter:
    image: capstan/busybox:local
    command: ["sleep", "600"]
    environment:
      GREETING: "{{ greeting }}"
`;

test.describe('Templates in the portal', () => {
  test.skip(!hasDocker, `no Docker engine at ${SOCKET} (run tools/setup/docker.sh)`);

  let portal: Portal;
  let server: TestServer;
  let files: Server;
  let token = '';
  let envId = 0;

  const engineGet = async <T>(path: string): Promise<T> =>
    (await server.request<T>('GET', `/api/endpoints/${envId}/docker${path}`, { token })).body;
  const containersOf = (label: string) =>
    engineGet<{ Id: string; State: string }[]>(
      `/containers/json?all=1&filters=${encodeURIComponent(JSON.stringify({ label: [label] }))}`,
    );
  const envOf = async (id: string) =>
    (await engineGet<{ Config: { Env: string[]; Labels: Record<string, string> } }>(`/containers/${id}/json`))
      .Config;

  test.beforeAll(async () => {
    files = createServer((req, res) => {
      if (req.url !== '/templates.json') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(TEMPLATES));
    });
    await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
    portal = await startPortal();
    ({ server, admin: token } = portal);
    envId = await addEnvironment(portal, `local-tpl-${suffix}`);
    const port = (files.address() as { port: number }).port;
    const set = await server.request('PUT', '/api/settings', {
      token,
      body: { TemplatesURL: `http://127.0.0.1:${port}/templates.json` },
    });
    expect(set.status, set.text).toBe(200);
  });

  test.afterAll(async () => {
    if (server && envId) {
      const list = await server.request<{ Id: number; Name: string }[]>(
        'GET',
        `/api/stacks?filters=${encodeURIComponent(JSON.stringify({ EndpointID: envId }))}`,
        { token },
      );
      for (const s of (list.body ?? []).filter((x) => [STACK, CUSTOM_STACK].includes(x.Name) && x.Id))
        await server.request('DELETE', `/api/stacks/${s.Id}?endpointId=${envId}`, { token });
      await server.request('DELETE', `/api/endpoints/${envId}/docker/containers/${CONTAINER}?force=1`, {
        token,
      });
    }
    await server?.dispose();
    await new Promise<void>((r) => (files ? files.close(() => r()) : r()));
  });

  test('gallery: search, categories, deploy a container template and a stack template', async ({ page }) => {
    test.setTimeout(180_000);
    await logIn(page, portal.baseUrl, 'admin', portal.adminPassword);
    await page.goto(`${server.baseUrl}/environments/${envId}/docker`);
    await page.getByTestId('env-nav-templates').click();
    await expect(page).toHaveURL(new RegExp(`/environments/${envId}/docker/templates$`));
    await expect(page.getByTestId('template-card-busybox-sleeper')).toBeVisible();
    await expect(page.getByTestId('template-card-web-server')).toBeVisible();
    await page.getByTestId('templates-category').selectOption('stacks');
    await expect(page.getByTestId('template-card-web-server')).toHaveCount(0);
    await expect(page.getByTestId('template-card-busybox-stack')).toBeVisible();
    await page.getByTestId('templates-category').selectOption('');
    await page.getByTestId('templates-search').fill('busybox');
    await expect(page.getByTestId('template-card-web-server')).toHaveCount(0);
    await shot(page, '01-gallery');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, '02-gallery-phone');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot(page, '03-gallery-phone-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1280, height: 900 });

    // A container template: name and env field, then the container's page; the engine runs it as asked.
    await page.getByTestId('template-deploy-busybox-sleeper').click();
    await expect(page.getByTestId('template-deploy-dialog')).toBeVisible();
    await expect(page.getByTestId('template-env-MOOD')).toHaveValue('calm');
    await page.getByTestId('template-name').fill(CONTAINER);
    await page.getByTestId('template-env-MOOD').fill('cheerful $ mood');
    await page.getByTestId('template-deploy-submit').click();
    await expect(page).toHaveURL(new RegExp(`/environments/${envId}/docker/containers/[0-9a-f]{64}$`), {
      timeout: 60_000,
    });
    const boxes = await containersOf('capstan.e2e=template');
    expect(boxes.map((c) => c.State)).toEqual(['running']);
    expect((await envOf(boxes[0].Id)).Env).toContain('MOOD=cheerful $ mood');

    // A compose stack template: its required field is asked for, then the stack deploys with it.
    await page.goto(`${server.baseUrl}/environments/${envId}/docker/templates`);
    await page.getByTestId('template-deploy-busybox-stack').click();
    await page.getByTestId('template-name').fill(STACK);
    await page.getByTestId('template-deploy-submit').click();
    await expect(page.getByTestId('template-deploy-dialog')).toContainText('Fill in: Who to greet.');
    await page.getByTestId('template-env-WHO').fill('world');
    await page.getByTestId('template-deploy-submit').click();
    await expect(page).toHaveURL(new RegExp(`/environments/${envId}/docker/stacks/\\d+$`), {
      timeout: 120_000,
    });
    await expect(page.getByTestId(`stack-member-state-${STACK}-box-1`)).toHaveText('running');
    const stackBoxes = await containersOf(`com.docker.compose.project=${STACK}`);
    expect(stackBoxes).toHaveLength(1);
    expect((await envOf(stackBoxes[0].Id)).Env).toContain('WHO=world');
    await shot(page, '04-stack-from-template');
  });

  test('custom template: made in the editor with a variable, deployed with the variable filled', async ({
    page,
  }) => {
    test.setTimeout(180_000);
    await logIn(page, portal.baseUrl, 'admin', portal.adminPassword);
    await page.goto(`${server.baseUrl}/environments/${envId}/docker/templates`);
    await page.getByTestId('templates-tab-custom').click();
    await expect(page).toHaveURL(new RegExp(`/docker/templates/custom$`));
    await page.getByTestId('custom-template-create').click();
    await page.getByTestId('ct-title').fill(CUSTOM_TITLE);
    await page.getByTestId('ct-description').fill('Says hello');
    const editor = page.getByTestId('ct-editor').locator('.cm-content');
    await editor.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(CUSTOM_FILE);
    // The example's variable becomes `greeting`, with choices and a default.
    await page.getByTestId('ct-var-name-0').fill('greeting');
    await page.getByTestId('ct-var-label-0').fill('Greeting');
    await page.getByTestId('ct-var-default-0').fill('hello');
    await page.getByTestId('ct-var-choices-0').fill('hello, good morning');
    await shot(page, '05-custom-edit');
    await page.getByTestId('ct-save').click();
    const slug = `greeter-${suffix}`;
    await expect(page.getByTestId(`custom-template-row-${slug}`)).toBeVisible();

    await page.getByTestId(`custom-template-deploy-${slug}`).click();
    await expect(page.getByTestId('ct-deploy-dialog')).toBeVisible();
    await page.getByTestId('ct-deploy-name').fill(CUSTOM_STACK);
    await page.getByTestId('ct-deploy-var-greeting').selectOption('good morning');
    await page.getByTestId('ct-deploy-preview-toggle').click();
    await expect(page.getByTestId('ct-deploy-preview')).toContainText('GREETING: "good morning"');
    await shot(page, '06-custom-deploy');
    await page.getByTestId('ct-deploy-submit').click();
    await expect(page).toHaveURL(new RegExp(`/environments/${envId}/docker/stacks/\\d+$`), {
      timeout: 120_000,
    });
    const greeters = await containersOf(`com.docker.compose.project=${CUSTOM_STACK}`);
    expect(greeters.map((c) => c.State)).toEqual(['running']);
    expect((await envOf(greeters[0].Id)).Env).toContain('GREETING=good morning');

    // The list on a phone: fits the width; dark mode too.
    await page.goto(`${server.baseUrl}/environments/${envId}/docker/templates/custom`);
    await page.setViewportSize({ width: 390, height: 844 });
    await expect(page.getByTestId(`custom-template-deploy-${slug}`)).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot(page, '07-custom-list-phone-dark');
  });
});
