import { describe, expect, it } from 'vitest';

import { polylinePoints } from './line-chart';
import { type StatsSample, ratesBetween } from './stats-tab';

function sample(read: string, n: number): StatsSample {
  return {
    read,
    cpuPercent: 10,
    memoryUsage: 1,
    memoryLimit: 2,
    networkRx: n * 1000,
    networkTx: n * 500,
    blockRead: n * 4096,
    blockWrite: 0,
    pids: 1,
  };
}

describe('stats', () => {
  it('turns cumulative counters into per-second rates (never negative after a counter reset)', () => {
    expect(ratesBetween(sample('2026-11-23T02:00:00Z', 1), sample('2026-11-23T02:00:02Z', 5))).toEqual({
      rx: 2000,
      tx: 1000,
      read: 8192,
      write: 0,
    });
    expect(ratesBetween(sample('2026-11-23T02:00:00Z', 5), sample('2026-11-23T02:00:01Z', 1)).rx).toBe(0);
  });

  it('draws the newest sample at the right edge, scaled to the top', () => {
    expect(polylinePoints([0, 50, 100], 100, 3)).toBe('0.0,88.0 150.0,45.0 300.0,2.0');
    // Fewer samples than slots: they start further right.
    expect(polylinePoints([100], 100, 3)).toBe('300.0,2.0');
    expect(polylinePoints([], 100, 3)).toBe('');
  });
});
