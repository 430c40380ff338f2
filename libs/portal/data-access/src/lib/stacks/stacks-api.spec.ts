import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { beforeEach, describe, expect, it } from 'vitest';

import { API_FETCH } from '../api/api-client';
import { WEBSOCKET_FACTORY } from '../docker/docker-socket';
import { multipartFetch } from '../environments/environment-testing';
import { FakeApi, provideFakeApi } from '../testing/fake-api';
import {
  STACK_COMPOSE,
  StacksApi,
  autoUpdateIntervalError,
  stackEnv,
  stackEnvError,
  stackGit,
  type Stack,
} from './stacks-api';

/** A WebSocket double: the test plays the server's part. */
class FakeSocket {
  static all: FakeSocket[] = [];
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  close(): void {
    this.closed = true;
  }
  send(text: string): void {
    this.onmessage?.({ data: text });
  }
}

const stack = (over: Partial<Stack> = {}): Stack =>
  ({ Id: 4, Name: 'web', EndpointId: 3, Type: STACK_COMPOSE, Status: 1, ...over }) as Stack;

describe('StacksApi', () => {
  let api: FakeApi;

  beforeEach(() => {
    api = new FakeApi();
    TestBed.configureTestingModule({ providers: [provideRouter([]), provideFakeApi(api)] });
  });

  it('lists one environment through the EndpointID filter', async () => {
    api.on('GET /api/stacks', { body: [] });
    await TestBed.inject(StacksApi).list(3);
    const query = new URLSearchParams(api.last('GET /api/stacks')?.search);
    expect(JSON.parse(query.get('filters') ?? '')).toEqual({ EndpointID: 3 });
  });

  it('creates a compose stack without SwarmID and a Swarm stack with it', async () => {
    api.on('POST /api/stacks/create/standalone/string', { body: stack() });
    api.on('POST /api/stacks/create/swarm/string', { body: stack({ Type: 1 }) });
    const stacks = TestBed.inject(StacksApi);
    await stacks.create(3, { name: 'web', content: 'services: {}', env: [{ name: 'A', value: '$x\ny' }] });
    const compose = api.last('POST /api/stacks/create/standalone/string');
    expect(compose?.search).toBe('?endpointId=3');
    expect(compose?.body).toEqual({
      Name: 'web',
      StackFileContent: 'services: {}',
      Env: [{ name: 'A', value: '$x\ny' }],
    });
    await stacks.create(3, { name: 'web', content: 'services: {}', env: [], swarmId: 'abc' });
    expect(api.last('POST /api/stacks/create/swarm/string')?.body).toMatchObject({ SwarmID: 'abc' });
  });

  it('updates with the flags and rolls back by version', async () => {
    api.on('PUT /api/stacks/4', { body: stack() });
    const stacks = TestBed.inject(StacksApi);
    await stacks.update(stack(), { content: 'f', env: [], prune: true, pullImage: false });
    expect(api.last('PUT /api/stacks/4')?.body).toEqual({
      StackFileContent: 'f',
      Env: [],
      Prune: true,
      PullImage: false,
    });
    await stacks.rollback(stack(), 2);
    expect(api.last('PUT /api/stacks/4')?.body).toEqual({ RollbackTo: 2 });
    expect(api.last('PUT /api/stacks/4')?.search).toBe('?endpointId=3');
  });

  it('deletes a Capstan stack by id and an external one by name', async () => {
    api.on('DELETE /api/stacks/4', { status: 204 });
    api.on('DELETE /api/stacks/other', { status: 204 });
    const stacks = TestBed.inject(StacksApi);
    await stacks.remove(stack());
    expect(api.last('DELETE /api/stacks/4')?.search).toBe('?endpointId=3');
    await stacks.remove(stack({ Id: 0, Name: 'other', External: true, Type: 1 }));
    expect(Object.fromEntries(new URLSearchParams(api.last('DELETE /api/stacks/other')?.search))).toEqual({
      endpointId: '3',
      external: 'true',
      type: '1',
    });
  });
});

