import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { errorOf, RunningAgent, ServerKey, startAgent } from './support/agent';

interface HostInfo {
  PCIDevices: { Vendor: string; Name: string }[] | null;
  PhysicalDisks: { Vendor: string; Size: number }[] | null;
}

describe('agent: host info', () => {
  const server = new ServerKey();

  it('reads PCI devices and disks from the host root (here HOST_ROOT=/)', async () => {
    const agent = await startAgent({ HOST_ROOT: '/' });
    try {
      for (const path of ['/host/info', '/v2/host/info', '/v1/host/info']) {
        const reply = await agent.call('GET', path, { headers: server.headers() });
        expect(reply.status).toBe(200);
        const info = reply.json() as HostInfo;
        const pci = info.PCIDevices ?? [];
        const disks = info.PhysicalDisks ?? [];
        expect(Array.isArray(info.PCIDevices)).toBe(true);
        expect(pci.length).toBeGreaterThan(0);
        for (const d of pci) expect(typeof d.Vendor === 'string' && typeof d.Name === 'string').toBe(true);
        expect(disks.length).toBeGreaterThan(0);
        expect(disks.every((d) => d.Size > 0 && typeof d.Vendor === 'string')).toBe(true);
      }
    } finally {
      await agent.stop();
    }
  });

  it('answers null lists when the host root is not mounted', async () => {
    const agent = await startAgent({ HOST_ROOT: '/tmp/capstan-agent-no-host-root' });
    try {
      const reply = await agent.call('GET', '/host/info', { headers: server.headers() });
      expect(reply.status).toBe(200);
      expect(reply.json()).toEqual({ PCIDevices: null, PhysicalDisks: null });
    } finally {
      await agent.stop();
    }
  });
});

describe('agent: /v2/dockerhub', () => {
  let agent: RunningAgent;
  const server = new ServerKey();
  beforeAll(async () => (agent = await startAgent()));
  afterAll(() => agent.stop());

  const post = (body: string): ReturnType<RunningAgent['call']> =>
    agent.call('POST', '/v2/dockerhub', {
      headers: { ...server.headers(), 'Content-Type': 'application/json' },
      body,
    });

  it.each([
    ['not JSON', '{'],
    ['an array', '[]'],
    ['authentication not a boolean', '{"authentication":"yes"}'],
    ['credentials missing', '{"authentication":true}'],
    // Portainer's server sends its whole Registry object, PascalCase keys included.
    ['PascalCase keys, empty password', '{"Authentication":true,"Username":"bob","Password":""}'],
  ])('refuses %s with 400', async (_what, body) => {
    const reply = await post(body);
    expect(reply.status).toBe(400);
    expect(reply.json()).toMatchObject({ message: errorOf('invalidPayload').message });
  });

  it('is v2 only: /dockerhub goes to the engine', async () => {
    const reply = await agent.call('POST', '/dockerhub', { headers: server.headers(), body: '{}' });
    expect(reply.status).toBe(404);
  });

  it('answers 502 with a clear message when Docker Hub is unreachable (no internet here)', async () => {
    const started = Date.now();
    const reply = await post('{"authentication":false}');
    expect(reply.status).toBe(502);
    expect(reply.json()).toMatchObject({ message: errorOf('dockerHubUnreachable').message });
    expect((reply.json() as { details: string }).details.length).toBeGreaterThan(0);
    // One 3 s timeout per call at most.
    expect(Date.now() - started).toBeLessThan(7_000);
  });
});
