import { expect, test } from '@playwright/test';
import { GitHttpServer, gitHttpBackendPath, type TestServer } from '@capstan/testing';
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

// A git stack made in the portal's Repository form from a real `git http-backend` on loopback with basic auth
// (libs/testing GitHttpServer): the stack's page shows the repository and the deployed commit; after a push, Pull
// and redeploy deploys the new commit (the engine's container carries its label); the webhook URL is shown to copy
// and a POST to it is accepted.
const ready = hasDocker && gitHttpBackendPath() !== undefined;
if (!ready && process.env['CI'] === 'true')
  throw new Error(
    `stacks-git.e2e needs ${SOCKET} and git http-backend (tools/setup/docker.sh, git-server.sh)`,
  );

const shot = screenshots('stacks-git-');
const compose = (rev: string) =>
  `services:\n  app:\n    image: capstan/busybox:local\n    command: ["sleep", "600"]\n    stop_grace_period: 1s\n    labels:\n      rev: "${rev}"\n`;

test.describe('Git stacks in the portal', () => {
  test.skip(!ready, `needs a Docker engine at ${SOCKET} and git http-backend (tools/setup/git-server.sh)`);

  let portal: Portal;
  let server: TestServer;
  let git: GitHttpServer;
  let token = '';
  let envId = 0;
  const name = `e2e-git-${randomBytes(3).toString('hex')}`;
  const creds = { username: 'deploy', password: `token-${randomBytes(4).toString('hex')}` };

  test.beforeAll(async () => {
    git = await GitHttpServer.start({ auth: creds });
    git.createRepo('app', { 'deploy/compose.yml': compose('one') });
    portal = await startPortal();
    ({ server, admin: token } = portal);
    envId = await addEnvironment(portal, `local-${name}`);
  });

  test.afterAll(async () => {
    if (server && envId) {
      const list = await server.request<{ Id: number; Name: string }[]>(
        'GET',
        `/api/stacks?filters=${encodeURIComponent(JSON.stringify({ EndpointID: envId }))}`,
        { token },
      );
      for (const s of (list.body ?? []).filter((x) => x.Name === name && x.Id))
        await server.request('DELETE', `/api/stacks/${s.Id}?endpointId=${envId}`, { token });
    }
    await server?.dispose();
    await git?.stop();
  });

  const revs = async () => {
    const filters = encodeURIComponent(JSON.stringify({ label: [`com.docker.compose.project=${name}`] }));
    const list = await server.request<{ State: string; Labels: Record<string, string> }[]>(
      'GET',
      `/api/endpoints/${envId}/docker/containers/json?filters=${filters}`,
      { token },
    );
    return list.body.map((c) => `${c.Labels['rev']}:${c.State}`);
  };

  test('repository form with credentials and a webhook; pull and redeploy after a push', async ({ page }) => {
    test.setTimeout(180_000);
    await logIn(page, portal.baseUrl, 'admin', portal.adminPassword);
    await page.goto(`${server.baseUrl}/environments/${envId}/docker/stacks/new`);
    await page.getByTestId('stack-name').fill(name);
    // The source switch: radios inside their labels (the label is what a user clicks).
    await page.locator('label', { has: page.getByTestId('stack-source-git') }).click();
    await expect(page.getByTestId('stack-source-git')).toBeChecked();
    await page.getByTestId('stack-git-url').fill(git.url('app'));
    await page.getByTestId('stack-git-compose').fill('deploy/compose.yml');
    await page.getByTestId('stack-git-auth').check();
    await page.getByTestId('stack-git-username').fill(creds.username);
    await page.getByTestId('stack-git-token').fill(creds.password);
    await page.getByTestId('stack-git-auto').check();
    await page.getByTestId('stack-git-mechanism-webhook').check();
    const hook = (await page.getByTestId('stack-git-webhook-url').textContent()) ?? '';
    expect(hook).toMatch(new RegExp(`^${server.baseUrl}/api/stacks/webhooks/[0-9a-f-]{36}$`));
    await shot(page, '01-form');
    await page.getByTestId('stack-deploy').click();
    await expect(page).toHaveURL(new RegExp(`/environments/${envId}/docker/stacks/\\d+$`), {
      timeout: 120_000,
    });
    expect(await revs()).toEqual(['one:running']);

    // The stack's page: repository, reference, deployed commit, the webhook URL as given in the form.
    await expect(page.getByTestId('stack-git-url')).toHaveText(git.url('app'));
    const first = (await page.getByTestId('stack-git-commit').textContent())?.trim() ?? '';
    expect(first).toMatch(/^[0-9a-f]{12}$/);
    await expect(page.getByTestId('stack-webhook-url')).toHaveText(hook);
    // The file comes from git: read-only here, no Update.
    await expect(page.getByTestId('stack-update')).toHaveCount(0);
    await shot(page, '02-details');

    // A push, then Pull and redeploy: the new commit runs.
    const second = git.commit('app', { 'deploy/compose.yml': compose('two') });
    await page.getByTestId('stack-git-redeploy').click();
    await expect(
      page.getByTestId('toast-success').filter({ hasText: `Stack ${name} pulled and redeployed` }),
    ).toBeVisible({ timeout: 120_000 });
    await expect(page.getByTestId('stack-git-commit')).toHaveText(second.slice(0, 12));
    expect(await revs()).toEqual(['two:running']);

    // The webhook URL shown is the public route (no session): a push and a call redeploy again.
    git.commit('app', { 'deploy/compose.yml': compose('three') });
    const called = await fetch(hook, { method: 'POST' });
    expect(called.status).toBeLessThan(300);
    await expect.poll(revs, { timeout: 60_000 }).toEqual(['three:running']);

    // The list marks it as a git stack.
    await page.getByRole('link', { name: 'All stacks' }).click();
    await expect(page.getByTestId(`stack-git-${name}`)).toHaveText('Git');
    await page.goBack();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await expect(page.getByTestId('stack-git-redeploy')).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot(page, '03-details-phone-dark');
  });
});
