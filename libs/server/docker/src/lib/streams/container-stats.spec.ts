import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { containerStats, type EngineStatsSample } from './container-stats';

/** Two consecutive samples captured from a real engine (`GET /containers/{id}/stats?stream=1`). */
const fixture = JSON.parse(
  readFileSync(join(__dirname, 'fixtures', 'docker-stats.cgroup1.json'), 'utf8'),
) as { samples: [EngineStatsSample, EngineStatsSample] };
const [first, second] = fixture.samples;

/** A copy of the real sample with some parts replaced. */
function sampleWith(patch: Partial<EngineStatsSample>): EngineStatsSample {
  return { ...structuredClone(second), ...patch };
}

describe('containerStats (real engine sample, cgroup v1)', () => {
  it('computes what `docker stats` shows', () => {
    const s = containerStats(second);
    expect(s.read).toBe('2026-11-23T02:16:38.492734174Z');
    // (45432767 - 36026548) / (14315060000000 - 14313090000000) * 2 CPUs * 100
    expect(s.cpuPercent).toBeCloseTo(((45432767 - 36026548) / 1970000000) * 2 * 100, 10);
    expect(s.cpuPercent).toBeGreaterThan(0.9);
    expect(s.cpuPercent).toBeLessThan(1);
    // usage 2256896 minus total_inactive_file 348160
    expect(s.memoryUsage).toBe(2256896 - 348160);
    expect(s.memoryLimit).toBe(25276502016);
    expect(s.networkRx).toBe(736);
    expect(s.networkTx).toBe(0);
    expect(s.blockRead).toBe(0);
    expect(s.blockWrite).toBe(0);
    expect(s.pids).toBe(2);
  });

  it('reports 0 % CPU on the first sample, which has no previous one', () => {
    expect(first.precpu_stats?.system_cpu_usage).toBeUndefined();
    expect(containerStats(first).cpuPercent).toBe(0);
  });
});

describe('containerStats, other engines and shapes', () => {
  it('subtracts inactive_file on cgroup v2 and never goes below zero', () => {
    expect(
      containerStats(
        sampleWith({ memory_stats: { usage: 1000, limit: 4000, stats: { inactive_file: 300 } } }),
      ).memoryUsage,
    ).toBe(700);
    expect(
      containerStats(sampleWith({ memory_stats: { usage: 1000, stats: { inactive_file: 5000 } } }))
        .memoryUsage,
    ).toBe(1000);
  });

  it('sums every network interface and block device, read/write in either case', () => {
    const s = containerStats(
      sampleWith({
        networks: { eth0: { rx_bytes: 10, tx_bytes: 1 }, eth1: { rx_bytes: 5, tx_bytes: 2 } },
        blkio_stats: {
          io_service_bytes_recursive: [
            { op: 'Read', value: 100 },
            { op: 'Write', value: 40 },
            { op: 'read', value: 1 },
            { op: 'write', value: 2 },
            { op: 'Total', value: 143 },
          ],
        },
      }),
    );
    expect([s.networkRx, s.networkTx, s.blockRead, s.blockWrite]).toEqual([15, 3, 101, 42]);
  });

  it('uses the per-CPU list when online_cpus is missing (older engines)', () => {
    const s = containerStats(
      sampleWith({
        cpu_stats: { cpu_usage: { total_usage: 300, percpu_usage: [1, 2, 3, 4] }, system_cpu_usage: 2000 },
        precpu_stats: { cpu_usage: { total_usage: 100 }, system_cpu_usage: 1000 },
      }),
    );
    expect(s.cpuPercent).toBeCloseTo(80);
  });

  it('survives a stopped container’s empty sample', () => {
    expect(containerStats({ read: '0001-01-01T00:00:00Z', networks: null, pids_stats: null })).toEqual({
      read: '0001-01-01T00:00:00Z',
      cpuPercent: 0,
      memoryUsage: 0,
      memoryLimit: 0,
      networkRx: 0,
      networkTx: 0,
      blockRead: 0,
      blockWrite: 0,
      pids: 0,
    });
  });
});
