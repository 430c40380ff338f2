import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  it('round-trips and never stores the plain text', () => {
    const box = new SecretBox('k'.repeat(40));
    const sealed = box.seal('registry-password');
    expect(sealed).not.toContain('registry-password');
    expect(sealed.startsWith('v1:')).toBe(true);
    expect(box.open(sealed)).toBe('registry-password');
  });

  it('uses a fresh nonce each time', () => {
    const box = new SecretBox('k'.repeat(40));
    expect(box.seal('x')).not.toBe(box.seal('x'));
  });

  it('refuses another key and tampered data', () => {
    const sealed = new SecretBox('a'.repeat(40)).seal('secret');
    expect(() => new SecretBox('b'.repeat(40)).open(sealed)).toThrow();
    const raw = Buffer.from(sealed.slice(3), 'base64');
    raw[raw.length - 1] ^= 1;
    expect(() => new SecretBox('a'.repeat(40)).open('v1:' + raw.toString('base64'))).toThrow();
  });
});
