import { describe, expect, it } from 'vitest';
import { BadRequestError } from '@capstan/server-core';
import { assertPem, DEFAULT_DOCKER_URL, normaliseEngineUrl } from './connection-url';

describe('normaliseEngineUrl', () => {
  it.each([
    ['', DEFAULT_DOCKER_URL],
    [undefined, DEFAULT_DOCKER_URL],
    ['unix:///run/podman/podman.sock', 'unix:///run/podman/podman.sock'],
    ['10.0.0.5:2375', 'tcp://10.0.0.5:2375'],
    ['tcp://docker.example:2376', 'tcp://docker.example:2376'],
    ['tcp://[::1]:2375', 'tcp://[::1]:2375'],
    ['tasks.capstan_agent:9001', 'tcp://tasks.capstan_agent:9001'],
    ['tcp://Node-1.Example.:9001', 'tcp://Node-1.Example.:9001'],
    [`tcp://${'a'.repeat(63)}.b:1`, `tcp://${'a'.repeat(63)}.b:1`],
  ])('%j → %s', (input, expected) => expect(normaliseEngineUrl(input)).toBe(expected));

  it.each([
    'ftp://x',
    'unix://relative/path',
    'unix:///a/../b',
    'tcp://host',
    'tcp://host:2375/path',
    'tcp://u:p@host:1',
    'not a url at all:',
    // Host names a resolver would be asked for: too long, a label too long or empty, a hyphen at an edge.
    `tcp://${'a'.repeat(3000)}:9001`,
    `tcp://${'a'.repeat(64)}.b:1`,
    `tcp://${Array.from({ length: 64 }, () => 'abc').join('.')}:1`,
    'tcp://a..b:1',
    'tcp://-x:1',
    'tcp://x-:1',
  ])('rejects %j', (input) => expect(() => normaliseEngineUrl(input)).toThrow(BadRequestError));
});

describe('assertPem', () => {
  it('accepts PEM and refuses anything else', () => {
    expect(() =>
      assertPem('CA', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'),
    ).not.toThrow();
    expect(() => assertPem('CA', 'hello')).toThrow(BadRequestError);
    expect(() => assertPem('CA', undefined)).not.toThrow();
  });
});
