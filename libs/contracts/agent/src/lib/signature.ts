import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  KeyObject,
  verify as cryptoVerify,
} from 'node:crypto';

import { p256 } from '@noble/curves/nist';

/**
 * The agent protocol's request signature (Portainer agent protocol §3): ECDSA P-256 over the MD5 digest of a
 * constant message (or of the shared AGENT_SECRET), r‖s as 32+32 bytes, base64 without padding. The format is
 * weak (no nonce, replayable) but it is the wire format Portainer servers and agents speak.
 *
 * Signing over a given digest is done by @noble/curves with `prehash: false`. Verification uses OpenSSL through
 * node:crypto (ECDSA with MD5 hashing of the message is the same computation, ~20× faster than the pure-JS
 * verify, which matters as Portainer servers send a fresh signature with every request); @noble/curves verifies
 * when the platform refuses MD5 signatures (FIPS builds).
 */
export const AGENT_SIGNATURE_MESSAGE = 'Portainer-App';

export interface AgentKeyPair {
  /** PKCS#8 DER; persist it as-is. */
  privateKeyPkcs8Der: Buffer;
  /** Lowercase hex of the PKIX (SubjectPublicKeyInfo) DER: the X-PortainerAgent-PublicKey header value. */
  publicKeyHex: string;
}

const SIGNATURE_BYTES = 64;
const COORDINATE_BYTES = 32;

export function generateAgentKeyPair(): AgentKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    privateKeyPkcs8Der: privateKey.export({ format: 'der', type: 'pkcs8' }),
    publicKeyHex: publicKey.export({ format: 'der', type: 'spki' }).toString('hex'),
  };
}

/** The public key (X-PortainerAgent-PublicKey value) of a PKCS#8 DER private key. */
export function agentPublicKeyHex(privateKeyPkcs8Der: Buffer): string {
  const privateKey = createPrivateKey({ key: privateKeyPkcs8Der, format: 'der', type: 'pkcs8' });
  return createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).toString('hex');
}

/** A fresh X-PortainerAgent-Signature value (deterministic per key and message, RFC 6979). */
export function signAgentMessage(
  privateKeyPkcs8Der: Buffer,
  message: string = AGENT_SIGNATURE_MESSAGE,
): string {
  const privateKey = createPrivateKey({ key: privateKeyPkcs8Der, format: 'der', type: 'pkcs8' });
  assertP256(privateKey);
  const jwk = privateKey.export({ format: 'jwk' });
  if (!jwk.d) throw new Error('Not an EC private key');
  const scalar = Buffer.from(jwk.d, 'base64url');
  const signature = p256.sign(md5(message), scalar, { prehash: false, lowS: false });
  return Buffer.from(signature.toCompactRawBytes()).toString('base64').replace(/=+$/, '');
}

/**
 * Checks a signature against a public key given as PKIX DER hex. False (never a throw) for anything that is not
 * a valid P-256 signature of MD5(message): bad hex, a non-EC or non-P-256 key, padded or non-base64 signature,
 * a signature that is not exactly 64 bytes.
 */
export function verifyAgentSignature(
  publicKeyHex: string,
  signature: string,
  message: string = AGENT_SIGNATURE_MESSAGE,
): boolean {
  const key = publicKeyObject(publicKeyHex);
  if (!key) return false;
  const raw = decodeRawBase64(signature);
  if (!raw || raw.length !== SIGNATURE_BYTES) return false;
  try {
    return cryptoVerify('md5', Buffer.from(message, 'utf8'), { key, dsaEncoding: 'ieee-p1363' }, raw);
  } catch {
    // MD5 unavailable for signatures on this platform: verify the digest in JS.
  }
  const point = parseAgentPublicKey(publicKeyHex);
  if (!point) return false;
  try {
    return p256.verify(raw, md5(message), point, { prehash: false, lowS: false, format: 'compact' });
  } catch {
    return false;
  }
}

/** Parsed P-256 public keys by hex (a server's key is parsed once, not per request). */
const keyCache = new Map<string, KeyObject>();
const KEY_CACHE_LIMIT = 32;

function publicKeyObject(publicKeyHex: string): KeyObject | null {
  const id = publicKeyHex.toLowerCase();
  const cached = keyCache.get(id);
  if (cached) return cached;
  if (!/^(?:[0-9a-f]{2})+$/.test(id)) return null;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(id, 'hex'), format: 'der', type: 'spki' });
  } catch {
    return null;
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') return null;
  if (keyCache.size >= KEY_CACHE_LIMIT) {
    const oldest = keyCache.keys().next().value;
    if (oldest !== undefined) keyCache.delete(oldest);
  }
  keyCache.set(id, key);
  return key;
}

/**
 * The uncompressed P-256 point (0x04‖x‖y) of a PKIX DER hex public key, or null when the text is not one.
 * Exposed so that the agent can report *why* a key was refused.
 */
export function parseAgentPublicKey(publicKeyHex: string): Uint8Array | null {
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(publicKeyHex)) return null;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(publicKeyHex, 'hex'), format: 'der', type: 'spki' });
  } catch {
    return null;
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') return null;
  const jwk = key.export({ format: 'jwk' });
  if (!jwk.x || !jwk.y) return null;
  const x = Buffer.from(jwk.x, 'base64url');
  const y = Buffer.from(jwk.y, 'base64url');
  if (x.length !== COORDINATE_BYTES || y.length !== COORDINATE_BYTES) return null;
  return Uint8Array.from(Buffer.concat([Buffer.from([4]), x, y]));
}

/** Go's base64.RawStdEncoding: standard alphabet, no padding, no whitespace, no non-canonical trailing bits. */
function decodeRawBase64(text: string): Buffer | null {
  if (!/^[A-Za-z0-9+/]*$/.test(text) || text.length % 4 === 1) return null;
  const bytes = Buffer.from(text, 'base64');
  // Buffer.from ignores non-zero trailing bits; Go's strict decoding does not accept them either way,
  // re-encoding catches both.
  return bytes.toString('base64').replace(/=+$/, '') === text ? bytes : null;
}

function md5(message: string): Uint8Array {
  return Uint8Array.from(createHash('md5').update(message, 'utf8').digest());
}

function assertP256(key: KeyObject): void {
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('The agent signature key must be an ECDSA P-256 key');
  }
}
