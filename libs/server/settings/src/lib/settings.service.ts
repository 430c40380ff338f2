import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { BadRequestError, ClockPort, parseDuration, AUTOCOMMIT } from '@capstan/server-core';
import type { UpdateSettingsDto } from './dto/settings.dto';
import { SettingsEntity } from './entities/settings.entity';
import { DEFAULT_SETTINGS, Settings } from './settings.model';

const SETTINGS_ID = 1;
/** Other replicas' changes are seen within this time (PostgreSQL mode). */
const CACHE_TTL_MS = 5_000;

const LIMITS = {
  UserSessionTimeout: { min: 60_000, max: 8760 * 3_600_000, text: 'between 1m and 8760h' },
  SnapshotInterval: { min: 10_000, max: 24 * 3_600_000, text: 'between 10s and 24h' },
  SnapshotTimeout: { min: 1_000, max: 300_000, text: 'between 1s and 5m' },
} as const;

/** Runtime settings: read on hot paths (session length, password rule), so cached briefly in memory. */
@Injectable()
export class SettingsService {
  private cached: { value: Settings; at: number } | undefined;
  private readonly listeners: ((s: Settings) => void)[] = [];

  constructor(
    @InjectRepository(SettingsEntity) private readonly repo: Repository<SettingsEntity>,
    private readonly clock: ClockPort,
  ) {}

  async get(): Promise<Settings> {
    const now = this.clock.now();
    if (this.cached && now - this.cached.at < CACHE_TTL_MS) return this.cached.value;
    const row = await this.repo.findOneBy({ id: SETTINGS_ID });
    // Stored documents may predate newer fields: defaults fill them in.
    const value: Settings = row
      ? { ...structuredClone(DEFAULT_SETTINGS), ...(JSON.parse(row.value) as Partial<Settings>) }
      : structuredClone(DEFAULT_SETTINGS);
    this.cached = { value, at: now };
    return value;
  }

  async sessionLifetimeMs(): Promise<number> {
    return parseDuration((await this.get()).UserSessionTimeout) ?? 8 * 3_600_000;
  }

  async requiredPasswordLength(): Promise<number> {
    return (await this.get()).InternalAuthSettings.RequiredPasswordLength;
  }

  async update(patch: UpdateSettingsDto): Promise<Settings> {
    for (const key of ['UserSessionTimeout', 'SnapshotInterval', 'SnapshotTimeout'] as const) {
      const text = patch[key];
      if (text === undefined) continue;
      const ms = parseDuration(text);
      const limit = LIMITS[key];
      if (ms === undefined || ms < limit.min || ms > limit.max) {
        throw new BadRequestError('Invalid settings', `${key} must be a duration ${limit.text}`);
      }
    }
    const current = await this.get();
    const next: Settings = {
      ...current,
      ...definedOnly(patch),
      InternalAuthSettings: patch.InternalAuthSettings
        ? { RequiredPasswordLength: patch.InternalAuthSettings.RequiredPasswordLength }
        : current.InternalAuthSettings,
      BlackListedLabels: patch.BlackListedLabels
        ? patch.BlackListedLabels.map((l) => ({ name: l.name, value: l.value }))
        : current.BlackListedLabels,
    };
    await this.repo.save(
      { id: SETTINGS_ID, value: JSON.stringify(next), updatedAt: this.clock.now() },
      AUTOCOMMIT,
    );
    this.cached = { value: next, at: this.clock.now() };
    for (const listener of this.listeners) listener(next);
    return next;
  }

  /** Called after every local change (e.g. to reschedule the snapshot or retention jobs). */
  onChange(listener: (s: Settings) => void): void {
    this.listeners.push(listener);
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
