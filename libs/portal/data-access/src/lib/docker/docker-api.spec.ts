import { TestBed } from '@angular/core/testing';
import { beforeEach, describe, expect, it } from 'vitest';

import { API_HEADERS } from '@capstan/contracts-api';

import { ApiClient } from '../api/api-client';
import { ApiError } from '../api/api-error';
import { FakeApi, ManualXhr, provideFakeApi } from '../testing/fake-api';
import {
  DockerApi,
  UploadError,
  type UploadProgress,
  XHR_FACTORY,
  unreachableNodesOf,
  uploadFailure,
} from './docker-api';

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

describe('DockerApi.upload (progress through XMLHttpRequest)', () => {
  let docker: DockerApi;

  beforeEach(() => {
    ManualXhr.last = null;
    TestBed.configureTestingModule({
      providers: [provideFakeApi(new FakeApi()), { provide: XHR_FACTORY, useValue: ManualXhr.factory }],
    });
    docker = TestBed.inject(DockerApi);
    TestBed.inject(ApiClient).noteCsrfToken('csrf-1');
  });

  it('sends the body with the CSRF token, reports progress, resolves with the answer', async () => {
    const seen: UploadProgress[] = [];
    const body = new Blob(['x'.repeat(10)]);
    const pending = docker.upload(7, 'POST', '/images/load', {
      query: { quiet: 0 },
      body,
      contentType: 'application/x-tar',
      onProgress: (p) => seen.push(p),
    });
    const xhr = ManualXhr.last!;
    expect(xhr.method).toBe('POST');
    expect(xhr.url).toBe('http://localhost/api/endpoints/7/docker/images/load?quiet=0');
    expect(xhr.withCredentials).toBe(true);
    expect(xhr.headers).toEqual({ 'Content-Type': 'application/x-tar', [API_HEADERS.csrfToken]: 'csrf-1' });
    expect(xhr.sent).toBe(body);
    xhr.progress(4, 10);
    xhr.progress(7, null);
    xhr.answer(200, '{"stream":"Loaded image: a:b"}');
    expect(await pending).toEqual({ status: 200, text: '{"stream":"Loaded image: a:b"}' });
    expect(seen).toEqual([
      { loaded: 4, total: 10 },
      { loaded: 7, total: null },
    ]);
  });

  it('turns an error answer into the ApiError of its body', async () => {
    const pending = docker.upload(7, 'POST', '/v2/browse/put', { body: new FormData() });
    ManualXhr.last!.answer(403, '{"message":"Access denied to resource","details":"Read-only users"}');
    const failure = uploadFailure(await pending);
    expect(failure).toBeInstanceOf(ApiError);
    expect([failure?.status, failure?.message, failure?.details]).toEqual([
      403,
      'Access denied to resource',
      'Read-only users',
    ]);
    expect(uploadFailure({ status: 502, text: 'Bad Gateway' })?.message).toBe('Bad Gateway');
    expect(uploadFailure({ status: 204, text: '' })).toBeNull();
  });

  it('stops on the signal (request aborted) and tells a network failure apart', async () => {
    const stop = new AbortController();
    const pending = docker.upload(7, 'POST', '/v2/browse/put', { body: new FormData(), signal: stop.signal });
    const xhr = ManualXhr.last!;
    stop.abort();
    await expect(pending).rejects.toMatchObject({ aborted: true });
    expect(xhr.aborted).toBe(true);
    // Already aborted: nothing is sent at all.
    ManualXhr.last = null;
    await expect(
      docker.upload(7, 'POST', '/v2/browse/put', { body: new FormData(), signal: stop.signal }),
    ).rejects.toBeInstanceOf(UploadError);
    expect(ManualXhr.last).toBeNull();
    const failing = docker.upload(7, 'POST', '/v2/browse/put', { body: new FormData() });
    ManualXhr.last!.onerror?.();
    await expect(failing).rejects.toMatchObject({
      aborted: false,
      message: expect.stringMatching(/network/),
    });
  });
});
