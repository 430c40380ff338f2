/**
 * The agent's host facts through the server's Docker proxy, on real processes: the built server and the built
 * agent (dist/apps/agent/main.js, classic mode on the local Docker engine, 127.0.0.1) with HOST_ROOT pointed at
 * a temporary directory holding a small fake sysfs (PCI devices, block devices) and pci.ids, so the lists are
 * known exactly; a second agent with an empty HOST_ROOT reports both lists as null. Who may read them: every
 * role with access (`agent-info` in the proxy policy), and the member list too.
 */
import { type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_ERRORS, type HostInfo } from '@capstan/contracts-agent';
import {
  createUser,
  expectApiError,
  uniqueName,
  withAdminServer,
  type CreatedUser,
} from './support/fixtures';
import { AGENT_MAIN, startAgent } from './support/agent';

const SOCKET = '/var/run/docker.sock';
const hasDocker = existsSync(SOCKET);
if (!hasDocker && process.env['CI'] === 'true') throw new Error(`CI needs a Docker engine on ${SOCKET}`);

/** Files under a root, by relative path. */
function writeTree(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

/**
 * A host root the agent reads as /host: three PCI slots (one device the pci.ids names, one it does not know,
 * one without a vendor file, skipped), block devices (a loop device, skipped; a disk with a vendor; an NVMe
 * disk without one), sizes in 512-byte sectors as sysfs gives them.
 */
const FAKE_HOST: Record<string, string> = {
  'sys/bus/pci/devices/0000:00:00.0/vendor': '0x8086\n',
  'sys/bus/pci/devices/0000:00:00.0/device': '0x1237\n',
  'sys/bus/pci/devices/0000:00:03.0/vendor': '0x1af4\n',
  'sys/bus/pci/devices/0000:00:03.0/device': '0x9999\n',
  'sys/bus/pci/devices/0000:00:02.0/vendor': '0x1af4\n',
  'sys/bus/pci/devices/0000:00:02.0/device': '0x1000\n',
  'sys/bus/pci/devices/0000:00:04.0/class': '0x060000\n',
  'sys/block/loop0/size': '2048\n',
  'sys/block/sda/size': '1000215216\n',
  'sys/block/sda/device/vendor': 'ATA     \n',
  'sys/block/nvme0n1/size': '3907029168\n',
  'usr/share/misc/pci.ids': [
    '# a pci.ids excerpt',
    '8086  Intel Corporation',
    '\t1237  440FX - 82441FX PMC [Natoma]',
    '1af4  Red Hat, Inc.',
    '\t1000  Virtio network device',
    'C 00  Unclassified device',
    '',
  ].join('\n'),
};

const EXPECTED: HostInfo = {
  PCIDevices: [
    { Vendor: 'Intel Corporation', Name: '440FX - 82441FX PMC [Natoma]' },
    { Vendor: 'Red Hat, Inc.', Name: 'Virtio network device' },
    { Vendor: 'Red Hat, Inc.', Name: '0x9999' },
  ],
  PhysicalDisks: [
    { Vendor: 'unknown', Size: 3907029168 * 512 },
    { Vendor: 'ATA', Size: 1000215216 * 512 },
  ],
};

describe.runIf(hasDocker)('host facts through the server (real agent, fake host root)', () => {
  const env = withAdminServer();
  const roots: string[] = [];
  const agents: ChildProcess[] = [];
  let envId = 0;
  let bareEnvId = 0;
  let standard: CreatedUser;
  let readOnly: CreatedUser;
  let outsider: CreatedUser;

  const createAgentEnv = async (port: number) => {
    const f = new FormData();
    f.append('Name', uniqueName('agent-host'));
    f.append('EndpointCreationType', '2');
    f.append('URL', `127.0.0.1:${port}`);
    const created = await fetch(`${env.server.baseUrl}/api/endpoints`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${env.admin}` },
      body: f,
    });
    expect(created.status).toBe(200);
    return ((await created.json()) as { Id: number }).Id;
  };

  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), 'capstan-host-root-'));
    const bare = mkdtempSync(join(tmpdir(), 'capstan-host-bare-'));
    roots.push(root, bare);
    writeTree(root, FAKE_HOST);
    const [withHost, withoutHost] = await Promise.all([
      startAgent({ HOST_ROOT: root }),
      startAgent({ HOST_ROOT: bare }),
    ]);
    for (const a of [withHost, withoutHost]) if (a) agents.push(a.proc);
    if (!withHost || !withoutHost) {
      if (process.env['CI'] === 'true') throw new Error(`the agent (${AGENT_MAIN}) must be built`);
      return;
    }
    envId = await createAgentEnv(withHost.port);
    bareEnvId = await createAgentEnv(withoutHost.port);
    [standard, readOnly, outsider] = await Promise.all([
      createUser(env.server, env.admin),
      createUser(env.server, env.admin),
      createUser(env.server, env.admin),
    ]);
    const policies = await env.server.request('PUT', `/api/endpoints/${envId}`, {
      token: env.admin,
      body: { UserAccessPolicies: { [standard.id]: { RoleId: 3 }, [readOnly.id]: { RoleId: 4 } } },
    });
    expect(policies.status, policies.text).toBe(200);
  });

  afterAll(() => {
    for (const proc of agents) proc.kill('SIGTERM');
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  it('reads the PCI devices (named from pci.ids, by slot) and the physical disks exactly', async (ctx) => {
    if (!envId) return ctx.skip('the built agent (dist/apps/agent) is missing');
    for (const path of ['/v2/host/info', '/host/info', '/v1.41/v2/host/info']) {
      const r = await env.server.request('GET', `/api/endpoints/${envId}/docker${path}`, {
        token: env.admin,
      });
      expect(r.status, `${path} ${r.text}`).toBe(200);
      expect(r.body, path).toEqual(EXPECTED);
    }
  });

  it('reports null lists when the agent has no host root to read', async (ctx) => {
    if (!bareEnvId) return ctx.skip('the built agent (dist/apps/agent) is missing');
    const r = await env.server.request('GET', `/api/endpoints/${bareEnvId}/docker/v2/host/info`, {
      token: env.admin,
    });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({ PCIDevices: null, PhysicalDisks: null });
  });

  it('lets every role with access read the host facts and the member list, and nobody else', async (ctx) => {
    if (!envId) return ctx.skip('the built agent (dist/apps/agent) is missing');
    for (const user of [standard, readOnly]) {
      let r = await env.server.request('GET', `/api/endpoints/${envId}/docker/v2/host/info`, {
        token: user.token,
      });
      expect(r.status, r.text).toBe(200);
      expect(r.body).toEqual(EXPECTED);
      // A standalone agent has no member list: its own refusal (503) comes back, not the proxy's 403.
      r = await env.server.request('GET', `/api/endpoints/${envId}/docker/v2/agents`, { token: user.token });
      expect(r.status, r.text).toBe(AGENT_ERRORS.standaloneAgents.status);
      expect(r.body).toMatchObject({ message: AGENT_ERRORS.standaloneAgents.message });
      // Not a read: administrators only.
      r = await env.server.request('POST', `/api/endpoints/${envId}/docker/v2/host/info`, {
        token: user.token,
      });
      expectApiError(r, 403);
    }
    // No access to the environment at all: it is not theirs to see (404, as for every proxy call).
    const r = await env.server.request('GET', `/api/endpoints/${envId}/docker/v2/host/info`, {
      token: outsider.token,
    });
    expectApiError(r, 404);
  });
});
