import { describe, expect, it } from 'vitest';

import { identityHeaders, parseIdentity } from './identity';

describe('identity headers', () => {
  it('round-trips through lower-cased Node headers', () => {
    const self = { nodeName: 'node1', role: 'manager' as const, leader: true, edgeKeySet: false };
    const lower = Object.fromEntries(
      Object.entries(identityHeaders(self)).map(([k, v]) => [k.toLowerCase(), v]),
    );
    expect(parseIdentity(lower)).toEqual(self);
  });

  it('rejects a /ping without an identity or with an unknown role', () => {
    expect(parseIdentity({})).toBeNull();
    expect(parseIdentity({ 'x-capstan-agent-node': 'n', 'x-capstan-agent-role': 'boss' })).toBeNull();
    expect(parseIdentity({ 'x-capstan-agent-node': '', 'x-capstan-agent-role': 'worker' })).toBeNull();
  });
});
