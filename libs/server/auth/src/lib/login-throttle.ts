import { Injectable } from '@nestjs/common';
import { ClockPort } from '@capstan/server-core';

export interface ThrottlePolicy {
  /** Failures allowed within the window before the key is locked. */
  readonly maxFailures: number;
  readonly windowMs: number;
  /** Lock duration after the limit is reached. */
  readonly lockMs: number;
}

/** Per client address: generous (shared NATs), per username: strict. */
export const ADDRESS_POLICY: ThrottlePolicy = { maxFailures: 20, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };
export const USERNAME_POLICY: ThrottlePolicy = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 5 * 60_000 };
const MAX_TRACKED_KEYS = 50_000;

interface Entry {
  failures: number[];
  lockedUntil: number;
}

/**
 * Failed-login throttling. In memory, per process: with several replicas each enforces its own limit,
 * which still bounds guessing to replicas × limit.
 */
@Injectable()
export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: ClockPort) {}

  /** Seconds until `keys` may try again, or 0. */
  retryAfter(keys: { key: string; policy: ThrottlePolicy }[]): number {
    const now = this.clock.now();
    let wait = 0;
    for (const { key } of keys) {
      const e = this.entries.get(key);
      if (e && e.lockedUntil > now) wait = Math.max(wait, Math.ceil((e.lockedUntil - now) / 1000));
    }
    return wait;
  }

  recordFailure(keys: { key: string; policy: ThrottlePolicy }[]): void {
    const now = this.clock.now();
    if (this.entries.size > MAX_TRACKED_KEYS) this.sweep(now);
    for (const { key, policy } of keys) {
      const e = this.entries.get(key) ?? { failures: [], lockedUntil: 0 };
      e.failures = e.failures.filter((t) => now - t < policy.windowMs);
      e.failures.push(now);
      if (e.failures.length >= policy.maxFailures) {
        e.lockedUntil = now + policy.lockMs;
        e.failures = [];
      }
      this.entries.set(key, e);
    }
  }

  recordSuccess(key: string): void {
    this.entries.delete(key);
  }

  private sweep(now: number): void {
    for (const [key, e] of this.entries) {
      if (e.lockedUntil < now && e.failures.every((t) => now - t > USERNAME_POLICY.windowMs))
        this.entries.delete(key);
    }
  }
}

export function throttleKeys(origin: string, username: string): { key: string; policy: ThrottlePolicy }[] {
  return [
    { key: `addr:${origin}`, policy: ADDRESS_POLICY },
    { key: `user:${username.toLowerCase()}`, policy: USERNAME_POLICY },
  ];
}
