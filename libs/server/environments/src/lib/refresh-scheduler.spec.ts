import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RefreshScheduler } from './refresh-scheduler';

describe('RefreshScheduler', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const make = (run = vi.fn((_key: number) => Promise.resolve())) => ({
    run,
    scheduler: new RefreshScheduler(run, { quietMs: 500, maxWaitMs: 2000, now: () => Date.now() }),
  });

  it('runs once, quietMs after the last request of a burst, per key', async () => {
    const { run, scheduler } = make();
    scheduler.request(1);
    await vi.advanceTimersByTimeAsync(300);
    scheduler.request(1);
    scheduler.request(2);
    await vi.advanceTimersByTimeAsync(300);
    scheduler.request(1);
    expect(run).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(499);
    expect(run.mock.calls).toEqual([[2]]);
    await vi.advanceTimersByTimeAsync(1);
    expect(run.mock.calls).toEqual([[2], [1]]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('does not wait longer than maxWaitMs while requests keep coming', async () => {
    const { run, scheduler } = make();
    for (let t = 0; t < 2000; t += 250) {
      scheduler.request(7);
      await vi.advanceTimersByTimeAsync(250);
    }
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('never overlaps runs of one key, and runs again after a request made during a run', async () => {
    let finish!: () => void;
    const run = vi.fn(() => new Promise<void>((r) => (finish = r)));
    const { scheduler } = make(run);
    scheduler.request(1);
    await vi.advanceTimersByTimeAsync(500);
    expect(run).toHaveBeenCalledTimes(1);
    scheduler.request(1);
    scheduler.request(1);
    await vi.advanceTimersByTimeAsync(5000);
    expect(run).toHaveBeenCalledTimes(1);
    finish();
    await vi.advanceTimersByTimeAsync(500);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('keeps going after a failed run, and does nothing once stopped', async () => {
    const run = vi.fn(() => Promise.reject(new Error('down')));
    const { scheduler } = make(run);
    scheduler.request(1);
    await vi.advanceTimersByTimeAsync(500);
    scheduler.request(1);
    await vi.advanceTimersByTimeAsync(500);
    expect(run).toHaveBeenCalledTimes(2);
    scheduler.request(1);
    scheduler.stop();
    scheduler.request(1);
    await vi.advanceTimersByTimeAsync(5000);
    expect(run).toHaveBeenCalledTimes(2);
  });
});
