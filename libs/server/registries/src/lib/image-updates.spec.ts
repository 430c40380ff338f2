import { describe, expect, it } from 'vitest';
import {
  ImageUpdateChecker,
  localDigests,
  MAX_CONCURRENT_LOOKUPS,
  parseReference,
  RegistryTargets,
  stackStatuses,
} from './image-updates';
import { RegistryApiPort, type RegistryAnswer } from './registry-api';
import { RegistryBrowser, type BrowseTarget } from './registry-browser';

/** A registry that answers HEAD manifest requests after a delay, counting them and the peak concurrency. */
class CountingRegistry extends RegistryApiPort {
  requests = 0;
  active = 0;
  peak = 0;
  digests = new Map<string, string>();
  async request(_a: string, _c: unknown, method: string, path: string): Promise<RegistryAnswer> {
    this.requests++;
    this.active++;
    this.peak = Math.max(this.peak, this.active);
    await new Promise((r) => setTimeout(r, 5));
    this.active--;
    const m = /^\/v2\/(.+)\/manifests\/(.+)$/.exec(path);
    const digest = m ? this.digests.get(`${m[1]}:${m[2]}`) : undefined;
    return {
      status: method === 'HEAD' && digest ? 200 : 404,
      statusText: '',
      headers: new Headers(digest ? { 'docker-content-digest': digest } : {}),
      body: Buffer.alloc(0),
    };
  }
}

class Targets extends RegistryTargets {
  forHost(host: string): Promise<BrowseTarget> {
    return Promise.resolve({ name: host, address: host, credentials: {} });
  }
}

function setup() {
  const registry = new CountingRegistry();
  const time = { t: 0 };
  const clock = { now: () => time.t };
  const checker = new ImageUpdateChecker(new Targets(), new RegistryBrowser(registry), clock);
  return { registry, checker, time };
}

describe('ImageUpdateChecker', () => {
  it('sends one request per distinct image:tag, bounded in concurrency, and caches it', async () => {
    const { registry, checker, time } = setup();
    const images = Array.from({ length: 20 }, (_, i) => `reg.example:5000/app${i}:1`);
    images.forEach((img, i) => registry.digests.set(`app${i}:1`, `sha256:${String(i).padStart(64, '0')}`));
    const containers = Array.from({ length: 300 }, (_, n) => ({
      Id: `c${n}`,
      Image: images[n % 20] ?? '',
      ImageID: `img${n % 20}`,
    }));
    const local = images.map((img, i) => ({
      Id: `img${i}`,
      // Every other image is an older build than the registry's.
      RepoDigests: [`reg.example:5000/app${i}@sha256:${String(i % 2 === 0 ? i : 99).padStart(64, '0')}`],
    }));
    const out = await checker.statuses(containers, local);
    expect(registry.requests).toBe(20);
    expect(registry.peak).toBeLessThanOrEqual(MAX_CONCURRENT_LOOKUPS);
    expect(out['c0']?.Status).toBe('updated');
    expect(out['c1']?.Status).toBe('outdated');
    await checker.statuses(containers, local);
    expect(registry.requests).toBe(20);
    time.t += 61_000;
    await checker.statuses(containers, local);
    expect(registry.requests).toBe(40);
  });

  it('answers unknown for pinned, local-only and missing images', async () => {
    const { checker } = setup();
    const out = await checker.statuses(
      [
        { Id: 'a', Image: 'busybox@sha256:abc', ImageID: 'x' },
        { Id: 'b', Image: 'reg.example/none:1', ImageID: 'y' },
      ],
      [{ Id: 'y', RepoDigests: [] }],
    );
    expect(out['a']?.Status).toBe('unknown');
    expect(out['b']?.Status).toBe('unknown');
  });

  it('parses references as Docker does', () => {
    expect(parseReference('nginx')).toEqual({
      registry: 'docker.io',
      repository: 'library/nginx',
      tag: 'latest',
    });
    expect(parseReference('127.0.0.1:5000/a/b:2')).toEqual({
      registry: '127.0.0.1:5000',
      repository: 'a/b',
      tag: '2',
    });
    expect(parseReference('nginx@sha256:abc')).toBeUndefined();
    const ref = parseReference('nginx:1') ?? { registry: '', repository: '', tag: '' };
    expect(localDigests(ref, ['nginx@sha256:1', 'other@sha256:2'])).toEqual(['sha256:1']);
  });
});

describe('service and stack statuses', () => {
  const service = (ID: string, Image: string) => ({
    ID,
    Spec: { TaskTemplate: { ContainerSpec: { Image } } },
  });

  it("compares a service's pinned digest with the registry's, one request per image:tag", async () => {
    const { registry, checker } = setup();
    registry.digests.set('team/app:1', 'sha256:new');
    const statuses = await checker.serviceStatuses([
      service('a', 'reg.example:5000/team/app:1@sha256:new'),
      service('b', 'reg.example:5000/team/app:1@sha256:old'),
      service('c', 'reg.example:5000/team/app:1'),
      service('d', 'reg.example:5000/team/gone:1@sha256:x'),
      service('e', ''),
    ]);
    expect(statuses['a']?.Status).toBe('updated');
    expect(statuses['b']).toEqual({ Status: 'outdated', Message: 'The registry has sha256:new' });
    expect(statuses['c']).toMatchObject({ Status: 'unknown', Message: expect.stringMatching(/not pinned/) });
    expect(statuses['d']?.Status).toBe('unknown');
    expect(statuses['e']?.Status).toBe('unknown');
    expect(registry.requests).toBe(2);
  });

  it('marks a stack outdated when any member is, updated only when all are', () => {
    const out = stackStatuses([
      { stack: 'web', status: 'updated' },
      { stack: 'web', status: 'outdated' },
      { stack: 'db', status: 'updated' },
      { stack: 'db', status: 'updated' },
      { stack: 'cache', status: 'updated' },
      { stack: 'cache', status: 'unknown' },
      { stack: undefined, status: 'outdated' },
    ]);
    expect(out).toEqual({
      web: { Status: 'outdated', Message: '1 of 2 out of date' },
      db: { Status: 'updated', Message: '' },
      cache: { Status: 'unknown', Message: 'Some images could not be checked' },
    });
  });
});
