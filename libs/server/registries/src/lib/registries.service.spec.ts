import { describe, expect, it } from 'vitest';
import { EnvironmentRoleId, UserRole } from '@capstan/contracts-api';
import { SecretBox, type AuthenticatedUser } from '@capstan/server-core';
import type { EnvironmentsService } from '@capstan/server-environments';
import { EnvironmentAccess } from '@capstan/server-rbac';
import type { TeamsService, UsersService } from '@capstan/server-users';
import type { Repository } from 'typeorm';
import type { CreateRegistryDto } from './dto/registries.dto';
import { RegistryEntity } from './entities/registry.entity';
import { normaliseUrl, RegistriesService } from './registries.service';
import { EcrTokenPort, RegistryLoginPort, type EcrToken, type LoginResult } from './registry-login.port';
import { encodeRegistryAuth, registryIdOf } from './registry-types';

const ADMIN = { id: 1, username: 'admin', role: UserRole.Administrator } as AuthenticatedUser;
const user = (id: number) =>
  ({ id, username: `u${id}`, role: UserRole.StandardUser, isTeamLeader: false }) as AuthenticatedUser;

class FakeEcr extends EcrTokenPort {
  calls = 0;
  constructor(private readonly clock: { t: number }) {
    super();
  }
  token(region: string, key: string, secret: string): Promise<EcrToken> {
    this.calls++;
    return Promise.resolve({
      username: 'AWS',
      password: `token-${this.calls}-${region}-${key}-${secret}`,
      expiresAt: this.clock.t + 12 * 3_600_000,
    });
  }
}

class FakeLogin extends RegistryLoginPort {
  seen: unknown[] = [];
  login(address: string, username: string, password: string): Promise<LoginResult> {
    this.seen.push({ address, username, password });
    return Promise.resolve({
      ok: password === 'right',
      reachable: true,
      message: password === 'right' ? '200' : '401',
    });
  }
}

function fakeRepo(): Repository<RegistryEntity> & { rows: RegistryEntity[] } {
  const rows: RegistryEntity[] = [];
  let next = 1;
  return {
    rows,
    create: (v: Partial<RegistryEntity>) => Object.assign(new RegistryEntity(), v),
    save: (r: RegistryEntity) => {
      if (!r.id) {
        r.id = next++;
        rows.push(r);
      }
      return Promise.resolve(r);
    },
    findOneBy: ({ id }: { id: number }) => Promise.resolve(rows.find((r) => r.id === id) ?? null),
    find: () => Promise.resolve([...rows]),
    update: ({ id }: { id: number }, v: Partial<RegistryEntity>) => {
      Object.assign(rows.find((r) => r.id === id) ?? {}, v);
      return Promise.resolve({});
    },
    delete: ({ id }: { id: number }) => {
      rows.splice(
        rows.findIndex((r) => r.id === id),
        1,
      );
      return Promise.resolve({});
    },
  } as unknown as Repository<RegistryEntity> & { rows: RegistryEntity[] };
}

function setup(
  roles: Record<number, EnvironmentRoleId | undefined> = {},
  teams: Record<number, number[]> = {},
) {
  const time = { t: 1_000_000 };
  const clock = { now: () => time.t };
  const repo = fakeRepo();
  const ecr = new FakeEcr(time);
  const login = new FakeLogin();
  const environments = {
    accessFor: (actor: AuthenticatedUser, envId: number) => {
      if (actor.role === UserRole.Administrator)
        return Promise.resolve({ access: new EnvironmentAccess(envId, actor, undefined, []) });
      const role = roles[actor.id];
      if (role === undefined) return Promise.reject(new Error('404 environment'));
      return Promise.resolve({ access: new EnvironmentAccess(envId, actor, role, teams[actor.id] ?? []) });
    },
    exists: () => Promise.resolve(true),
  } as unknown as EnvironmentsService;
  const users = { existingIds: (ids: number[]) => Promise.resolve(ids) } as unknown as UsersService;
  const teamsSvc = { existingIds: (ids: number[]) => Promise.resolve(ids) } as unknown as TeamsService;
  const box = new SecretBox('test');
  const service = new RegistriesService(repo, environments, users, teamsSvc, box, login, ecr, clock);
  return { service, repo, ecr, login, time, box };
}

const custom = (over: Partial<CreateRegistryDto> = {}): CreateRegistryDto => ({
  Name: 'reg',
  Type: 3,
  URL: 'registry.example:5000',
  Authentication: true,
  Username: 'robot',
  Password: 'right',
  ...over,
});

/** The domain error's message and details, as the API would answer them. */
async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return `${(e as Error).message}: ${(e as { details?: string }).details ?? ''}`;
  }
  throw new Error('expected a refusal');
}

