import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { EdgeKey } from './edge-wire';

export * from './edge-wire';
export { fnv1a32Hex } from './fnv';

/**
 * The edge protocol's wire facts shared by the server and the agent (Portainer's `edge/key.go`,
 * `api/chisel/key.go`, `pkg/libcrypto`, `endpointedge_status_inspect.go`).
 */

const RAW_STD_BASE64 = /^[A-Za-z0-9+/]+$/;

/** Base64 **RawStd** (no padding), as Go's agent decodes it: a padded key is refused there, so here too. */
export function encodeEdgeKey(key: EdgeKey): string {
  for (const [name, value] of Object.entries(key))
    if (String(value).includes('|')) throw new Error(`Edge key ${name} must not contain '|'`);
  const text = `${key.portainerUrl}|${key.tunnelAddr}|${key.fingerprint}|${key.endpointId}`;
  return Buffer.from(text, 'utf8').toString('base64').replace(/=+$/, '');
}

export class EdgeKeyError extends Error {}

/** Parses an edge key exactly as the agent does: RawStd base64, four fields, an integer endpoint id. */
export function decodeEdgeKey(raw: string): EdgeKey {
  const encoded = raw.trim();
  if (encoded === '' || encoded.length > 8192) throw new EdgeKeyError('Edge key is empty or too long');
  if (!RAW_STD_BASE64.test(encoded) || encoded.length % 4 === 1)
    throw new EdgeKeyError('Edge key is not base64 without padding');
  const text = Buffer.from(encoded, 'base64').toString('utf8');
  const parts = text.split('|');
  if (parts.length !== 4) throw new EdgeKeyError('Edge key does not have 4 fields');
  const [portainerUrl, tunnelAddr, fingerprint, id] = parts as [string, string, string, string];
  if (!/^\d{1,10}$/.test(id)) throw new EdgeKeyError('Edge key endpoint id is not an integer');
  const endpointId = Number(id);
  if (!Number.isSafeInteger(endpointId)) throw new EdgeKeyError('Edge key endpoint id is out of range');
  if (portainerUrl === '' || tunnelAddr === '') throw new EdgeKeyError('Edge key has an empty address');
  return { portainerUrl, tunnelAddr, fingerprint, endpointId };
}

/** AES key of the tunnel credentials: the 32 ASCII bytes of the lowercase hex MD5 of the edge id. */
function credentialsKey(edgeId: string): Buffer {
  return Buffer.from(createHash('md5').update(edgeId, 'utf8').digest('hex'), 'ascii');
}

/** `credentials` of the poll answer: base64 RawStd of `nonce(12) | ciphertext | tag(16)`, AES-256-GCM, no AAD. */
export function encryptTunnelCredentials(edgeId: string, plaintext: string, nonce = randomBytes(12)): string {
  const cipher = createCipheriv('aes-256-gcm', credentialsKey(edgeId), nonce);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64').replace(/=+$/, '');
}

/** The agent's side: `user:pass`, or an error when the edge id (the key) is not the one it was sealed for. */
export function decryptTunnelCredentials(edgeId: string, encoded: string): string {
  const raw = Buffer.from(encoded, 'base64');
  if (raw.length < 12 + 16) throw new Error('Tunnel credentials are too short');
  const decipher = createDecipheriv('aes-256-gcm', credentialsKey(edgeId), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString(
    'utf8',
  );
}

/** chisel's host-key fingerprint: base64 (padded, as Go's StdEncoding) of SHA-256 of the public key blob. */
export function chiselFingerprint(publicKeyBlob: Buffer): string {
  return createHash('sha256').update(publicKeyBlob).digest('base64');
}
