import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { CAPSTAN_CONFIG, CapstanConfig, CapstanLogger, ClockPort } from '@capstan/server-core';
import { UsersService } from './users.service';

/**
 * First-run administrator: created at boot from CAPSTAN_ADMIN_PASSWORD(_FILE), or through the API within
 * the initialisation window. When the window closes with no administrator, the instance locks until restart
 * (so an exposed fresh instance cannot be claimed by a stranger later).
 */
@Injectable()
export class AdminInitService implements OnApplicationBootstrap {
  private readonly bootedAt: number;
  private lockedOut = false;

  constructor(
    @Inject(CAPSTAN_CONFIG) private readonly config: CapstanConfig,
    private readonly users: UsersService,
    private readonly clock: ClockPort,
    private readonly logger: CapstanLogger,
  ) {
    this.bootedAt = clock.now();
  }

  async onApplicationBootstrap(): Promise<void> {
    const password = await this.configuredPassword();
    if (password === undefined || (await this.users.adminExists())) return;
    await this.users.initAdmin(this.config.adminUsername, password);
    this.logger.write('info', 'administrator created from configuration', {
      username: this.config.adminUsername,
    });
  }

  /** True once the window closed without an administrator; stays true until restart. */
  async isLockedOut(): Promise<boolean> {
    if (this.lockedOut) return true;
    if (this.clock.now() - this.bootedAt < this.config.adminInitTimeoutMs) return false;
    if (await this.users.adminExists()) return false;
    this.lockedOut = true;
    this.logger.write(
      'warn',
      'no administrator was created in time: the instance is locked, restart it to try again',
    );
    return true;
  }

  private async configuredPassword(): Promise<string | undefined> {
    if (this.config.adminPassword !== undefined) return this.config.adminPassword;
    if (this.config.adminPasswordFile === undefined) return undefined;
    return (await readFile(this.config.adminPasswordFile, 'utf8')).replace(/\r?\n$/, '');
  }
}
