import { describe, expect, it } from 'vitest';
import { EnvironmentRoleId, ResourceControlType } from '@capstan/contracts-api';
import { classify, decide, engineRoute } from './proxy-policy';

describe('engineRoute', () => {
  it('strips a version prefix only at the start', () => {
    expect(engineRoute('/v1.41/containers/json')).toBe('/containers/json');
    expect(engineRoute('/v1/info')).toBe('/info');
    expect(engineRoute('/containers/v1.41/json')).toBe('/containers/v1.41/json');
    expect(engineRoute('/v1.41')).toBe('/v1.41');
  });
});

describe('decide', () => {
  const allowed = (role: EnvironmentRoleId | undefined, method: string, path: string) =>
    decide(role, method, path).allowed;

  it('lets administrators and environment administrators do anything', () => {
    expect(allowed(undefined, 'POST', '/containers/create')).toBe(true);
    expect(allowed(EnvironmentRoleId.EnvironmentAdministrator, 'POST', '/v1.41/containers/prune')).toBe(true);
  });

  it('gives operators reads, lifecycle and consoles', () => {
    expect(allowed(EnvironmentRoleId.Operator, 'GET', '/containers/json')).toBe(true);
    expect(allowed(EnvironmentRoleId.Operator, 'POST', '/v1.41/containers/abc/restart')).toBe(true);
    expect(allowed(EnvironmentRoleId.Operator, 'POST', '/containers/abc/exec')).toBe(true);
    expect(allowed(EnvironmentRoleId.Operator, 'POST', '/containers/create')).toBe(false);
    expect(allowed(EnvironmentRoleId.Operator, 'DELETE', '/containers/abc')).toBe(false);
    expect(allowed(EnvironmentRoleId.Operator, 'POST', '/containers/abc/start/../../create')).toBe(false);
  });

  it('gives helpdesk reads and consoles only', () => {
    expect(allowed(EnvironmentRoleId.Helpdesk, 'GET', '/images/json')).toBe(true);
    expect(allowed(EnvironmentRoleId.Helpdesk, 'POST', '/exec/abc/start')).toBe(true);
    expect(allowed(EnvironmentRoleId.Helpdesk, 'POST', '/containers/abc/stop')).toBe(false);
  });

  it('lets standard users create and manage (ownership is checked afterwards), never prune', () => {
    expect(allowed(EnvironmentRoleId.StandardUser, 'GET', '/containers/json')).toBe(true);
    expect(allowed(EnvironmentRoleId.StandardUser, 'POST', '/v1.41/containers/create')).toBe(true);
    expect(allowed(EnvironmentRoleId.StandardUser, 'DELETE', '/containers/abc')).toBe(true);
    expect(allowed(EnvironmentRoleId.StandardUser, 'POST', '/images/create')).toBe(true);
    expect(allowed(EnvironmentRoleId.StandardUser, 'POST', '/containers/prune')).toBe(false);
    expect(allowed(EnvironmentRoleId.StandardUser, 'POST', '/images/prune')).toBe(false);
    expect(allowed(EnvironmentRoleId.StandardUser, 'POST', '/swarm/leave')).toBe(false);
    expect(allowed(EnvironmentRoleId.StandardUser, 'GET', '/events')).toBe(false);
    expect(allowed(EnvironmentRoleId.StandardUser, 'GET', '/system/df')).toBe(false);
    expect(allowed(EnvironmentRoleId.StandardUser, 'GET', '/unknown/thing')).toBe(false);
  });

  it('gives read-only users reads only, without consoles', () => {
    expect(allowed(EnvironmentRoleId.ReadOnlyUser, 'GET', '/containers/json')).toBe(true);
    expect(allowed(EnvironmentRoleId.ReadOnlyUser, 'GET', '/containers/abc/logs')).toBe(true);
    expect(allowed(EnvironmentRoleId.ReadOnlyUser, 'POST', '/containers/abc/stop')).toBe(false);
    expect(allowed(EnvironmentRoleId.ReadOnlyUser, 'POST', '/containers/abc/exec')).toBe(false);
    expect(allowed(EnvironmentRoleId.ReadOnlyUser, 'POST', '/containers/create')).toBe(false);
    expect(allowed(EnvironmentRoleId.ReadOnlyUser, 'POST', '/images/create')).toBe(false);
  });
});

describe('classify', () => {
  it('names the resource and the kind of call', () => {
    expect(classify('GET', '/v1.41/containers/json')).toEqual({
      kind: 'list',
      type: ResourceControlType.Container,
    });
    expect(classify('GET', '/volumes')).toEqual({ kind: 'list', type: ResourceControlType.Volume });
    expect(classify('GET', '/containers/abc/json')).toEqual({
      kind: 'inspect',
      type: ResourceControlType.Container,
      id: 'abc',
    });
    expect(classify('GET', '/networks/n1')).toEqual({
      kind: 'inspect',
      type: ResourceControlType.Network,
      id: 'n1',
    });
    expect(classify('POST', '/volumes/create')).toEqual({ kind: 'create', type: ResourceControlType.Volume });
    expect(classify('DELETE', '/containers/abc')).toMatchObject({
      kind: 'resource',
      id: 'abc',
      remove: true,
    });
    expect(classify('POST', '/containers/abc/stop')).toMatchObject({
      kind: 'resource',
      write: true,
      action: 'stop',
    });
    expect(classify('GET', '/containers/abc/logs')).toMatchObject({ kind: 'resource', write: false });
    expect(classify('POST', '/containers/abc/exec')).toEqual({ kind: 'console', containerId: 'abc' });
    expect(classify('POST', '/exec/e1/start')).toEqual({ kind: 'exec', execId: 'e1', action: 'start' });
    expect(classify('GET', '/tasks')).toEqual({ kind: 'list', type: 'task' });
    expect(classify('POST', '/volumes/prune')).toEqual({ kind: 'prune' });
    expect(classify('GET', '/swarm')).toEqual({ kind: 'swarm-read' });
    expect(classify('POST', '/swarm/init')).toEqual({ kind: 'admin' });
    expect(classify('POST', '/nodes/n1/update')).toEqual({ kind: 'admin' });
  });

  it('treats dot segments and odd ids as administrator-only', () => {
    expect(classify('GET', '/containers/../info')).toEqual({ kind: 'admin' });
    expect(classify('DELETE', '/volumes/%2e%2e')).toEqual({ kind: 'admin' });
  });
});
