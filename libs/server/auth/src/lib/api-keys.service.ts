import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { Repository } from 'typeorm';
import { API_KEY_PREFIX, UserRole } from '@capstan/contracts-api';
import {
  AuthenticatedUser,
  ClockPort,
  ForbiddenError,
  NotFoundError,
  AUTOCOMMIT,
} from '@capstan/server-core';
import { UsersService } from '@capstan/server-users';
import type { ApiKeyResponse } from './dto/auth.dto';
import { ApiKeyEntity } from './entities/api-key.entity';

const LAST_USED_WRITE_INTERVAL_S = 60;
const CACHE_LIMIT = 1024;

export function digestOf(rawKey: string): string {
  return createHash('sha256').update(rawKey).digest('base64');
}

/** API keys: `ptr_` + 32 random bytes, stored as a SHA-256 digest only; act as their owner. */
@Injectable()
export class ApiKeysService {
  private readonly cache = new Map<string, ApiKeyEntity>();

  constructor(
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    private readonly users: UsersService,
    private readonly clock: ClockPort,
  ) {}

  async create(
    actor: AuthenticatedUser,
    userId: number,
    description: string,
    password: string,
  ): Promise<{ raw: string; key: ApiKeyEntity }> {
    if (actor.id !== userId)
      throw new ForbiddenError('Permission denied', 'You can only create API keys for yourself');
    if (!(await this.users.verifyPassword(userId, password))) {
      throw new ForbiddenError('Invalid password', 'Give your current password to create an API key');
    }
    const raw = API_KEY_PREFIX + randomBytes(32).toString('base64');
    const key = await this.keys.save(
      this.keys.create({
        userId,
        description: description.trim(),
        prefix: raw.slice(0, 7),
        digest: digestOf(raw),
        dateCreated: Math.floor(this.clock.now() / 1000),
        lastUsed: 0,
      }),
      AUTOCOMMIT,
    );
    return { raw, key };
  }

  async list(actor: AuthenticatedUser, userId: number): Promise<ApiKeyEntity[]> {
    if (actor.id !== userId && actor.role !== UserRole.Administrator) {
      throw new ForbiddenError('Permission denied', 'You can only list your own API keys');
    }
    await this.users.get(userId);
    return this.keys.find({ where: { userId }, order: { id: 'ASC' } });
  }

  async revoke(actor: AuthenticatedUser, userId: number, keyId: number): Promise<void> {
    if (actor.id !== userId && actor.role !== UserRole.Administrator) {
      throw new ForbiddenError('Permission denied', 'You can only revoke your own API keys');
    }
    const key = await this.keys.findOneBy({ id: keyId, userId });
    if (!key)
      throw new NotFoundError(
        'Unable to find an API key with the specified identifier',
        `No key ${keyId} for user ${userId}`,
      );
    await this.keys.remove(key, AUTOCOMMIT);
    this.cache.delete(key.digest);
  }

  /** The key's owner id, or undefined for an unknown key. Records the last use at most once a minute. */
  async resolve(rawKey: string): Promise<number | undefined> {
    if (!rawKey.startsWith(API_KEY_PREFIX) || rawKey.length > 128) return undefined;
    const digest = digestOf(rawKey);
    let key = this.cache.get(digest);
    if (!key) {
      key = (await this.keys.findOneBy({ digest })) ?? undefined;
      if (!key) return undefined;
      if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(digest, key);
    }
    const now = Math.floor(this.clock.now() / 1000);
    if (now - key.lastUsed >= LAST_USED_WRITE_INTERVAL_S) {
      key.lastUsed = now;
      const cached = key;
      // A key revoked meanwhile (e.g. by another replica) is dropped from the cache here.
      void this.keys.update({ id: key.id }, { lastUsed: now }).then(
        (r) => {
          if (r.affected === 0) this.cache.delete(cached.digest);
        },
        () => undefined,
      );
    }
    return key.userId;
  }
}

export function toApiKeyResponse(k: ApiKeyEntity): ApiKeyResponse {
  return {
    id: k.id,
    userId: k.userId,
    description: k.description,
    prefix: k.prefix,
    dateCreated: k.dateCreated,
    lastUsed: k.lastUsed,
  };
}
