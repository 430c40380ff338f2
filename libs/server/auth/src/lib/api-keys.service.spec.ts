import { describe, expect, it } from 'vitest';
import type { Repository } from 'typeorm';
import { API_KEY_PREFIX, UserRole } from '@capstan/contracts-api';
import { type AuthenticatedUser, ClockPort, ForbiddenError } from '@capstan/server-core';
import type { UsersService } from '@capstan/server-users';
import { ApiKeysService, digestOf } from './api-keys.service';
import type { ApiKeyEntity } from './entities/api-key.entity';

class FixedClock extends ClockPort {
  now(): number {
    return 1_700_000_000_000;
  }
}

const alice: AuthenticatedUser = {
  id: 2,
  username: 'alice',
  role: UserRole.StandardUser,
  isTeamLeader: false,
};

function setup() {
  const checked: [number, string][] = [];
  // The users facade checks the password by id: auth never sees a user record, let alone its hash.
  const users = {
    verifyPassword: (id: number, password: string) => {
      checked.push([id, password]);
      return Promise.resolve(id === 2 && password === 'alice-password');
    },
  } as unknown as UsersService;
  const saved: Partial<ApiKeyEntity>[] = [];
  const keys = {
    create: (k: Partial<ApiKeyEntity>) => k,
    save: (k: Partial<ApiKeyEntity>) => {
      saved.push(k);
      return Promise.resolve({ id: saved.length, ...k });
    },
  } as unknown as Repository<ApiKeyEntity>;
  return { service: new ApiKeysService(keys, users, new FixedClock()), checked, saved };
}

describe('ApiKeysService.create', () => {
  it("creates a key after the users facade confirms the owner's password", async () => {
    const { service, checked, saved } = setup();
    const { raw, key } = await service.create(alice, 2, ' ci ', 'alice-password');
    expect(checked).toEqual([[2, 'alice-password']]);
    expect(raw.startsWith(API_KEY_PREFIX)).toBe(true);
    expect(key).toMatchObject({
      userId: 2,
      description: 'ci',
      digest: digestOf(raw),
      dateCreated: 1_700_000_000,
    });
    expect(saved).toHaveLength(1);
  });

  it('refuses a wrong password (403) and keys for someone else, storing nothing', async () => {
    const { service, checked, saved } = setup();
    await expect(service.create(alice, 2, 'ci', 'wrong')).rejects.toBeInstanceOf(ForbiddenError);
    await expect(service.create(alice, 3, 'ci', 'alice-password')).rejects.toThrow('Permission denied');
    expect(checked).toEqual([[2, 'wrong']]);
    expect(saved).toEqual([]);
  });
});
