import { Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { describe, expect, it } from 'vitest';

import { RelativeTime, TimePipe, formatTime, timeAgo, toDate } from './time';

const local = (y: number, mo: number, d: number, h: number, mi: number, s = 0) =>
  new Date(y, mo - 1, d, h, mi, s);
const seconds = (d: Date) => d.getTime() / 1000;

describe('formatTime', () => {
  const t = local(2026, 11, 3, 9, 5, 7);

  it('shows unix seconds, ISO strings and dates in one format', () => {
    expect(formatTime(seconds(t))).toBe('2026-11-03 09:05');
    expect(formatTime(t.toISOString())).toBe('2026-11-03 09:05');
    expect(formatTime(t)).toBe('2026-11-03 09:05');
    expect(formatTime(t, { seconds: true })).toBe('2026-11-03 09:05:07');
  });

  it('shows unknown times as a dash (0, empty, Go zero time, garbage)', () => {
    for (const v of [0, '', null, undefined, '0001-01-01T00:00:00Z', 'soon']) expect(formatTime(v)).toBe('—');
    expect(toDate('0001-01-01T00:00:00Z')).toBeNull();
  });
});

describe('timeAgo', () => {
  const now = local(2026, 11, 3, 12, 0).getTime();
  const ago = (ms: number) => (now - ms) / 1000;

  it('says how long ago in words', () => {
    expect(timeAgo(ago(10_000), now)).toBe('just now');
    expect(timeAgo(ago(2 * 60_000), now)).toBe('2 min ago');
    expect(timeAgo(ago(3 * 3_600_000), now)).toBe('3 h ago');
    expect(timeAgo(ago(24 * 3_600_000), now)).toBe('1 day ago');
    expect(timeAgo(ago(5 * 24 * 3_600_000), now)).toBe('5 days ago');
    expect(timeAgo(ago(-10 * 60_000), now)).toBe('in 10 min');
  });

  it('gives the date beyond a month, and a dash when unknown', () => {
    expect(timeAgo(ago(60 * 24 * 3_600_000), now)).toBe('2026-09-04');
    expect(timeAgo(0, now)).toBe('—');
  });
});

@Component({
  imports: [RelativeTime, TimePipe],
  template: `<span id="pipe">{{ value() | capTime }}</span
    ><span id="sec">{{ value() | capTime: 'seconds' }}</span
    ><cap-time id="rel" [value]="value()" [now]="now()" /><cap-time
      id="abs"
      [value]="value()"
      [relative]="false"
    />`,
})
class Host {
  readonly value = signal<number | string>(seconds(local(2026, 11, 3, 11, 58, 30)));
  readonly now = signal(local(2026, 11, 3, 12, 0).getTime());
}

describe('capTime pipe and <cap-time>', () => {
  it('render the one format, and the relative time with the exact one as tooltip', async () => {
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelector('#pipe')?.textContent).toBe('2026-11-03 11:58');
    expect(el.querySelector('#sec')?.textContent).toBe('2026-11-03 11:58:30');
    const rel = el.querySelector('#rel time');
    expect(rel?.textContent?.trim()).toBe('2 min ago');
    expect(rel?.getAttribute('title')).toBe('2026-11-03 11:58');
    expect(el.querySelector('#abs time')?.textContent?.trim()).toBe('2026-11-03 11:58');

    fixture.componentInstance.now.set(local(2026, 11, 3, 15, 0).getTime());
    await fixture.whenStable();
    expect(el.querySelector('#rel time')?.textContent?.trim()).toBe('3 h ago');
  });
});
