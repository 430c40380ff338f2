import { describe, expect, it } from 'vitest';
import { csvCell } from './audit.controller';
import { MAX_PAYLOAD_CHARS, payloadText, REDACTED, redact, redactPath } from './redact';

describe('redact', () => {
  it('replaces secrets at any depth and keeps the rest', () => {
    expect(
      redact({
        username: 'a',
        Password: 'p',
        nested: { newPassword: 'n', clientSecret: 's', list: [{ token: 't', name: 'x' }] },
      }),
    ).toEqual({
      username: 'a',
      Password: REDACTED,
      nested: { newPassword: REDACTED, clientSecret: REDACTED, list: [{ token: REDACTED, name: 'x' }] },
    });
  });

  it('truncates huge payloads and leaves empty ones empty', () => {
    expect(payloadText({ data: 'x'.repeat(MAX_PAYLOAD_CHARS * 2) }).length).toBeLessThan(
      MAX_PAYLOAD_CHARS + 20,
    );
    expect(payloadText({})).toBe('');
    expect(payloadText(undefined)).toBe('');
  });
});

describe('csvCell', () => {
  it('quotes separators and neutralises formulas', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell(null)).toBe('');
    expect(csvCell(42)).toBe('42');
  });
});

describe('redactPath', () => {
  it('hides webhook tokens in paths, keeps ids and other paths', () => {
    expect(redactPath('/api/webhooks/0b8e2a5c-1f4e-4a0e-9a51-5d1b2c3d4e5f')).toBe('/api/webhooks/[REDACTED]');
    expect(redactPath('/api/webhooks/12')).toBe('/api/webhooks/12');
    expect(redactPath('/api/webhooks')).toBe('/api/webhooks');
    expect(redactPath('/api/stacks/webhooks/0b8e2a5c-1f4e-4a0e-9a51-5d1b2c3d4e5f')).toBe(
      '/api/stacks/webhooks/[REDACTED]',
    );
    expect(redactPath('/api/stacks/12')).toBe('/api/stacks/12');
    expect(redactPath('/api/users/3')).toBe('/api/users/3');
  });
});
