import { describe, expect, it } from 'vitest';
import {
  EdgeKeyError,
  chiselUserAddr,
  decodeEdgeKey,
  decryptTunnelCredentials,
  encodeEdgeKey,
  encryptTunnelCredentials,
  etagMatches,
  fnv1a32Hex,
  reverseRemote,
} from './edge';

const key = {
  portainerUrl: 'https://capstan:9443',
  tunnelAddr: 'capstan:8000',
  fingerprint: 'abc+/=',
  endpointId: 7,
};

describe('edge key', () => {
  it('encodes base64 without padding and decodes back', () => {
    const encoded = encodeEdgeKey(key);
    expect(encoded).not.toMatch(/=/);
    expect(Buffer.from(encoded, 'base64').toString()).toBe('https://capstan:9443|capstan:8000|abc+/=|7');
    expect(decodeEdgeKey(encoded)).toEqual(key);
  });

  it('reads the key Portainer documents (global key, endpoint 0)', () => {
    // "http://portainer:9000|portainer:8000|fp|0", RawStd as Go's base64.RawStdEncoding writes it
    const go = 'aHR0cDovL3BvcnRhaW5lcjo5MDAwfHBvcnRhaW5lcjo4MDAwfGZwfDA';
    expect(decodeEdgeKey(go)).toEqual({
      portainerUrl: 'http://portainer:9000',
      tunnelAddr: 'portainer:8000',
      fingerprint: 'fp',
      endpointId: 0,
    });
  });

  it.each([
    ['padded', Buffer.from('http://a|b:8000|fp|1').toString('base64') + '=='],
    ['three fields', Buffer.from('http://a|b:8000|1').toString('base64').replace(/=+$/, '')],
    ['five fields', Buffer.from('http://a|b:8000|fp|1|x').toString('base64').replace(/=+$/, '')],
    ['non-integer id', Buffer.from('http://a|b:8000|fp|1.5').toString('base64').replace(/=+$/, '')],
    ['negative id', Buffer.from('http://a|b:8000|fp|-1').toString('base64').replace(/=+$/, '')],
    ['not base64', 'not a key!'],
    ['empty', ''],
    ['url-safe alphabet', Buffer.from('http://a|b:8000|f?>|1').toString('base64url')],
  ])('refuses a %s key', (_name, raw) => {
    expect(() => decodeEdgeKey(raw)).toThrow(EdgeKeyError);
  });

  it('refuses to encode a field with the separator', () => {
    expect(() => encodeEdgeKey({ ...key, portainerUrl: 'http://a|b' })).toThrow();
  });
});

describe('tunnel credentials', () => {
  it('match an independent AES-256-GCM implementation (Python cryptography) for a fixed nonce', () => {
    const nonce = Buffer.from('000102030405060708090a0b', 'hex');
    // python3: AESGCM(md5(b"edge-1").hexdigest().encode()).encrypt(nonce, b"user1234:pass5678", None)
    expect(encryptTunnelCredentials('edge-1', 'user1234:pass5678', nonce)).toBe(VECTOR);
  });

  it('round-trip with the right edge id only', () => {
    const sealed = encryptTunnelCredentials('5a9f7c1e-edge', 'abcdefgh:ijklmnop');
    expect(sealed).not.toMatch(/=/);
    expect(decryptTunnelCredentials('5a9f7c1e-edge', sealed)).toBe('abcdefgh:ijklmnop');
    expect(() => decryptTunnelCredentials('another-edge', sealed)).toThrow();
    expect(() => decryptTunnelCredentials('5a9f7c1e-edge', 'AAAA')).toThrow();
  });
});

describe('poll ETag', () => {
  it('is FNV-1a-32 in lowercase hex', () => {
    // published FNV-1a-32 test vectors
    expect(fnv1a32Hex('')).toBe('811c9dc5');
    expect(fnv1a32Hex('a')).toBe('e40c292c');
    expect(fnv1a32Hex('foobar')).toBe('bf9cf968');
  });

  it('matches an If-None-Match list, quoted or weak', () => {
    expect(etagMatches('1234abcd', '1234abcd')).toBe(true);
    expect(etagMatches('ffff0000, "1234abcd"', '1234abcd')).toBe(true);
    expect(etagMatches('W/"1234abcd"', '1234abcd')).toBe(true);
    expect(etagMatches('1234abce', '1234abcd')).toBe(false);
    expect(etagMatches(undefined, '1234abcd')).toBe(false);
  });
});

describe('chisel remotes', () => {
  it('a reverse remote is allowed as R:0.0.0.0:<port>', () => {
    expect(chiselUserAddr(reverseRemote(50000, '127.0.0.1', 9001))).toBe('R:0.0.0.0:50000');
  });
});

const VECTOR = 'AAECAwQFBgcICQoLrsuYPDSf1M2s/4/iptRWiElikt2seTQ4WXuTWFrQh3xC';
