import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { SystemValueEntity } from './system-value.entity';

/** Small server-wide values (instance id, sealed JWT secret). */
@Injectable()
export class KeyValueStore {
  constructor(@InjectRepository(SystemValueEntity) private readonly repo: Repository<SystemValueEntity>) {}

  async get(key: string): Promise<string | undefined> {
    return (await this.repo.findOneBy({ key }))?.value;
  }

  /**
   * Returns the stored value, or stores and returns `create()`'s. Safe when several replicas race:
   * the insert is ignored on conflict and everyone reads the winner.
   */
  async getOrCreate(key: string, create: () => string): Promise<string> {
    const existing = await this.get(key);
    if (existing !== undefined) return existing;
    await this.repo.createQueryBuilder().insert().values({ key, value: create() }).orIgnore().execute();
    const stored = await this.get(key);
    if (stored === undefined) throw new Error(`Could not store system value ${key}`);
    return stored;
  }
}
