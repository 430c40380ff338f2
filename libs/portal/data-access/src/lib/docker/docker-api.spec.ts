import { TestBed } from '@angular/core/testing';
import { beforeEach, describe, expect, it } from 'vitest';

import { FakeApi, provideFakeApi } from '../testing/fake-api';
import { DockerApi, unreachableNodesOf } from './docker-api';

describe('DockerApi on Swarm agent environments', () => {
  let api: FakeApi;
  let docker: DockerApi;

  beforeEach(() => {
    api = new FakeApi()
      .on('GET /api/endpoints/3/docker/containers/json', {
        body: [
          { Id: 'aaa111', Names: ['/web'], Portainer: { Agent: { NodeName: 'node3' } } },
          { Id: 'bbb222', Names: ['/db'] },
        ],
        headers: { 'X-Capstan-Agent-Unreachable': 'node2' },
      })
      .on('GET /api/endpoints/3/docker/containers/aaa111/json', { body: { Id: 'aaa111' } })
      .on('GET /api/endpoints/3/docker/containers/web/json', { body: { Id: 'aaa111' } })
      .on('GET /api/endpoints/3/docker/containers/bbb222/json', { body: { Id: 'bbb222' } })
      .on('POST /api/endpoints/3/docker/containers/web/exec', { status: 201, body: { Id: 'exec9' } })
      .on('POST /api/endpoints/3/docker/exec/exec9/resize', { status: 200, body: {} });
    TestBed.configureTestingModule({ providers: [provideFakeApi(api)] });
    docker = TestBed.inject(DockerApi);
  });

  const nodeParam = (route: string) => new URLSearchParams(api.last(route)?.search).get('nodeName');

  it('reads the unreachable nodes of a list, sorted', async () => {
    const r = await docker.getWithSource(3, '/containers/json');
    expect(r.unreachableNodes).toEqual(['node2']);
    expect(unreachableNodesOf(' node3, node1 ,,')).toEqual(['node1', 'node3']);
    expect(unreachableNodesOf(null)).toEqual([]);
  });

  it('sends the node of a listed container (by id or name) and of execs made on it; never guesses', async () => {
    await docker.get(3, '/containers/json', { all: 1 });
    await docker.get(3, '/containers/aaa111/json');
    expect(nodeParam('GET /api/endpoints/3/docker/containers/aaa111/json')).toBe('node3');
    await docker.get(3, '/containers/web/json');
    expect(nodeParam('GET /api/endpoints/3/docker/containers/web/json')).toBe('node3');
    // No tag (a plain engine or a classic agent): nothing added.
    await docker.get(3, '/containers/bbb222/json');
    expect(nodeParam('GET /api/endpoints/3/docker/containers/bbb222/json')).toBeNull();
    const exec = await docker.post<{ Id: string }>(3, '/containers/web/exec', { Cmd: ['sh'] });
    expect(nodeParam('POST /api/endpoints/3/docker/containers/web/exec')).toBe('node3');
    await docker.post(3, `/exec/${exec.Id}/resize`, undefined, { h: 10, w: 80 });
    expect(nodeParam('POST /api/endpoints/3/docker/exec/exec9/resize')).toBe('node3');
    expect(docker.websocketUrl('exec', { endpointId: 3, id: 'exec9' })).toContain('nodeName=node3');
    expect(docker.websocketUrl('logs', { endpointId: 3, id: 'web' })).toContain('nodeName=node3');
    expect(docker.websocketUrl('logs', { endpointId: 3, id: 'bbb222' })).not.toContain('nodeName');
    // An explicit node wins; another environment knows nothing.
    expect(docker.url(3, '/containers/web/json', { nodeName: 'node1' })).toContain('nodeName=node1');
    expect(docker.url(4, '/containers/web/json')).not.toContain('nodeName');
  });
});
