import { describe, expect, it } from 'vitest';
import { describeEdgeCron, parseEdgeCron, parseRunOnce } from './edge-cron';

const NOW = new Date('2026-12-07T23:50:00Z');

describe('parseEdgeCron', () => {
  it('accepts standard five-field expressions and normalises spaces', () => {
    const r = parseEdgeCron('  */5   *  * * * ', NOW);
    expect(r).toMatchObject({ ok: true, expression: '*/5 * * * *' });
    expect(r.ok && r.next.toISOString()).toBe('2026-12-07T23:55:00.000Z');
    expect(parseEdgeCron('0 12 * jan-mar MON-fri', NOW)).toMatchObject({ ok: true });
    expect(parseEdgeCron('@Hourly', NOW)).toMatchObject({ ok: true, expression: '@hourly' });
  });

  it('drops the seconds of a six-field expression (Portainer)', () => {
    expect(parseEdgeCron('30 */2 * * * *', NOW)).toMatchObject({ ok: true, expression: '*/2 * * * *' });
  });

  it.each([
    ['', 'empty'],
    ['* * *', 'five fields'],
    ['61 * * * *', 'minute'],
    ['*/0 * * * *', 'stepping'],
    ['0 0 L * *', 'host cron'],
    ['0 0 1W * *', 'host cron'],
    ['0 0 ? * *', 'host cron'],
    ['0 0 * * 1#2', 'host cron'],
    ['0 0 * foo *', 'host cron'],
    ['0 0 31 2 *', 'never runs'],
    ['@reboot', 'nickname'],
    ['0 0 * * *; rm -rf /', 'five fields'],
    ['0 0 * * *\nroot evil', 'one line'],
  ])('refuses %j', (input, message) => {
    const r = parseEdgeCron(input, NOW);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain(message);
  });
});

describe('parseRunOnce', () => {
  it('needs one moment', () => {
    expect(parseRunOnce('30 14 24 12 *', NOW)).toMatchObject({ ok: true });
    expect(parseRunOnce('*/5 * * * *', NOW).ok).toBe(false);
    expect(parseRunOnce('30 14 24 12 1', NOW).ok).toBe(false);
  });
});

describe('describeEdgeCron', () => {
  it.each([
    ['* * * * *', 'every minute'],
    ['*/5 * * * *', 'every 5 minutes'],
    ['0 12 * * 1-5', 'at 12:00 on Monday to Friday'],
    ['30 2 * * *', 'at 02:30 every day'],
    ['0 0 1 jan *', 'at 00:00 on day 1 of the month in January'],
    ['@daily', 'every day at 00:00'],
  ])('%s → %s', (expression, words) => {
    expect(describeEdgeCron(expression)).toBe(words);
  });
});
