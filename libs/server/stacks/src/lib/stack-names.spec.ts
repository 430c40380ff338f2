import { describe, expect, it } from 'vitest';
import { checkStackName, normalizeStackName } from './stack-names';

describe('stack names (Portainer: normalised like a compose project name)', () => {
  it('lower-cases and drops what compose does not allow', () => {
    expect(normalizeStackName('My App')).toBe('myapp');
    expect(normalizeStackName('web_1-Prod')).toBe('web_1-prod');
    expect(normalizeStackName('../etc/passwd')).toBe('etcpasswd');
    expect(normalizeStackName('-_lead')).toBe('lead');
  });

  it('refuses names with nothing left, blanks, non-strings and very long names', () => {
    expect(checkStackName('---')).toMatchObject({ ok: false });
    expect(checkStackName('  ')).toMatchObject({ ok: false });
    expect(checkStackName(42)).toMatchObject({ ok: false });
    expect(checkStackName('a'.repeat(256))).toMatchObject({ ok: false });
    expect(checkStackName('Wordpress')).toEqual({ ok: true, name: 'wordpress' });
  });
});