describe('StacksApi: upload, git, webhook and the progress socket', () => {
  let api: FakeApi;

  beforeEach(() => {
    api = new FakeApi();
    FakeSocket.all = [];
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        provideFakeApi(api),
        { provide: API_FETCH, useValue: multipartFetch(api) },
        {
          provide: WEBSOCKET_FACTORY,
          useValue: (url: string) => new FakeSocket(url) as unknown as WebSocket,
        },
      ],
    });
  });

  it('uploads the file as is on the multipart route (not as editor text)', async () => {
    api.on('POST /api/stacks/create/standalone/file', { body: stack() });
    const file = new File(['services:\n  a: {image: x}\n'], 'web.yml', { type: 'text/yaml' });
    await TestBed.inject(StacksApi).createFromFile(3, {
      name: 'web',
      file,
      env: [{ name: 'A', value: 'b' }],
    });
    const sent = api.last('POST /api/stacks/create/standalone/file');
    expect(sent?.search).toBe('?endpointId=3');
    expect(sent?.body).toEqual({
      Name: 'web',
      // (jsdom's File loses its name in Node's multipart encoder; browsers send it.)
      file: { file: expect.any(String) as unknown, text: 'services:\n  a: {image: x}\n' },
      Env: '[{"name":"A","value":"b"}]',
    });
  });

  it("creates from a repository with Portainer's field names, credentials only with a token", async () => {
    api.on('POST /api/stacks/create/swarm/repository', { body: stack() });
    const git = {
      url: ' https://git.local/r.git ',
      reference: 'refs/heads/main',
      composeFile: 'deploy/compose.yml',
      additionalFiles: ['a.yml', ' ', 'b.yml'],
      username: 'bob',
      token: 's3cret',
      tlsSkipVerify: true,
      autoUpdate: { Interval: '', Webhook: 'uuid-1', ForceUpdate: true, ForcePullImage: false },
    };
    const stacks = TestBed.inject(StacksApi);
    await stacks.createFromRepository(3, { name: 'web', env: [], swarmId: 'sw', git });
    expect(api.last('POST /api/stacks/create/swarm/repository')?.body).toEqual({
      Name: 'web',
      Env: [],
      SwarmID: 'sw',
      RepositoryURL: 'https://git.local/r.git',
      RepositoryReferenceName: 'refs/heads/main',
      ComposeFile: 'deploy/compose.yml',
      AdditionalFiles: ['a.yml', 'b.yml'],
      RepositoryAuthentication: true,
      RepositoryUsername: 'bob',
      RepositoryPassword: 's3cret',
      TLSSkipVerify: true,
      AutoUpdate: git.autoUpdate,
    });
    api.on('POST /api/stacks/create/standalone/repository', { body: stack() });
    await stacks.createFromRepository(3, {
      name: 'web',
      env: [],
      git: { ...git, token: '', autoUpdate: null },
    });
    const anonymous = api.last('POST /api/stacks/create/standalone/repository')?.body as Record<
      string,
      unknown
    >;
    expect(anonymous['RepositoryAuthentication']).toBe(false);
    expect(anonymous).not.toHaveProperty('RepositoryPassword');
    expect(anonymous['AutoUpdate']).toBeNull();
  });

  it('redeploys a git stack and changes its git settings on their routes', async () => {
    api.on('PUT /api/stacks/4/git/redeploy', { body: stack() });
    api.on('POST /api/stacks/4/git', { body: stack() });
    const stacks = TestBed.inject(StacksApi);
    await stacks.redeployGit(stack(), { reference: 'refs/tags/v2', env: [], prune: true, pullImage: true });
    expect(api.last('PUT /api/stacks/4/git/redeploy')?.search).toBe('?endpointId=3');
    expect(api.last('PUT /api/stacks/4/git/redeploy')?.body).toEqual({
      RepositoryReferenceName: 'refs/tags/v2',
      Env: [],
      Prune: true,
      PullImage: true,
    });
    await stacks.updateGit(stack(), {
      reference: 'main',
      credentials: null,
      tlsSkipVerify: false,
      autoUpdate: { Interval: '10m' },
      env: [],
      prune: false,
    });
    expect(api.last('POST /api/stacks/4/git')?.body).toEqual({
      RepositoryReferenceName: 'main',
      RepositoryAuthentication: false,
      TLSSkipVerify: false,
      AutoUpdate: { Interval: '10m' },
      Env: [],
      Prune: false,
    });
  });

  it('gives the webhook URL only for a stack with a webhook, and reads GitConfig', () => {
    const stacks = TestBed.inject(StacksApi);
    expect(stacks.webhookUrl(stack())).toBeNull();
    expect(stacks.webhookUrl(stack({ AutoUpdate: { Webhook: 'ab-12', Interval: '' } as never }))).toBe(
      'http://localhost/api/stacks/webhooks/ab-12',
    );
    expect(stackGit(stack())).toBeNull();
    expect(
      stackGit(stack({ GitConfig: { URL: 'https://g/r.git', ConfigHash: 'abc' } as never }))?.ConfigHash,
    ).toBe('abc');
  });

  it('follows a deploy over the socket: lines, then done; a close without done is a failure', () => {
    const stacks = TestBed.inject(StacksApi);
    const seen: string[] = [];
    stacks.watchDeploy(4, {
      line: (l) => seen.push(l),
      done: () => seen.push('DONE'),
      failed: () => seen.push('FAILED'),
    });
    const socket = FakeSocket.all[0];
    expect(socket.url).toBe('ws://localhost/api/websocket/stack-deploy?stackId=4');
    socket.send(' Container web-1  Started');
    socket.send('{"done":true}');
    socket.onclose?.({ code: 1000 });
    expect(seen).toEqual([' Container web-1  Started', 'DONE']);
    stacks.watchDeploy(5, {
      line: () => undefined,
      done: () => seen.push('DONE'),
      failed: () => seen.push('FAILED'),
    });
    FakeSocket.all[1].onclose?.({ code: 1006 });
    expect(seen.at(-1)).toBe('FAILED');
  });
});

describe('auto-update interval', () => {
  it("takes Go durations of at least a minute, as Portainer's form", () => {
    expect(autoUpdateIntervalError('5m')).toBeNull();
    expect(autoUpdateIntervalError('1h30m')).toBeNull();
    expect(autoUpdateIntervalError('30s')).toMatch(/at least one minute/i);
    expect(autoUpdateIntervalError('5 minutes')).toMatch(/hours, minutes and seconds/);
    expect(autoUpdateIntervalError('')).toMatch(/Give an interval/);
  });
});

describe('stack env rows', () => {
  it('drops blank rows and keeps values as typed', () => {
    expect(
      stackEnv([
        { key: ' A ', value: ' v ' },
        { key: '', value: '' },
      ]),
    ).toEqual([{ name: 'A', value: ' v ' }]);
  });

  it('names what the server would refuse', () => {
    expect(stackEnvError([{ key: 'OK_1', value: '' }])).toBeNull();
    expect(stackEnvError([{ key: '1A', value: '' }])).toMatch(/1A/);
    expect(
      stackEnvError([
        { key: 'A', value: '' },
        { key: 'A', value: '' },
      ]),
    ).toMatch(/twice/);
    expect(stackEnvError([{ key: '', value: 'x' }])).toMatch(/needs a name/);
  });
});
