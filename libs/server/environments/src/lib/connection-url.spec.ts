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
  ])('%j → %s', (input, expected) => expect(normaliseEngineUrl(input)).toBe(expected));

  it.each([
    'ftp://x',
    'unix://relative/path',
    'unix:///a/../b',
    'tcp://host',
    'tcp://host:2375/path',
    'tcp://u:p@host:1',
    'not a url at all:',
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
