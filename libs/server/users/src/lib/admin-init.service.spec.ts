import { describe, expect, it } from 'vitest';
import { CapstanLogger, ClockPort, loadConfig } from '@capstan/server-core';
import { AdminInitService } from './admin-init.service';
import type { UsersService } from './users.service';

class FakeClock extends ClockPort {
  t = 0;
  now(): number {
    return this.t;
  }
}

function setup(adminExists: () => boolean) {
  const clock = new FakeClock();
  const created: string[] = [];
  const users = {
    adminExists: () => Promise.resolve(adminExists()),
    initAdmin: (name: string) => {
      created.push(name);
      return Promise.resolve({});
    },
  } as unknown as UsersService;
  const config = loadConfig({
    CAPSTAN_ADMIN_INIT_TIMEOUT: '5m',
    CAPSTAN_ADMIN_PASSWORD: 'from-the-environment',
  });
  const service = new AdminInitService(
    config,
    users,
    clock,
    new CapstanLogger('error', 'json', () => undefined),
  );
  return { service, clock, created };
}

describe('AdminInitService', () => {
  it('stays open during the window, locks after it, and stays locked', async () => {
    let exists = false;
    const { service, clock } = setup(() => exists);
    clock.t = 4 * 60_000;
    expect(await service.isLockedOut()).toBe(false);
    clock.t = 5 * 60_000 + 1;
    expect(await service.isLockedOut()).toBe(true);
    exists = true; // e.g. created directly in the database: only a restart unlocks
    expect(await service.isLockedOut()).toBe(true);
  });

  it('never locks once an administrator exists', async () => {
    const { service, clock } = setup(() => true);
    clock.t = 60 * 60_000;
    expect(await service.isLockedOut()).toBe(false);
  });

  it('creates the administrator from configuration at boot', async () => {
    const { service, created } = setup(() => false);
    await service.onApplicationBootstrap();
    expect(created).toEqual(['admin']);
  });
});
