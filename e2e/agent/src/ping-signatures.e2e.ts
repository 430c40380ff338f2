import { connect } from 'node:tls';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { errorOf, fixture, RunningAgent, ServerKey, startAgent } from './support/agent';

const headers = fixture<{ response: Record<string, string> }>('headers.json').response;

function expectAgentHeaders(reply: { headers: Record<string, string | string[] | undefined> }): void {
  for (const [name, value] of Object.entries(headers))
    expect(reply.headers[name.toLowerCase()], name).toBe(value);
}

describe('agent: ping, headers, TLS', () => {
  let agent: RunningAgent;
  beforeAll(async () => (agent = await startAgent()));
  afterAll(() => agent.stop());

  it.each(['/ping', '/v2/ping', '/v1.41/ping'])(
    'GET %s is public: 204, empty, with the agent headers',
    async (path) => {
      const reply = await agent.call('GET', path);
      expect(reply.status).toBe(204);
      expect(reply.body).toHaveLength(0);
      expectAgentHeaders(reply);
    },
  );

  it('HEAD /ping is 405 (as the original) and still carries the headers', async () => {
    const reply = await agent.call('HEAD', '/ping');
    expect(reply.status).toBe(405);
    expectAgentHeaders(reply);
  });

  it('an unsigned request gets 403 with the exact body, agent headers included', async () => {
    const reply = await agent.call('GET', '/info');
    expect(reply.status).toBe(403);
    expect(reply.json()).toEqual(errorOf('missingSignature'));
    expect(reply.headers['content-type']).toBe('application/json');
    expectAgentHeaders(reply);
  });

  it('/key answers 503 on a classic agent, without the agent headers', async () => {
    const reply = await agent.call('GET', '/key');
    expect(reply.status).toBe(503);
    expect(reply.json()).toEqual(errorOf('edgeKeyDisabled'));
    expect(reply.headers['portainer-agent']).toBeUndefined();
  });

  it('serves TLS 1.2+ with a self-signed certificate generated at start', async () => {
    const cert = await new Promise<{
      subject: { CN?: string | string[] };
      issuer: { CN?: string | string[] };
      protocol: string | null;
    }>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: agent.port, rejectUnauthorized: false }, () => {
        const peer = socket.getPeerCertificate();
        resolve({
          subject: { CN: peer.subject.CN },
          issuer: { CN: peer.issuer.CN },
          protocol: socket.getProtocol(),
        });
        socket.end();
      });
      socket.on('error', reject);
    });
    expect(cert.subject.CN).toBe('capstan-agent');
    expect(cert.issuer.CN).toBe('capstan-agent');
    expect(cert.protocol).toMatch(/TLSv1\.[23]/);
  });
});

describe('agent: signatures and key pinning', () => {
  let agent: RunningAgent;
  const server = new ServerKey();
  const attacker = new ServerKey();
  beforeAll(async () => (agent = await startAgent()));
  afterAll(() => agent.stop());

  it('refuses a request with only one of the two headers', async () => {
    const { 'X-PortainerAgent-PublicKey': key } = server.headers();
    const reply = await agent.call('GET', '/info', { headers: { 'X-PortainerAgent-PublicKey': key } });
    expect(reply.status).toBe(403);
    expect(reply.json()).toEqual(errorOf('missingSignature'));
  });

  it('refuses a key that is not a P-256 public key', async () => {
    const reply = await agent.call('GET', '/info', {
      headers: { 'X-PortainerAgent-PublicKey': 'deadbeef', 'X-PortainerAgent-Signature': 'AAAA' },
    });
    expect(reply.status).toBe(403);
    expect(reply.json()).toEqual(errorOf('invalidPublicKey'));
  });

  it('an invalid first signature does NOT pin its key (the original would)', async () => {
    const bad = await agent.call('GET', '/info', { headers: attacker.headers('not Portainer-App') });
    expect(bad.status).toBe(403);
    expect(bad.json()).toEqual(errorOf('invalidSignature'));
    // The legitimate server still gets in, and pins.
    const good = await agent.call('GET', '/info', { headers: server.headers() });
    expect(good.status).toBe(200);
    expect((good.json() as { ID?: string }).ID).toBeTruthy();
  });

  it('a pinned key cannot be replaced by another key, even with its own valid signature', async () => {
    const replay = await agent.call('GET', '/info', { headers: attacker.headers() });
    expect(replay.status).toBe(403);
    expect(replay.json()).toEqual(errorOf('invalidSignature'));
    // A padded copy of the pinned server's signature is refused too (RawStdEncoding).
    const padded = server.headers();
    padded['X-PortainerAgent-Signature'] += '==';
    expect((await agent.call('GET', '/info', { headers: padded })).status).toBe(403);
    expect((await agent.call('GET', '/info', { headers: server.headers() })).status).toBe(200);
  });

  it('once pinned, the header key is ignored: the pinned key signs, whatever key is announced', async () => {
    const mixed = { ...server.headers(), 'X-PortainerAgent-PublicKey': attacker.pair.publicKeyHex };
    expect((await agent.call('GET', '/version', { headers: mixed })).status).toBe(200);
  });
});

describe('agent: AGENT_SECRET mode', () => {
  let agent: RunningAgent;
  beforeAll(async () => (agent = await startAgent({ AGENT_SECRET: 'capstan-shared-secret' })));
  afterAll(() => agent.stop());

  it('refuses the default message and accepts any key that signs the secret (nothing pinned)', async () => {
    const a = new ServerKey();
    const b = new ServerKey();
    const refused = await agent.call('GET', '/info', { headers: a.headers() });
    expect(refused.status).toBe(403);
    expect(refused.json()).toEqual(errorOf('invalidSignature'));
    expect((await agent.call('GET', '/info', { headers: a.headers('capstan-shared-secret') })).status).toBe(
      200,
    );
    expect((await agent.call('GET', '/info', { headers: b.headers('capstan-shared-secret') })).status).toBe(
      200,
    );
    expect((await agent.call('GET', '/info', { headers: b.headers('another-secret') })).status).toBe(403);
  });
});

describe('agent: AGENT_SECRET_TIMEOUT', () => {
  it('shuts the API down when no server associated in time; the process stays up', async () => {
    const agent = await startAgent({ AGENT_SECRET_TIMEOUT: '1s' });
    try {
      expect((await agent.call('GET', '/ping')).status).toBe(204);
      await new Promise((r) => setTimeout(r, 1_500));
      await expect(agent.call('GET', '/ping')).rejects.toThrow(/ECONNREFUSED/);
      expect(agent.process.exitCode).toBeNull();
      expect(agent.output()).toMatch(/Shutting down the API/);
    } finally {
      await agent.stop();
    }
  });

  it('keeps serving once a server has associated', async () => {
    const agent = await startAgent({ AGENT_SECRET_TIMEOUT: '1s' });
    try {
      expect((await agent.call('GET', '/version', { headers: new ServerKey().headers() })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1_500));
      expect((await agent.call('GET', '/ping')).status).toBe(204);
    } finally {
      await agent.stop();
    }
  });
});
