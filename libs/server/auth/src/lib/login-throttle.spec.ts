import { describe, expect, it } from 'vitest';
import { ClockPort } from '@capstan/server-core';
import { LoginThrottle, throttleKeys, USERNAME_POLICY } from './login-throttle';

class FakeClock extends ClockPort {
  t = 1_000_000;
  now(): number {
    return this.t;
  }
}

describe('LoginThrottle', () => {
  it('locks a username after the allowed failures, then unlocks', () => {
    const clock = new FakeClock();
    const throttle = new LoginThrottle(clock);
    const keys = throttleKeys('10.0.0.1', 'Alice');
    for (let i = 0; i < USERNAME_POLICY.maxFailures - 1; i++) throttle.recordFailure(keys);
    expect(throttle.retryAfter(keys)).toBe(0);
    throttle.recordFailure(keys);
    expect(throttle.retryAfter(keys)).toBe(USERNAME_POLICY.lockMs / 1000);
    // Same user from another address is locked too; case does not matter.
    expect(throttle.retryAfter(throttleKeys('10.0.0.2', 'alice'))).toBeGreaterThan(0);
    clock.t += USERNAME_POLICY.lockMs + 1;
    expect(throttle.retryAfter(keys)).toBe(0);
  });

  it('forgets failures outside the window', () => {
    const clock = new FakeClock();
    const throttle = new LoginThrottle(clock);
    const keys = throttleKeys('10.0.0.1', 'bob');
    for (let i = 0; i < USERNAME_POLICY.maxFailures - 1; i++) throttle.recordFailure(keys);
    clock.t += USERNAME_POLICY.windowMs + 1;
    throttle.recordFailure(keys);
    expect(throttle.retryAfter(keys)).toBe(0);
  });

  it('clears the username count on success', () => {
    const throttle = new LoginThrottle(new FakeClock());
    const keys = throttleKeys('10.0.0.1', 'carol');
    for (let i = 0; i < USERNAME_POLICY.maxFailures - 1; i++) throttle.recordFailure(keys);
    throttle.recordSuccess('user:carol');
    throttle.recordFailure(keys);
    expect(throttle.retryAfter(keys)).toBe(0);
  });
});
