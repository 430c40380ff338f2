import { describe, expect, it } from 'vitest';
import { createBody, pullStreamError } from './container-recreate';

const ID = 'abcdef0123456789'.repeat(4);

describe('recreate: the create body from an inspect', () => {
  it('keeps config and host config, drops the default hostname and the short-id alias', () => {
    const { create, extraNetworks } = createBody({
      Id: ID,
      Config: { Image: 'reg:5000/app:1', Hostname: ID.slice(0, 12), Env: ['A=1'], Labels: { x: 'y' } },
      HostConfig: { NetworkMode: 'front', Binds: ['/a:/b'] },
      NetworkSettings: {
        Networks: {
          back: { Aliases: ['db'], IPAMConfig: null, NetworkID: 'n1', IPAddress: '10.0.0.2' },
          front: { Aliases: [ID.slice(0, 12), 'web'], IPAMConfig: { IPv4Address: '10.1.0.9' } },
        },
      },
    });
    expect(create['Hostname']).toBeUndefined();
    expect(create).toMatchObject({ Image: 'reg:5000/app:1', Env: ['A=1'], HostConfig: { Binds: ['/a:/b'] } });
    // The network the container was created on first (NetworkMode), the others connected after.
    expect(create['NetworkingConfig']).toEqual({
      EndpointsConfig: {
        front: { IPAMConfig: { IPv4Address: '10.1.0.9' }, Links: null, Aliases: ['web'], DriverOpts: null },
      },
    });
    expect(extraNetworks).toEqual([
      ['back', { IPAMConfig: null, Links: null, Aliases: ['db'], DriverOpts: null }],
    ]);
  });

  it('keeps a hostname that was set and sends no endpoints for host, none or container networking', () => {
    for (const mode of ['host', 'none', 'container:other']) {
      const { create, extraNetworks } = createBody({
        Id: ID,
        Config: { Hostname: 'mine' },
        HostConfig: { NetworkMode: mode },
        NetworkSettings: { Networks: { host: {} } },
      });
      expect(create['Hostname']).toBe('mine');
      expect(create['NetworkingConfig']).toEqual({ EndpointsConfig: {} });
      expect(extraNetworks).toEqual([]);
    }
  });
});

describe("recreate: a pull's error", () => {
  it('is the last error line of the progress stream, none when it ended well', () => {
    expect(
      pullStreamError(
        '{"status":"Pulling"}\n{"errorDetail":{"message":"unauthorized"},"error":"unauthorized: x"}\n',
      ),
    ).toBe('unauthorized: x');
    expect(pullStreamError('{"status":"Pulling"}\n{"status":"Downloaded newer image"}\n')).toBeUndefined();
    expect(pullStreamError('not json\n')).toBeUndefined();
  });
});
