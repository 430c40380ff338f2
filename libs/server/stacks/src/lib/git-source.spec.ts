import { describe, expect, it } from 'vitest';
import { parseGoDuration, readAdditionalFiles, readAutoUpdate } from './git-source';

const details = (re: RegExp): unknown => expect.objectContaining({ details: expect.stringMatching(re) });

describe('git stack settings', () => {
  it('parses Go durations', () => {
    expect(parseGoDuration('5m')).toBe(300_000);
    expect(parseGoDuration('1h30m')).toBe(5_400_000);
    expect(parseGoDuration('1.5s')).toBe(1500);
    expect(parseGoDuration('250ms')).toBe(250);
    for (const bad of ['', '5', 'm', '5 m', '-5m', '5d', '1h 2m'])
      expect(parseGoDuration(bad)).toBeUndefined();
  });

  it('reads AutoUpdate: null when off, an interval of at least a second, a UUID webhook', () => {
    expect(readAutoUpdate(null, '1')).toBeNull();
    expect(readAutoUpdate({ Interval: '', Webhook: '' }, '1')).toBeNull();
    expect(readAutoUpdate({ interval: '5m', forceUpdate: true }, '7')).toEqual({
      Interval: '5m',
      Webhook: '',
      ForceUpdate: true,
      ForcePullImage: false,
      JobID: '7',
    });
    const uuid = '0F8FAD5B-D9CB-469F-A165-70867728950E';
    expect(readAutoUpdate({ Webhook: uuid }, '7')).toMatchObject({ Webhook: uuid.toLowerCase(), JobID: '' });
    expect(() => readAutoUpdate({ Interval: '500ms' }, '1')).toThrow(/Invalid AutoUpdate/);
    expect(() => readAutoUpdate({ Interval: 'often' }, '1')).toThrow(/Invalid AutoUpdate/);
    expect(() => readAutoUpdate({ Webhook: 'x' }, '1')).toThrow(/Invalid AutoUpdate/);
    expect(() => readAutoUpdate({ Interval: 5 }, '1')).toThrow(/Interval/);
    expect(() => readAutoUpdate([], '1')).toThrow(/AutoUpdate/);
  });

  it('reads AdditionalFiles inside the repository, without duplicates', () => {
    expect(readAdditionalFiles(undefined, 'a.yml')).toEqual([]);
    expect(readAdditionalFiles(['b.yml', 'c/d.yml'], 'a.yml')).toEqual(['b.yml', 'c/d.yml']);
    expect(() => readAdditionalFiles(['a.yml'], 'a.yml')).toThrow(details(/twice/));
    expect(() => readAdditionalFiles(['../x.yml'], 'a.yml')).toThrow(/path/i);
    expect(() => readAdditionalFiles('b.yml', 'a.yml')).toThrow(details(/list/));
    expect(() => readAdditionalFiles(new Array(21).fill('x.yml'), 'a.yml')).toThrow(details(/at most 20/));
  });
});
