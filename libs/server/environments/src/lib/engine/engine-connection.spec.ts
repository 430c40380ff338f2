import { describe, expect, it } from 'vitest';
import { engineKey, withAgentTarget, type EngineConnection } from './engine-connection';

const pem = (body: string) => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
const base: EngineConnection = {
  url: 'tcp://10.0.0.5:2376',
  tls: true,
  tlsSkipVerify: false,
  ca: pem('ca'),
  cert: pem('cert'),
  key: pem('key'),
  timeoutMs: 0,
  environmentId: 1,
};

describe('engineKey', () => {
  it('is the same for connections to the same engine with the same material, whatever the route', () => {
    const copy: EngineConnection = {
      ...base,
      ca: pem('ca').slice(0), // equal text, another string
      timeoutMs: 5_000,
      agent: undefined,
    };
    expect(engineKey(copy)).toBe(engineKey(base));
    const agent = { ...base, agent: { headers: {} } };
    expect(engineKey(withAgentTarget(agent, 'node-2'))).toBe(engineKey(agent));
  });

  it('changes with the URL, the TLS flags, any PEM, and agent or edge', () => {
    const keys = [
      base,
      { ...base, url: 'tcp://10.0.0.6:2376' },
      { ...base, tls: false },
      { ...base, tlsSkipVerify: true },
      { ...base, ca: pem('other ca') },
      { ...base, cert: pem('other cert') },
      { ...base, key: pem('other key') },
      { ...base, ca: undefined },
      { ...base, agent: { headers: {} } },
    ].map(engineKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('does not carry the TLS material itself', () => {
    expect(engineKey(base)).not.toContain('BEGIN');
  });
});
