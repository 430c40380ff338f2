import { expect, test, type Page } from '@playwright/test';
import { agentAnswers, freePort, TestServer } from '@capstan/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// An agent environment added from the portal: the real agent (dist/apps/agent, classic mode, standalone on the
// local engine) as a child process on 127.0.0.1, added through the add-environment wizard ("Agent",
// tcp://127.0.0.1:PORT); an unreachable agent address first (the wizard's error, the form kept); then its card
// comes up as an agent environment and its containers list loads through the agent.
const SOCKET = '/var/run/docker.sock';
const IMAGE = 'capstan/busybox:local';
const AGENT_MAIN = join(__dirname, '../../../dist/apps/agent/main.js');
const shots = join(__dirname, '../../../tmp/test-results/browser-screenshots');
const ready = existsSync(SOCKET) && existsSync(AGENT_MAIN);
if (!ready && process.env['CI'] === 'true')
  throw new Error(`the agent test needs ${SOCKET} and the built agent (${AGENT_MAIN})`);

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(shots, `agent-${name}.png`), fullPage: true });
}

/** One Engine API call on the local socket (set-up and clean-up: not what is tested). */
function engine(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(
      {
        socketPath: SOCKET,
        method,
        path,
        headers: payload
          ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) }
          : {},
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

test.describe('an agent environment in the portal (the real agent, local engine)', () => {
  test.skip(!ready, `needs ${SOCKET} and the built agent (npx nx build agent)`);

  let server: TestServer;
  let agent: ChildProcess | undefined;
  let agentDir = '';
  let agentOutput = '';
  let port = 0;
  const password = `admin-${randomBytes(8).toString('hex')}`;
  const container = `capstan-e2e-agent-${randomBytes(3).toString('hex')}`;

  test.beforeAll(async () => {
    port = await freePort();
    agentDir = mkdtempSync(join(tmpdir(), 'capstan-agent-browser-'));
    agent = spawn(process.execPath, [AGENT_MAIN], {
      env: { PATH: process.env['PATH'] ?? '', AGENT_PORT: String(port), AGENT_HOST: '127.0.0.1' },
      cwd: agentDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    agent.stdout?.on('data', (d: Buffer) => (agentOutput += d.toString()));
    agent.stderr?.on('data', (d: Buffer) => (agentOutput += d.toString()));
    const until = Date.now() + 15_000;
    while (!(await agentAnswers(port))) {
      if (Date.now() > until || agent.exitCode !== null)
        throw new Error(`the agent did not answer on ${port}: ${agentOutput}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // A container on the engine the agent serves: the portal must list it through the agent.
    const created = await engine('POST', `/containers/create?name=${container}`, {
      Image: IMAGE,
      Cmd: ['sleep', '600'],
      Labels: { 'capstan.e2e': 'agent' },
      StopTimeout: 1,
    });
    expect(created.status, created.text).toBe(201);
    expect((await engine('POST', `/containers/${container}/start`)).status).toBe(204);

    const portalDir = process.env['CAPSTAN_PORTAL_DIR'];
    server = await TestServer.start(portalDir ? { env: { CAPSTAN_PORTAL_DIR: portalDir } } : {});
    const init = await server.request('POST', '/api/users/admin/init', {
      body: { username: 'admin', password },
    });
    expect(init.status, init.text).toBe(200);
  });

  test.afterAll(async () => {
    await engine('DELETE', `/containers/${container}?force=1`).catch(() => undefined);
    agent?.kill('SIGTERM');
    await server?.dispose();
    if (agentDir) rmSync(agentDir, { recursive: true, force: true });
  });

  test('wizard: an unreachable agent keeps the form; the real agent comes up as an agent environment and lists containers', async ({
    page,
  }) => {
    await page.goto(`${server.baseUrl}/login`);
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('nav-home')).toBeVisible();

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
    await page.getByTestId('env-nav-containers').click();
    await page.getByTestId('containers-search').fill(container);
    await expect(page.getByTestId(`state-${container}`)).toHaveText('running');
    await shot(page, '05-containers');
  });
});
