/**
 * What the browser tests share: the built server with its administrator, logging in on the portal's login page,
 * environments added through the API, the built agent as a child process, Engine API calls on the local socket
 * (set-up and clean-up), and screenshots under tmp/test-results/browser-screenshots.
 */
import { expect, type Page } from '@playwright/test';
import { agentAnswers, freePort, TestServer } from '@capstan/testing';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../../..');
/** tmp/test-results: where the test runs leave their files. */
export const RESULTS_DIR = join(ROOT, 'tmp/test-results');
const SHOTS = join(RESULTS_DIR, 'browser-screenshots');
export const SOCKET = '/var/run/docker.sock';
/** The built agent (`npx nx build agent`). */
export const AGENT_DIR = join(ROOT, 'dist/apps/agent');
export const AGENT_MAIN = join(AGENT_DIR, 'main.js');
export const hasDocker = existsSync(SOCKET);
export const hasBuiltAgent = existsSync(AGENT_MAIN);

/** `shot(page, name)` saves `<prefix><name>.png`, the whole page unless `fullPage` is false. */
export function screenshots(prefix = ''): (page: Page, name: string, fullPage?: boolean) => Promise<void> {
  return async (page, name, fullPage = true) => {
    await page.screenshot({ path: join(SHOTS, `${prefix}${name}.png`), fullPage });
  };
}

export interface Portal {
  readonly server: TestServer;
  readonly baseUrl: string;
  readonly adminPassword: string;
  /** The administrator's JWT. */
  readonly admin: string;
}

/**
 * The built server with a fresh data dir, serving the portal of CAPSTAN_PORTAL_DIR when given (a portal built
 * elsewhere) instead of dist/apps/portal; no administrator yet (the first-run page).
 */
export function startServer(): Promise<TestServer> {
  const portalDir = process.env['CAPSTAN_PORTAL_DIR'];
  return TestServer.start(portalDir ? { env: { CAPSTAN_PORTAL_DIR: portalDir } } : {});
}

/** `startServer()` with its administrator `admin` created, with a random password, and logged in. */
export async function startPortal(): Promise<Portal> {
  const server = await startServer();
  try {
    const adminPassword = `admin-${randomBytes(8).toString('hex')}`;
    const init = await server.request('POST', '/api/users/admin/init', {
      body: { username: 'admin', password: adminPassword },
    });
    expect(init.status, init.text).toBe(200);
    const admin = await apiLogin(server, 'admin', adminPassword);
    return { server, baseUrl: server.baseUrl, adminPassword, admin };
  } catch (error) {
    await server.dispose();
    throw error;
  }
}

/** A user's JWT from POST /api/auth. */
export async function apiLogin(server: TestServer, username: string, password: string): Promise<string> {
  const auth = await server.request<{ jwt: string }>('POST', '/api/auth', { body: { username, password } });
  expect(auth.status, auth.text).toBe(200);
  return auth.body.jwt;
}

/**
 * Adds an environment as the administrator, through the API (multipart, as the portal's wizard sends it): the
 * local engine's socket, or with `agentUrl` (`host:port`) an agent. Returns its id.
 */
export async function addEnvironment(portal: Portal, name: string, agentUrl?: string): Promise<number> {
  const form = new FormData();
  form.append('Name', name);
  form.append('EndpointCreationType', agentUrl ? '2' : '1');
  if (agentUrl) form.append('URL', agentUrl);
  const created = await fetch(`${portal.baseUrl}/api/endpoints`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${portal.admin}` },
    body: form,
  });
  const text = await created.text();
  expect(created.status, text).toBe(200);
  return (JSON.parse(text) as { Id: number }).Id;
}

/**
 * Logs in on the portal's login page; done when the shell's user menu shows (it does at every width, where the
 * sidebar hides behind the menu button on a phone).
 */
export async function logIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('user-menu')).toBeVisible();
}

export interface RunningAgent {
  readonly port: number;
  /** What it printed so far. */
  output(): string;
  /** SIGTERM, then its working directory goes. */
  stop(): Promise<void>;
}

/** The built agent in classic mode on the local engine, on a free loopback port, once it answers its ping. */
export async function startAgent(env: Record<string, string> = {}): Promise<RunningAgent> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'capstan-agent-browser-'));
  const proc = spawn(process.execPath, [AGENT_MAIN], {
    env: { PATH: process.env['PATH'] ?? '', AGENT_PORT: String(port), AGENT_HOST: '127.0.0.1', ...env },
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout.on('data', (d: Buffer) => (output += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const until = Date.now() + 15_000;
  while (!(await agentAnswers(port))) {
    if (Date.now() > until || proc.exitCode !== null) {
      await stop();
      throw new Error(`the agent did not answer on ${port}: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { port, output: () => output, stop };
}

/** One Engine API call on the local socket (set-up and clean-up: not what is tested). */
export function engine(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; text: string }> {
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

/** The htpasswd registry of tools/setup/registry.sh (address, user, password), when it ran. */
export function testRegistry(): { address: string; user: string; password: string } | undefined {
  const file = '/tmp/capstan-registry.env';
  if (!existsSync(file)) return undefined;
  const vars = Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return {
    address: vars['CAPSTAN_TEST_REGISTRY'],
    user: vars['CAPSTAN_TEST_REGISTRY_USER'],
    password: vars['CAPSTAN_TEST_REGISTRY_PASSWORD'],
  };
}
