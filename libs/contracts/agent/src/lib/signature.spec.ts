import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import {
  AGENT_SIGNATURE_MESSAGE,
  agentPublicKeyHex,
  generateAgentKeyPair,
  parseAgentPublicKey,
  signAgentMessage,
  verifyAgentSignature,
} from './signature';

// A fixed P-256 key (test only) and a signature of MD5("Portainer-App") made by `openssl pkeyutl -sign`
// (random k), i.e. by an implementation independent of this lib.
const VECTOR = {
  privateKeyPkcs8Base64:
    'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgLka4zQrerePnwJ5eUYlCQ8kGDT8+8BM+zYj+ZUQ4fbKhRANCAAQxUNjkBlmnSSXAyT70ZmpInfGYZ32l5c+7y6fkpAQT9keEG4kCxnWHxMzm/py+nD7VtFXv6O3fdAsQxqz+xL7W',
  publicKeyHex:
    '3059301306072a8648ce3d020106082a8648ce3d030107034200043150d8e40659a74925c0c93ef4666a489df198677da5e5cfbbcba7e4a40413f647841b8902c67587c4cce6fe9cbe9c3ed5b455efe8eddf740b10c6acfec4bed6',
  opensslSignature: 'jCbKrngTtxeiu2FJK2BV0LioZlBPEwO6C63fmys4ycQfNrYJI3FoWjLS7dfXsBD4RJl5QTn7WCj5OxMbiv7ASA',
};
const vectorKey = Buffer.from(VECTOR.privateKeyPkcs8Base64, 'base64');

