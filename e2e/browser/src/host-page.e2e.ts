import { expect, test } from '@playwright/test';
import { agentAnswers, freePort } from '@capstan/testing';
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

import {
  AGENT_DIR,
  AGENT_MAIN,
  SOCKET,
  addEnvironment,
  hasBuiltAgent,
  hasDocker,
  logIn,
  screenshots,
  startPortal,
  type Portal,
} from './support/portal';

// The Host page of an agent environment, as Portainer's agent is deployed: the built agent (dist/apps/agent) in a
// container of the local Node base image, the Docker socket and a "host root" bind-mounted at /host — here a temp
// directory holding a small fake sysfs and pci.ids, so the PCI and disk tables are known exactly. An
// administrator opens Host from the environment's nav (engine facts, PCI devices, disks; host files off), turns
// on "Host management features" on the environment's edit page, and browses the host's files (rooted at /host)
// with the keyboard; the same page at 390 px in the dark theme.
const IMAGE = 'capstan/node:20-local';
const run = promisify(execFile);
function hasImage(): boolean {
  try {
    execFileSync('docker', ['image', 'inspect', IMAGE], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const ready = hasDocker && hasBuiltAgent && hasImage();
if (!ready && process.env['CI'] === 'true')
  throw new Error(
    `the host page test needs ${SOCKET}, the built agent (${AGENT_MAIN}) and the image ${IMAGE}`,
  );

const shot = screenshots('host-');

/** The host root the agent sees at /host: sysfs excerpts (sizes in 512-byte sectors), pci.ids, a file or two. */
const FAKE_HOST: Record<string, string> = {
  'sys/bus/pci/devices/0000:00:00.0/vendor': '0x8086\n',
  'sys/bus/pci/devices/0000:00:00.0/device': '0x1237\n',
  'sys/bus/pci/devices/0000:00:02.0/vendor': '0x1af4\n',
  'sys/bus/pci/devices/0000:00:02.0/device': '0x1000\n',
  'sys/block/sda/size': '1000215216\n',
  'sys/block/sda/device/vendor': 'ATA     \n',
  'sys/block/loop0/size': '2048\n',
  'usr/share/misc/pci.ids':
    '8086  Intel Corporation\n\t1237  440FX - 82441FX PMC [Natoma]\n1af4  Red Hat, Inc.\n\t1000  Virtio network device\n',
  'etc/hostname': 'fake-host\n',
  'etc/motd': 'Welcome to the fake host\n',
};

test.describe('host page on an agent environment (agent container, fake host root)', () => {
  test.skip(!ready, `needs ${SOCKET}, the built agent (npx nx build agent) and ${IMAGE}`);

  let portal: Portal;
  let hostRoot = '';
  let envId = 0;
  const container = `capstan-e2e-host-agent-${randomBytes(3).toString('hex')}`;

  test.beforeAll(async () => {
    hostRoot = mkdtempSync(join(tmpdir(), 'capstan-host-root-'));
    for (const [path, content] of Object.entries(FAKE_HOST)) {
      mkdirSync(dirname(join(hostRoot, path)), { recursive: true });
      writeFileSync(join(hostRoot, path), content);
    }
    const port = await freePort();
    await run('docker', [
      'run',
      '-d',
      '--rm',
      '--name',
      container,
      '-e',
      'AGENT_HOST=0.0.0.0',
      '-e',
      'LOG_LEVEL=WARN',
      '-v',
      `${AGENT_DIR}:/agent:ro`,
      '-v',
      `${SOCKET}:${SOCKET}`,
      '-v',
      `${hostRoot}:/host:ro`,
      '-p',
      `127.0.0.1:${port}:9001`,
      IMAGE,
      'node',
      '/agent/main.js',
    ]);
    const until = Date.now() + 20_000;
    while (!(await agentAnswers(port))) {
      if (Date.now() > until) throw new Error(`the agent container did not answer on ${port}`);
      await new Promise((r) => setTimeout(r, 150));
    }
    portal = await startPortal();
    envId = await addEnvironment(portal, 'agent-host', `127.0.0.1:${port}`);
  });

  test.afterAll(async () => {
    await run('docker', ['rm', '-f', container]).catch(() => undefined);
    await portal?.server.dispose();
    if (hostRoot) rmSync(hostRoot, { recursive: true, force: true });
  });

  test('an administrator reads the host hardware, turns on host management and browses /host', async ({
    page,
  }) => {
    const { baseUrl } = portal;
    await logIn(page, baseUrl, 'admin', portal.adminPassword);

    await page.goto(`${baseUrl}/environments/${envId}/docker`);
    await page.getByTestId('env-nav-host').click();
    await expect(page).toHaveURL(new RegExp(`/environments/${envId}/docker/host`));
    // The engine's facts: this machine's engine, through the agent.
    await expect(page.getByTestId('host-fact-os')).not.toBeEmpty();
    await expect(page.getByTestId('host-fact-root-dir')).toHaveText(/\/.+/);
    // The hardware the agent read under /host.
    await expect(page.getByTestId('host-pci-table').locator('tbody tr')).toHaveText([
      /Intel Corporation\s*440FX - 82441FX PMC \[Natoma\]/,
      /Red Hat, Inc\.\s*Virtio network device/,
    ]);
    await expect(page.getByTestId('host-disks-table').locator('tbody tr')).toHaveText([/ATA\s*512 GB/]);
    await expect(page.getByTestId('host-files-off')).toBeVisible();
    await expect(page.getByTestId('node-picker')).toHaveCount(0);
    await shot(page, '01-overview');

    // The environment's security setting, from its edit page.
    await page.goto(`${baseUrl}/environments/${envId}/edit`);
    await page.getByTestId('edit-tab-security').click();
    await page.getByTestId('security-enableHostManagementFeatures').check();
    await page.getByTestId('security-save').click();
    await expect(page.getByTestId('security-save')).toBeEnabled();
    await expect(page.getByTestId('security-enableHostManagementFeatures')).toBeChecked();

    await page.goto(`${baseUrl}/environments/${envId}/docker/host`);
    await expect(page.getByTestId('browse-row-etc')).toBeVisible();
    await expect(page.getByTestId('browse-row-sys')).toBeVisible();
    await expect(page.getByTestId('browse-crumbs')).toContainText('host');
    await page.getByTestId('browse-open-etc').focus();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/path=%2Fetc/);
    await expect(page.getByTestId('browse-row-hostname')).toBeVisible();
    await expect(page.getByTestId('browse-size-motd')).toHaveText('25 B');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('browse-download-hostname').click(),
    ]);
    expect(download.suggestedFilename()).toBe('hostname');
    await shot(page, '02-files');

    // A phone in the dark theme: the tables and the browser stay within the screen.
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${baseUrl}/environments/${envId}/docker/host`);
    await expect(page.getByTestId('host-pci-table')).toBeVisible();
    await expect(page.getByTestId('browse-row-etc')).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    // The environment's nav is one sideways-scrolling row here: its active tab, the last one (off screen unless
    // scrolled to), is in view, but for a sub-pixel at the end of the scroll range.
    await expect(page.getByTestId('env-nav-host')).toHaveAttribute('aria-current', 'page');
    await expect(page.getByTestId('env-nav-host')).toBeInViewport({ ratio: 0.95 });
    await shot(page, '03-390px-dark');
  });
});
