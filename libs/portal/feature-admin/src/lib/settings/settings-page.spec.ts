import { describe, expect, it } from 'vitest';

import { validateSettings } from './settings-page';

describe('validateSettings', () => {
  it('accepts sensible values', () => {
    expect(validateSettings('8h', 12, 90, [{ name: 'hidden', value: '' }])).toEqual({
      timeout: null,
      passwordLength: null,
      retention: null,
      labels: null,
    });
    expect(validateSettings('1h30m', 1, 1, []).timeout).toBeNull();
  });

  it('says what is wrong with each bad value', () => {
    const errors = validateSettings('eight hours', 0, 0, [{ name: ' ', value: 'x' }]);
    expect(errors.timeout).toContain('duration');
    expect(errors.passwordLength).toContain('Between 1 and 128');
    expect(errors.retention).toContain('At least 1 day');
    expect(errors.labels).toContain('needs a name');
    expect(validateSettings('', Number.NaN, 2.5, []).passwordLength).not.toBeNull();
  });
});
