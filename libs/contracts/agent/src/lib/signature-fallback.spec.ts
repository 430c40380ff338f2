import * as crypto from 'node:crypto';

import { describe, expect, it, vi } from 'vitest';

import { generateAgentKeyPair, signAgentMessage, verifyAgentSignature } from './signature';

// A platform without MD5 signatures (FIPS): node:crypto's verify throws, @noble/curves must take over.
// (vi.mock is hoisted above the imports.)
vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:crypto')>();
  return {
    ...original,
    verify: () => {
      throw new Error('digital envelope routines::unsupported');
    },
  };
});

describe('agent signatures without MD5 in OpenSSL', () => {
  it('verifies in JS: accepts a good signature, refuses another message or key', () => {
    const pair = generateAgentKeyPair();
    const other = generateAgentKeyPair();
    const signature = signAgentMessage(pair.privateKeyPkcs8Der);
    // The mock is in place: the native path cannot answer.
    expect(() => crypto.verify('md5', Buffer.from('x'), pair.publicKeyHex, Buffer.alloc(64))).toThrow(
      /unsupported/,
    );
    expect(verifyAgentSignature(pair.publicKeyHex, signature)).toBe(true);
    expect(verifyAgentSignature(pair.publicKeyHex, signature, 'secret')).toBe(false);
    expect(verifyAgentSignature(other.publicKeyHex, signature)).toBe(false);
  });
});
