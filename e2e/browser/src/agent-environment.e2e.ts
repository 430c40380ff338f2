import { expect, test } from '@playwright/test';
import { freePort } from '@capstan/testing';
import { randomBytes } from 'node:crypto';

import {
  AGENT_MAIN,
  SOCKET,
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

// An agent environment added from the portal: the real agent (dist/apps/agent, classic mode, standalone on the
// local engine) as a child process on 127.0.0.1, added through the add-environment wizard ("Agent",
// tcp://127.0.0.1:PORT); an unreachable agent address first (the wizard's error, the form kept); then its card
// comes up as an agent environment and its containers list loads through the agent.
const IMAGE = 'capstan/busybox:local';
const ready = hasDocker && hasBuiltAgent;
if (!ready && process.env['CI'] === 'true')
  throw new Error(`the agent test needs ${SOCKET} and the built agent (${AGENT_MAIN})`);
const shot = screenshots('agent-');

test.describe('an agent environment in the portal (the real agent, local engine)', () => {
  test.skip(!ready, `needs ${SOCKET} and the built agent (npx nx build agent)`);

  let portal: Portal;
  let agent: RunningAgent | undefined;
  let port = 0;
  const container = `capstan-e2e-agent-${randomBytes(3).toString('hex')}`;

  test.beforeAll(async () => {
    agent = await startAgent();
    port = agent.port;
    // A container on the engine the agent serves: the portal must list it through the agent.
    const created = await engine('POST', `/containers/create?name=${container}`, {
      Image: IMAGE,
      Cmd: ['sleep', '600'],
      Labels: { 'capstan.e2e': 'agent' },
      StopTimeout: 1,
    });
    expect(created.status, created.text).toBe(201);
    expect((await engine('POST', `/containers/${container}/start`)).status).toBe(204);

    portal = await startPortal();
  });

  test.afterAll(async () => {
    await engine('DELETE', `/containers/${container}?force=1`).catch(() => undefined);
    await agent?.stop();
    await portal?.server.dispose();
  });

  test('wizard: an unreachable agent keeps the form; the real agent comes up as an agent environment and lists containers', async ({
    page,
  }) => {
    await logIn(page, portal.baseUrl, 'admin', portal.adminPassword);

    await page.getByTestId('nav-environments').click();
    await page.getByTestId('env-add').click();
    await page.getByTestId('wizard-type-agent').check();
    await shot(page, '01-wizard-kind');
    await page.getByTestId('wizard-next').click();
    // No TLS fields for an agent: it is always HTTPS with signed requests.
    await expect(page.getByTestId('wizard-tls')).toHaveCount(0);

    // Nothing listens there: the server's reason, the form as it was.
    const nowhere = `tcp://127.0.0.1:${await freePort()}`;
    await page.getByTestId('wizard-name').fill('agent');
    await page.getByTestId('wizard-url').fill(nowhere);
    await page.getByTestId('wizard-submit').click();
    const error = page.getByTestId('alert-error');
    await expect(error).toContainText('Unable to reach the agent');
    await expect(page.getByTestId('wizard-name')).toHaveValue('agent');
    await expect(page.getByTestId('wizard-url')).toHaveValue(nowhere);
    await shot(page, '02-wizard-unreachable');

    // The real agent.
    await page.getByTestId('wizard-url').fill(`tcp://127.0.0.1:${port}`);
    await page.getByTestId('wizard-submit').click();
    await expect(page.getByTestId('env-admin-row-agent')).toContainText('Up');
    await expect(page.getByTestId('env-admin-row-agent')).toContainText('agent');
    await expect(page.getByTestId('nav-environments')).toHaveAttribute('aria-current', 'page');
    await shot(page, '03-environments');

    // Its card on the home page: up, an agent environment, with the engine's figures from the first snapshot.
    await page.getByTestId('nav-home').click();
    const card = page.getByTestId('env-card-agent');
    await expect(page.getByTestId('env-status-agent')).toHaveText('Up');
    await expect(card).toContainText('Docker · agent');
    await expect(card).toContainText(`tcp://127.0.0.1:${port}`);
    await expect(page.getByTestId('env-counts-agent')).toContainText('Containers');
    await shot(page, '04-home-card');

    // Open it: the containers list is read through the agent.
    await card.click();
    await expect(page).toHaveURL(/\/environments\/\d+\/docker/);
    await expect(page.getByTestId('env-name')).toHaveText('agent');
    // Inside the environment the sidebar marks Home, where it was opened from, not the environments' administration.
    await expect(page.getByTestId('nav-home')).toHaveAttribute('aria-current', 'page');
    await expect(page.getByTestId('nav-environments')).not.toHaveAttribute('aria-current', 'page');
    await page.getByTestId('env-nav-containers').click();
    await page.getByTestId('containers-search').fill(container);
    await expect(page.getByTestId(`state-${container}`)).toHaveText('running');
    await shot(page, '05-containers');
  });
});
