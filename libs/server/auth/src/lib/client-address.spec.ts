import { describe, expect, it } from 'vitest';
import { clientAddress, trustedProxies } from './client-address';

describe('clientAddress behind trusted proxies', () => {
  const proxies = trustedProxies(['127.0.0.1', '10.0.0.0/8', 'fd00::/8']);

  it('ignores X-Forwarded-For when no proxy is trusted, or the peer is not one', () => {
    expect(clientAddress('::ffff:192.0.2.7', '203.0.113.9', undefined)).toBe('192.0.2.7');
    expect(clientAddress('192.0.2.7', '203.0.113.9', proxies)).toBe('192.0.2.7');
  });

  it('takes the first untrusted hop from the right', () => {
    expect(clientAddress('127.0.0.1', '203.0.113.9', proxies)).toBe('203.0.113.9');
    expect(clientAddress('127.0.0.1', '198.51.100.1, 203.0.113.9, 10.1.2.3', proxies)).toBe('203.0.113.9');
    expect(clientAddress('fd00::1', ['203.0.113.9', '10.0.0.2'], proxies)).toBe('203.0.113.9');
  });

  it('stops at garbage and falls back to the last trusted hop', () => {
    expect(clientAddress('127.0.0.1', 'not-an-ip', proxies)).toBe('127.0.0.1');
    expect(clientAddress('127.0.0.1', '10.0.0.5', proxies)).toBe('10.0.0.5');
    expect(clientAddress(undefined, undefined, proxies)).toBe('unknown');
  });
});