describe('RegistriesService', () => {
  it('seals the password and never returns it', async () => {
    const { service, repo, box } = setup();
    const created = await service.create(custom());
    expect(JSON.stringify(created)).not.toContain('right');
    const row = repo.rows[0];
    expect(row.passwordSealed).not.toContain('right');
    expect(box.open(row.passwordSealed ?? '')).toBe('right');
  });

  it('exchanges ECR keys once and reuses the token until shortly before it expires', async () => {
    const { service, ecr, time, repo } = setup();
    const { Id } = await service.create({
      Name: 'ecr',
      Type: 7,
      URL: '123.dkr.ecr.eu-west-1.amazonaws.com',
      Username: 'AKIA',
      Password: 'secret',
      Ecr: { Region: 'eu-west-1' },
    });
    const first = await service.credentialsFor(ADMIN, 1, Id);
    expect(first).toEqual({
      username: 'AWS',
      password: 'token-1-eu-west-1-AKIA-secret',
      serveraddress: '123.dkr.ecr.eu-west-1.amazonaws.com',
    });
    expect(repo.rows[0].accessTokenSealed).not.toContain('token-1');
    time.t += 11 * 3_600_000;
    expect(await service.credentialsFor(ADMIN, 1, Id)).toEqual(first);
    expect(ecr.calls).toBe(1);
    time.t += 56 * 60_000; // within 5 minutes of expiry
    const renewed = await service.credentialsFor(ADMIN, 1, Id);
    expect(ecr.calls).toBe(2);
    expect((renewed as { password: string }).password).toBe('token-2-eu-west-1-AKIA-secret');
  });

  it('resolves X-Registry-Auth naming a stored registry only for those who may use it', async () => {
    const { service } = setup(
      {
        2: EnvironmentRoleId.StandardUser,
        3: EnvironmentRoleId.StandardUser,
        4: EnvironmentRoleId.EnvironmentAdministrator,
      },
      { 3: [9] },
    );
    const { Id } = await service.create(custom());
    const header = Buffer.from(JSON.stringify({ registryId: Id })).toString('base64');
    const real = encodeRegistryAuth({
      username: 'robot',
      password: 'right',
      serveraddress: 'registry.example:5000',
    });
    expect(await service.resolveRegistryAuthHeader(ADMIN, 1, header)).toBe(real);
    await expect(service.resolveRegistryAuthHeader(user(2), 1, header)).rejects.toThrow(
      /Unable to find a registry/,
    );
    expect(await service.resolveRegistryAuthHeader(user(4), 1, header)).toBe(real);
    await service.setAccess(ADMIN, 1, Id, { TeamAccessPolicies: { 9: { RoleId: 0 } } });
    expect(await service.resolveRegistryAuthHeader(user(3), 1, header)).toBe(real);
    await expect(service.resolveRegistryAuthHeader(user(3), 2, header)).rejects.toThrow(/Unable to find/);
    expect((await service.forEnvironment(user(3), 1)).map((r) => r.Username)).toEqual(['']);
    expect(await service.forEnvironment(user(2), 1)).toEqual([]);
    // Real credentials pass through untouched; registryId 0 is anonymous.
    expect(await service.resolveRegistryAuthHeader(user(2), 1, real)).toBe(real);
    expect(await service.resolveRegistryAuthHeader(user(2), 1, encodeRegistryAuth({}))).toBe(
      encodeRegistryAuth({}),
    );
  });

  it('refuses a Standard user changing access, bad per-type fields and duplicates', async () => {
    const { service } = setup({ 2: EnvironmentRoleId.StandardUser });
    const { Id } = await service.create(custom());
    expect(await refusal(service.setAccess(user(2), 1, Id, { UserAccessPolicies: { 2: {} } }))).toMatch(
      /Access denied/,
    );
    expect(await refusal(service.create(custom({ Name: 'REG', URL: 'other' })))).toMatch(/same name/);
    await expect(
      service.create(custom({ Name: 'b', URL: 'https://Registry.example:5000/' })),
    ).rejects.toThrow(/same URL and credentials/);
    expect(await refusal(service.create(custom({ Name: 'c', URL: undefined })))).toMatch(/URL is required/);
    expect(await refusal(service.create(custom({ Name: 'd', Password: undefined })))).toMatch(
      /Password is required/,
    );
    expect(await refusal(service.create(custom({ Name: 'e', Type: 5 })))).toMatch(/BaseURL/);
    expect(await refusal(service.create(custom({ Name: 'f', Type: 7, Ecr: undefined })))).toMatch(/Region/);
    const hub = await service.create({ Name: 'hub', Type: 6, Authentication: false });
    expect(hub.URL).toBe('docker.io');
  });

  it('tests a stored connection with the stored password when none is given', async () => {
    const { service, login } = setup();
    const { Id } = await service.create(custom());
    expect((await service.ping(custom({ Password: undefined }), Id)).Ok).toBe(true);
    expect((await service.ping(custom({ Password: 'wrong' }), Id)).Ok).toBe(false);
    expect(login.seen[0]).toEqual({ address: 'registry.example:5000', username: 'robot', password: 'right' });
  });
});

describe('registry helpers', () => {
  it('reads a registry id from the header Portainer sends, and nothing from real credentials', () => {
    expect(registryIdOf(Buffer.from('{"registryId":4}').toString('base64'))).toBe(4);
    expect(registryIdOf(Buffer.from('{"RegistryID":"4"}').toString('base64'))).toBe(4);
    expect(
      registryIdOf(encodeRegistryAuth({ username: 'a', password: 'b', serveraddress: 'c' })),
    ).toBeUndefined();
    expect(registryIdOf('not base64 json')).toBeUndefined();
    expect(registryIdOf(Buffer.from('{"registryId":-1}').toString('base64'))).toBeUndefined();
  });

  it('normalises URLs as Docker names registries', () => {
    expect(normaliseUrl('https://Quay.IO/MyOrg/')).toBe('quay.io/MyOrg');
  });
});
