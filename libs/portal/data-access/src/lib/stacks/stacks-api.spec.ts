import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { beforeEach, describe, expect, it } from 'vitest';

import { FakeApi, provideFakeApi } from '../testing/fake-api';
import { STACK_COMPOSE, StacksApi, stackEnv, stackEnvError, type Stack } from './stacks-api';

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
