import { describe, expect, it } from 'vitest';
import { changesSnapshot } from './snapshot-refresh';

describe('changesSnapshot', () => {
  it('names the calls that change counts, with or without a version prefix', () => {
    for (const [method, path] of [
      ['POST', '/containers/create'],
      ['POST', '/v1.41/containers/abc/start'],
      ['POST', '/containers/abc/stop?t=5'],
      ['POST', '/containers/abc/kill'],
      ['DELETE', '/v1.41/containers/abc?force=1'],
      ['POST', '/images/create?fromImage=busybox'],
      ['DELETE', '/images/sha256:abc'],
      ['DELETE', '/images/registry:5000/app:1'],
      ['POST', '/volumes/create'],
      ['DELETE', '/volumes/data'],
      ['POST', '/networks/create'],
      ['DELETE', '/networks/net1'],
      ['POST', '/services/create'],
      ['POST', '/services/web/update?version=3'],
      ['DELETE', '/services/web'],
    ])
      expect(changesSnapshot(method, path), `${method} ${path}`).toBe(true);
  });

  it('leaves reads, consoles and resizes alone', () => {
    for (const [method, path] of [
      ['GET', '/containers/json?all=1'],
      ['GET', '/v1.41/containers/abc/json'],
      ['POST', '/containers/abc/exec'],
      ['POST', '/exec/abc/start'],
      ['POST', '/exec/abc/resize?h=10&w=80'],
      ['POST', '/containers/abc/resize?h=10&w=80'],
      ['POST', '/containers/abc/attach'],
      ['GET', '/images/json'],
      ['HEAD', '/containers/abc/archive'],
    ])
      expect(changesSnapshot(method, path), `${method} ${path}`).toBe(false);
  });
});
