import { describe, expect, it } from 'vitest';
import { BadRequestError } from '@capstan/server-core';
import { DockerProxyCommand, enginePathProblem } from './docker-proxy-command';

function refusal(input: Record<string, unknown>): BadRequestError {
  try {
    DockerProxyCommand.parse(input);
  } catch (e) {
    expect(e).toBeInstanceOf(BadRequestError);
    return e as BadRequestError;
  }
  throw new Error(`accepted: ${JSON.stringify(input)}`);
}

describe('DockerProxyCommand', () => {
  it('reads the environment id, the target node and the engine path, leaving the path as it came', () => {
    expect(
      DockerProxyCommand.parse({ endpointId: '12', nodeName: 'node-2', path: '/v1.41/containers/json' }),
    ).toEqual({ endpointId: 12, nodeName: 'node-2', path: '/v1.41/containers/json' });
    // Encoded names (images with a registry) and escapes that are no dot segment pass unchanged.
    const image = `/images/${encodeURIComponent('127.0.0.1:5000/capstan/busybox:local')}/json`;
    expect(DockerProxyCommand.parse({ endpointId: '1', path: image }).path).toBe(image);
    expect(DockerProxyCommand.parse({ endpointId: '1', path: '/volumes/my.vol..x' }).path).toBe(
      '/volumes/my.vol..x',
    );
    expect(DockerProxyCommand.parse({ endpointId: '1', path: '/' }).path).toBe('/');
  });

  it('drops blanks around the node name, and an empty one is no target', () => {
    expect(DockerProxyCommand.parse({ endpointId: '1', nodeName: ' node-1 ', path: '/info' }).nodeName).toBe(
      'node-1',
    );
    expect(
      DockerProxyCommand.parse({ endpointId: '1', nodeName: '', path: '/info' }).nodeName,
    ).toBeUndefined();
    expect(
      DockerProxyCommand.parse({ endpointId: '1', nodeName: undefined, path: '/info' }).nodeName,
    ).toBeUndefined();
  });

  it('refuses an environment id that is not a positive integer', () => {
    for (const id of ['abc', '0', '-1', '1.5', '', '99999999999', '%31', undefined]) {
      const bad = refusal({ endpointId: id, path: '/info' });
      expect(bad.message).toBe('Invalid environment id, node name or engine path');
      expect(bad.details).toBe('endpointId must be a positive integer');
    }
  });

  it('refuses a node name that breaks the node-name rule', () => {
    for (const node of ['a b/c', '../x', '.hidden', '-x', 'x'.repeat(256), 'n\r\nX-Injected: 1'])
      expect(refusal({ endpointId: '1', nodeName: node, path: '/info' }).details).toMatch(
        /^nodeName \(X-PortainerAgent-Target\) must be a node name/,
      );
  });

  it('refuses dot segments, control characters and hosts in the engine path, plain or percent-encoded', () => {
    const cases: Record<string, RegExp> = {
      '/../../api/users': /\.\. segments/,
      '/containers/../info': /\.\. segments/,
      '/./containers/json': /\.\. segments/,
      '/%2e%2e/%2e%2e/api/users': /\.\. segments/,
      '/containers/%2E%2E%2F%2E%2E%2Finfo': /\.\. segments/,
      '/%252e%252e/info': /\.\. segments/,
      '/containers/..\\..\\info': /\.\. segments/,
      '/containers/..': /\.\. segments/,
      '/info%0d%0aX-Injected:%201': /control characters/,
      '/info%00': /control characters/,
      '/info\r\n': /control characters/,
      '//evil.example/info': /not a URL/,
      '/%2Fevil.example/info': /not a URL/,
      '/http://evil.example/info': /not a URL/,
      info: /start with \//,
    };
    for (const [path, problem] of Object.entries(cases)) {
      expect(enginePathProblem(path), path).toMatch(problem);
      expect(refusal({ endpointId: '1', path }).details, path).toBe(enginePathProblem(path));
    }
    expect(enginePathProblem(42)).toBe('path must be text');
  });

  it('lists every bad part of the input at once', () => {
    const bad = refusal({ endpointId: '0', nodeName: 'a b', path: '/../x' });
    expect(bad.details.split('; ')).toEqual([
      'endpointId must be a positive integer',
      'nodeName (X-PortainerAgent-Target) must be a node name: a letter or digit, then letters, digits, _ . -',
      'path must not contain . or .. segments (plain or percent-encoded)',
    ]);
  });
});
