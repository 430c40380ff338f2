import { describe, expect, it } from 'vitest';
import { EnvironmentRoleId } from '@capstan/contracts-api';
import { decide, engineRoute } from './proxy-policy';

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

  it('refuses owned-resource roles until resource controls exist', () => {
    expect(allowed(EnvironmentRoleId.StandardUser, 'GET', '/containers/json')).toBe(false);
    expect(allowed(EnvironmentRoleId.ReadOnlyUser, 'GET', '/containers/json')).toBe(false);
  });
});
