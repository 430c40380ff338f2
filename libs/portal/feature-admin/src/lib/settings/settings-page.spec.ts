import { describe, expect, it } from 'vitest';

import { validateSettings, validateSnapshots } from './settings-page';

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

describe('validateSnapshots', () => {
  it('accepts durations and 1–64 environments at once', () => {
    expect(validateSnapshots('5m', 8, '10s')).toEqual({ interval: null, concurrency: null, deadline: null });
    expect(validateSnapshots('1h30m', 64, '1m').concurrency).toBeNull();
  });

  it('names each bad value', () => {
    const errors = validateSnapshots('often', 0, '');
    expect(errors.interval).toContain('duration');
    expect(errors.concurrency).toContain('Between 1 and 64');
    expect(errors.deadline).toContain('duration');
    expect(validateSnapshots('5m', 65, '10s').concurrency).not.toBeNull();
    expect(validateSnapshots('5m', 2.5, '10s').concurrency).not.toBeNull();
  });
});
