import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { beforeEach, describe, expect, it } from 'vitest';

import { FakeApi, provideFakeApi } from '../testing/fake-api';
import { RegistriesApi, registryTypeLabel, storedRegistryAuth } from './registries-api';

describe('RegistriesApi', () => {
  let api: FakeApi;

  beforeEach(() => {
    api = new FakeApi();
    TestBed.configureTestingModule({ providers: [provideRouter([]), provideFakeApi(api)] });
  });

  it('names a stored registry in X-Registry-Auth the way Portainer clients do', () => {
    expect(JSON.parse(atob(storedRegistryAuth(7)))).toEqual({ registryId: 7 });
    expect(registryTypeLabel(7)).toBe('AWS ECR');
    expect(registryTypeLabel(99)).toBe('Type 99');
  });

  it('tests a new connection on /ping and a stored one on /{id}/ping', async () => {
    api.on('POST /api/registries/ping', { body: { Ok: true, Message: '' } });
    api.on('POST /api/registries/4/ping', { body: { Ok: false, Message: '401 Unauthorized' } });
    const registries = TestBed.inject(RegistriesApi);
    expect(await registries.ping({ Name: 'a', Type: 3, URL: 'r:5000' })).toEqual({ Ok: true, Message: '' });
    expect((await registries.ping({ Name: 'a', Type: 3, URL: 'r:5000' }, 4)).Ok).toBe(false);
    expect(api.last('POST /api/registries/4/ping')?.body).toMatchObject({ URL: 'r:5000' });
  });

  it('writes access per environment as user and team policies', async () => {
    api.on('PUT /api/endpoints/2/registries/4', { body: {} });
    await TestBed.inject(RegistriesApi).setAccess(2, 4, { users: [5, 6], teams: [1] });
    expect(api.last('PUT /api/endpoints/2/registries/4')?.body).toEqual({
      UserAccessPolicies: { '5': { RoleId: 0 }, '6': { RoleId: 0 } },
      TeamAccessPolicies: { '1': { RoleId: 0 } },
    });
  });

  it('browses tags by query and reads a manifest through the v2 path, refusing names that need escaping', async () => {
    api.on('GET /api/registries/4/tags', {
      body: [{ Name: 'a', Digest: 'sha256:1', Size: 3, MediaType: 'm' }],
    });
    api.on('GET /api/registries/4/v2/team/app/manifests/1.0', { body: { schemaVersion: 2 } });
    const registries = TestBed.inject(RegistriesApi);
    await registries.tags(4, 'team/app');
    expect(api.last('GET /api/registries/4/tags')?.search).toBe('?repository=team%2Fapp');
    expect(await registries.manifest(4, 'team/app', '1.0')).toEqual({ schemaVersion: 2 });
    expect(api.last('GET /api/registries/4/v2/team/app/manifests/1.0')?.headers.get('accept')).toContain(
      'manifest.v2+json',
    );
    await expect(registries.manifest(4, '../etc', 'x')).rejects.toMatchObject({ status: 400 });
    await expect(registries.manifest(4, 'team/app', 'a/b')).rejects.toMatchObject({ status: 400 });
  });

  it("recreates with Portainer's PullImage body", async () => {
    api.on('POST /api/docker/2/containers/abc/recreate', { body: { Id: 'def' } });
    expect(await TestBed.inject(RegistriesApi).recreate(2, 'abc', true)).toEqual({ Id: 'def' });
    expect(api.last('POST /api/docker/2/containers/abc/recreate')?.body).toEqual({ PullImage: true });
  });
});