const work = mkdtempSync(join(tmpdir(), 'agent-sig-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** r‖s (64 bytes) → ASN.1 DER ECDSA-Sig-Value, the form OpenSSL reads and writes. */
function rawToDer(raw: Buffer): Buffer {
  const int = (b: Buffer): Buffer => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    let v = b.subarray(i);
    if (v[0] & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
    return Buffer.concat([Buffer.from([2, v.length]), v]);
  };
  const body = Buffer.concat([int(raw.subarray(0, 32)), int(raw.subarray(32))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

function derToRaw(der: Buffer): Buffer {
  const rLen = der[3];
  const r = der.subarray(4, 4 + rLen);
  const s = der.subarray(6 + rLen, 6 + rLen + der[5 + rLen]);
  const pad = (b: Buffer): Buffer => Buffer.concat([Buffer.alloc(32), b]).subarray(-32);
  return Buffer.concat([pad(r), pad(s)]);
}

function md5File(message: string): string {
  const file = join(work, `digest-${Math.random()}.bin`);
  writeFileSync(file, createHash('md5').update(message).digest());
  return file;
}

function publicPem(publicKeyHex: string): string {
  const file = join(work, `pub-${Math.random()}.pem`);
  const key = createPublicKey({ key: Buffer.from(publicKeyHex, 'hex'), format: 'der', type: 'spki' });
  writeFileSync(file, key.export({ format: 'pem', type: 'spki' }));
  return file;
}

/** OpenSSL verifying a signature over a digest it is given (pkeyutl without -digest does not hash). */
function opensslVerifies(publicKeyHex: string, signature: string, message: string): boolean {
  const sigFile = join(work, `sig-${Math.random()}.der`);
  writeFileSync(sigFile, rawToDer(Buffer.from(signature, 'base64')));
  try {
    execFileSync(
      'openssl',
      [
        'pkeyutl',
        '-verify',
        '-pubin',
        '-inkey',
        publicPem(publicKeyHex),
        '-in',
        md5File(message),
        '-sigfile',
        sigFile,
      ],
      { stdio: 'pipe' },
    );
    return true;
  } catch {
    return false;
  }
}

function opensslSign(privateKeyPkcs8Der: Buffer, message: string): string {
  const keyFile = join(work, `key-${Math.random()}.der`);
  const sigFile = join(work, `sig-${Math.random()}.der`);
  writeFileSync(keyFile, privateKeyPkcs8Der);
  execFileSync('openssl', [
    'pkeyutl',
    '-sign',
    '-keyform',
    'DER',
    '-inkey',
    keyFile,
    '-in',
    md5File(message),
    '-out',
    sigFile,
  ]);
  return derToRaw(readFileSync(sigFile)).toString('base64').replace(/=+$/, '');
}

describe('agent signatures', () => {
  it('generates a P-256 pair: PKCS#8 DER private key, lowercase hex SPKI public key', () => {
    const pair = generateAgentKeyPair();
    expect(pair.publicKeyHex).toMatch(/^[0-9a-f]+$/);
    // SPKI of an uncompressed P-256 point is 91 bytes.
    expect(pair.publicKeyHex).toHaveLength(182);
    expect(agentPublicKeyHex(pair.privateKeyPkcs8Der)).toBe(pair.publicKeyHex);
    expect(generateAgentKeyPair().publicKeyHex).not.toBe(pair.publicKeyHex);
  });

  it('signs r‖s as 64 bytes in base64 without padding, and verifies its own signatures', () => {
    const pair = generateAgentKeyPair();
    const signature = signAgentMessage(pair.privateKeyPkcs8Der);
    expect(signature).toMatch(/^[A-Za-z0-9+/]{86}$/);
    expect(Buffer.from(signature, 'base64')).toHaveLength(64);
    expect(verifyAgentSignature(pair.publicKeyHex, signature)).toBe(true);
    expect(verifyAgentSignature(pair.publicKeyHex, signature, AGENT_SIGNATURE_MESSAGE)).toBe(true);
  });

  it('verifies the fixed vector signed by OpenSSL, and the vector key derives the vector public key', () => {
    expect(agentPublicKeyHex(vectorKey)).toBe(VECTOR.publicKeyHex);
    expect(verifyAgentSignature(VECTOR.publicKeyHex, VECTOR.opensslSignature)).toBe(true);
    expect(verifyAgentSignature(VECTOR.publicKeyHex, VECTOR.opensslSignature, 'Portainer-Ap')).toBe(false);
  });

  it('produces signatures OpenSSL accepts over MD5(message), and accepts signatures OpenSSL makes', () => {
    const pair = generateAgentKeyPair();
    for (const message of [AGENT_SIGNATURE_MESSAGE, 'a shared AGENT_SECRET']) {
      const ours = signAgentMessage(pair.privateKeyPkcs8Der, message);
      expect(opensslVerifies(pair.publicKeyHex, ours, message)).toBe(true);
      expect(opensslVerifies(pair.publicKeyHex, ours, message + '!')).toBe(false);

      const theirs = opensslSign(pair.privateKeyPkcs8Der, message);
      expect(verifyAgentSignature(pair.publicKeyHex, theirs, message)).toBe(true);
      expect(verifyAgentSignature(pair.publicKeyHex, theirs, message + '!')).toBe(false);
    }
  });

  it('signs deterministically per key and message (RFC 6979)', () => {
    const a = signAgentMessage(vectorKey);
    expect(signAgentMessage(vectorKey)).toBe(a);
    expect(signAgentMessage(vectorKey, 'secret')).not.toBe(a);
    expect(opensslVerifies(VECTOR.publicKeyHex, a, AGENT_SIGNATURE_MESSAGE)).toBe(true);
  });

  it('rejects a signature from another key, for another message, or tampered', () => {
    const pair = generateAgentKeyPair();
    const other = generateAgentKeyPair();
    const signature = signAgentMessage(pair.privateKeyPkcs8Der);
    expect(verifyAgentSignature(other.publicKeyHex, signature)).toBe(false);
    expect(verifyAgentSignature(pair.publicKeyHex, signature, 'secret')).toBe(false);
    const bytes = Buffer.from(signature, 'base64');
    bytes[10] ^= 1;
    expect(verifyAgentSignature(pair.publicKeyHex, bytes.toString('base64').replace(/=+$/, ''))).toBe(false);
  });

  it('rejects padded base64, wrong lengths and non-base64 text (Go RawStdEncoding)', () => {
    const pair = generateAgentKeyPair();
    const signature = signAgentMessage(pair.privateKeyPkcs8Der);
    expect(verifyAgentSignature(pair.publicKeyHex, signature + '==')).toBe(false);
    expect(verifyAgentSignature(pair.publicKeyHex, signature.slice(0, -1))).toBe(false);
    expect(verifyAgentSignature(pair.publicKeyHex, signature + 'AA')).toBe(false);
    expect(
      verifyAgentSignature(pair.publicKeyHex, signature.replace(/\+/g, '-').replace(/\//g, '_') + '-'),
    ).toBe(false);
    expect(verifyAgentSignature(pair.publicKeyHex, '')).toBe(false);
    expect(verifyAgentSignature(pair.publicKeyHex, ' ' + signature)).toBe(false);
  });

  it('rejects keys that are not P-256 public keys in PKIX DER hex', () => {
    const signature = signAgentMessage(vectorKey);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey;
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    const ed = generateKeyPairSync('ed25519').publicKey;
    for (const key of [p384, rsa, ed]) {
      const hex = key.export({ format: 'der', type: 'spki' }).toString('hex');
      expect(parseAgentPublicKey(hex)).toBeNull();
      expect(verifyAgentSignature(hex, signature)).toBe(false);
    }
    expect(verifyAgentSignature('', signature)).toBe(false);
    expect(verifyAgentSignature('zz' + VECTOR.publicKeyHex.slice(2), signature)).toBe(false);
    expect(verifyAgentSignature(VECTOR.publicKeyHex.slice(0, -2), signature)).toBe(false);
    expect(verifyAgentSignature(VECTOR.publicKeyHex.toUpperCase(), signature)).toBe(true);
    expect(() => signAgentMessage(Buffer.from('not a key'))).toThrow();
  });
});
