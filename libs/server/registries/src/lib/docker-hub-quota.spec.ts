import { describe, expect, it } from 'vitest';
import { DockerHubQuota } from './docker-hub-quota';
import { RegistryApiPort, RegistryUnreachable, type RegistryAnswer } from './registry-api';

class FakeHub extends RegistryApiPort {
  seen: { address: string; method: string; path: string; user?: string }[] = [];
  constructor(private readonly answer: Partial<RegistryAnswer> | Error) {
    super();
  }
  request(address: string, c: { username?: string }, method: string, path: string): Promise<RegistryAnswer> {
    this.seen.push({ address, method, path, user: c.username });
    if (this.answer instanceof Error) return Promise.reject(this.answer);
    return Promise.resolve({
      status: 200,
      statusText: 'OK',
      headers: new Headers(),
      body: Buffer.alloc(0),
      ...this.answer,
    });
  }
}

const target = {
  name: 'hub',
  address: 'registry-1.docker.io',
  credentials: { username: 'me', password: 'pw' },
};

describe('DockerHubQuota', () => {
  it("reads Hub's rate-limit headers from a HEAD on the probe manifest, as the stored account", async () => {
    const hub = new FakeHub({
      headers: new Headers({ 'ratelimit-limit': '200;w=21600', 'ratelimit-remaining': '187;w=21600' }),
    });
    expect(await new DockerHubQuota(hub).quota(target)).toEqual({ Remaining: 187, Limit: 200 });
    expect(hub.seen).toEqual([
      {
        address: 'registry-1.docker.io',
        method: 'HEAD',
        path: '/v2/ratelimitpreview/test/manifests/latest',
        user: 'me',
      },
    ]);
  });

  it('answers -1 without limit headers, and a 400 naming the registry when refused or unreachable', async () => {
    expect(await new DockerHubQuota(new FakeHub({})).quota(target)).toEqual({ Remaining: -1, Limit: -1 });
    await expect(
      new DockerHubQuota(new FakeHub({ status: 401, statusText: 'Unauthorized' })).quota(target),
    ).rejects.toThrow(/Registry "hub" refused the credentials/);
    await expect(
      new DockerHubQuota(new FakeHub(new RegistryUnreachable('ENOTFOUND'))).quota(target),
    ).rejects.toThrow(/Registry "hub" cannot be reached/);
  });
});
