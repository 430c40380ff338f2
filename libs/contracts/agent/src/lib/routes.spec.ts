import { describe, expect, it } from 'vitest';

import {
  AGENT_ROUTES,
  AGENT_WEBSOCKET_ROUTES,
  dispatchAgentRequest,
  isAgentWebSocketRoute,
  stripDockerApiVersion,
} from './routes';

const routeName = (method: string, path: string): string => {
  const d = dispatchAgentRequest(method, path);
  return d.kind === 'route'
    ? `${d.route.name}${d.prefix}`
    : d.kind === 'docker'
      ? `docker:${d.path}`
      : d.kind;
};

describe('agent dispatch', () => {
  it('strips a Docker API version only at the start of the path', () => {
    expect(stripDockerApiVersion('/v1.41/containers/json')).toBe('/containers/json');
    expect(stripDockerApiVersion('/v1.41')).toBe('/');
    expect(stripDockerApiVersion('/containers/v1.41/json')).toBe('/containers/v1.41/json');
    expect(stripDockerApiVersion('/v2/ping')).toBe('/v2/ping');
    expect(stripDockerApiVersion('/v1.41x/info')).toBe('/v1.41x/info');
  });

  it.each([
    ['GET', '/ping', 'ping'],
    ['GET', '/v2/ping', 'ping/v2'],
    ['GET', '/v1.41/v2/ping', 'ping/v2'],
    ['GET', '/agents', 'agents'],
    ['GET', '/v1/agents', 'agents/v1'],
    ['GET', '/v2/host/info', 'hostInfo/v2'],
    ['GET', '/browse/ls', 'browseLs'],
    ['PUT', '/v2/browse/rename', 'browseRename/v2'],
    ['POST', '/v2/dockerhub', 'dockerHub/v2'],
    ['GET', '/websocket/exec', 'websocketExec'],
    ['GET', '/v1/websocket/attach', 'websocketAttach/v1'],
  ])('%s %s → %s', (method, path, expected) => {
    expect(routeName(method, path)).toBe(expected);
  });

  it('sends everything else to Docker, keeping /v1 and /v2 literal outside their groups', () => {
    expect(routeName('GET', '/v1.41/containers/json')).toBe('docker:/containers/json');
    expect(routeName('POST', '/images/create')).toBe('docker:/images/create');
    expect(routeName('GET', '/v2/containers/json')).toBe('docker:/v2/containers/json');
    expect(routeName('GET', '/v1/info')).toBe('docker:/v1/info');
    // /dockerhub is a v2-only group; /v1/ping does not exist.
    expect(routeName('POST', '/dockerhub')).toBe('docker:/dockerhub');
    expect(routeName('GET', '/v1/ping')).toBe('docker:/v1/ping');
    expect(routeName('GET', '/pingx')).toBe('docker:/pingx');
  });

  it('answers /key before anything else, unknown sub-routes and wrong methods', () => {
    expect(routeName('GET', '/key')).toBe('key');
    expect(routeName('GET', '/v1.41/key')).toBe('key');
    expect(routeName('GET', '/v2/key')).toBe('docker:/v2/key');
    expect(routeName('GET', '/browse/nope')).toBe('notFound');
    expect(dispatchAgentRequest('HEAD', '/ping')).toEqual({ kind: 'methodNotAllowed', allow: 'GET' });
    expect(dispatchAgentRequest('GET', '/browse/put')).toEqual({ kind: 'methodNotAllowed', allow: 'POST' });
    expect(routeName('GET', '/kubernetes/api/v1/pods')).toBe('kubernetes');
  });

  it('reads the volume of the v1 browse form from the path', () => {
    expect(dispatchAgentRequest('GET', '/v1/browse/my-vol/ls')).toMatchObject({
      kind: 'route',
      route: { name: 'browseLs' },
      prefix: '/v1',
      volumeId: 'my-vol',
    });
    expect(routeName('GET', '/v1/browse/my-vol/nope')).toBe('notFound');
    expect(routeName('POST', '/v1/browse/my-vol/ls')).toBe('methodNotAllowed');
  });

  it('names exactly the routes the table serves on a WebSocket upgrade', () => {
    const flagged = AGENT_ROUTES.filter((r) => r.websocket === true).map((r) => r.name);
    expect([...AGENT_WEBSOCKET_ROUTES].sort()).toEqual(flagged.sort());
    expect(AGENT_ROUTES.filter((r) => isAgentWebSocketRoute(r.name)).map((r) => r.name)).toEqual(flagged);
  });
});
