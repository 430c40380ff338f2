import { generateAgentKeyPair, signAgentMessage } from '@capstan/contracts-agent';
import { describe, expect, it } from 'vitest';

import { SignatureGuard } from './signature-guard';

const headers = (publicKey: string, signature: string): Record<string, string> => ({
  'x-portaineragent-publickey': publicKey,
  'x-portaineragent-signature': signature,
});

describe('SignatureGuard', () => {
  const server = generateAgentKeyPair();
  const attacker = generateAgentKeyPair();
  const good = signAgentMessage(server.privateKeyPkcs8Der);

  it('refuses a request without both headers', () => {
    const guard = new SignatureGuard(undefined);
    expect(guard.check({})).toEqual({ ok: false, error: 'missingSignature' });
    expect(guard.check({ 'x-portaineragent-publickey': server.publicKeyHex })).toEqual({
      ok: false,
      error: 'missingSignature',
    });
  });

  it('does not pin a parseable key whose signature fails (the original pins it)', () => {
    const guard = new SignatureGuard(undefined);
    const forged = signAgentMessage(attacker.privateKeyPkcs8Der, 'something else');
    expect(guard.check(headers(attacker.publicKeyHex, forged))).toEqual({
      ok: false,
      error: 'invalidSignature',
    });
    expect(guard.pinnedKey).toBeNull();
    expect(guard.check(headers(server.publicKeyHex, good))).toEqual({ ok: true });
    expect(guard.pinnedKey).toBe(server.publicKeyHex);
  });

  it('once pinned, refuses another key even with its own valid signature', () => {
    const guard = new SignatureGuard(undefined);
    expect(guard.check(headers(server.publicKeyHex, good)).ok).toBe(true);
    const theirs = signAgentMessage(attacker.privateKeyPkcs8Der);
    expect(guard.check(headers(attacker.publicKeyHex, theirs))).toEqual({
      ok: false,
      error: 'invalidSignature',
    });
    expect(guard.pinnedKey).toBe(server.publicKeyHex);
    expect(guard.check(headers(server.publicKeyHex, good)).ok).toBe(true);
  });

  it('refuses a key that is not a P-256 PKIX key', () => {
    const guard = new SignatureGuard(undefined);
    expect(guard.check(headers('abcd', good))).toEqual({ ok: false, error: 'invalidPublicKey' });
  });

  it('in secret mode accepts any key that signs the secret and pins nothing', () => {
    const guard = new SignatureGuard('s3cret');
    expect(guard.check(headers(server.publicKeyHex, good))).toEqual({ ok: false, error: 'invalidSignature' });
    const a = signAgentMessage(server.privateKeyPkcs8Der, 's3cret');
    const b = signAgentMessage(attacker.privateKeyPkcs8Der, 's3cret');
    expect(guard.check(headers(server.publicKeyHex, a)).ok).toBe(true);
    expect(guard.check(headers(attacker.publicKeyHex, b)).ok).toBe(true);
    expect(guard.check(headers(attacker.publicKeyHex, a)).ok).toBe(false);
    expect(guard.pinnedKey).toBeNull();
  });
});
