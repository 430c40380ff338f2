import { describe, expect, it } from 'vitest';
import { EnvironmentRoleId, ResourceControlType, UserRole } from '@capstan/contracts-api';
import { EnvironmentAccess } from '@capstan/server-rbac';
import { classify, decide, engineRoute } from './proxy-policy';

/** User 7 with a role on environment 1 (`undefined`: an administrator). */
const as = (roleId: EnvironmentRoleId | undefined) =>
  new EnvironmentAccess(
    1,
    {
      id: 7,
      role: roleId === undefined ? UserRole.Administrator : UserRole.StandardUser,
      isTeamLeader: false,
    },
    roleId,
    [],
  );

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
    decide(as(role), method, path).allowed;

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

describe('the agent volume browser and Docker Hub helper', () => {
  const q = (s: string) => new URLSearchParams(s);
  const on = { agent: true, allowVolumeBrowserForRegularUsers: true };
  const off = { agent: true, allowVolumeBrowserForRegularUsers: false };
  const { Operator, Helpdesk, StandardUser, ReadOnlyUser, EnvironmentAdministrator } = EnvironmentRoleId;

  it('classifies every browse form by its volume and whether it writes', () => {
    expect(classify('GET', '/v2/browse/ls', q('volumeID=data&path=/'))).toEqual({
      kind: 'browse',
      volumeId: 'data',
      write: false,
    });
    expect(classify('GET', '/browse/get', q('volumeID=data&path=/a'))).toMatchObject({ write: false });
    expect(classify('POST', '/v1.41/v2/browse/put', q('volumeID=data'))).toMatchObject({ write: true });
    expect(classify('DELETE', '/v2/browse/delete', q('volumeID=data'))).toMatchObject({ write: true });
    expect(classify('PUT', '/v2/browse/rename', q('volumeID=data'))).toMatchObject({ write: true });
    // The v1 form names the volume in the path.
    expect(classify('GET', '/v1/browse/my%20vol/ls', q('path=/'))).toEqual({
      kind: 'browse',
      volumeId: 'my vol',
      write: false,
    });
    // No (or an empty) volumeID: the host's files.
    expect(classify('GET', '/v2/browse/ls', q('path=/'))).toEqual({
      kind: 'browse',
      volumeId: undefined,
      write: false,
    });
    expect(classify('GET', '/v2/browse/ls', q('volumeID=&path=/'))).toMatchObject({ volumeId: undefined });
    // A wrong method or an unknown browse operation is not a browse call.
    expect(classify('POST', '/v2/browse/ls', q('volumeID=data'))).toEqual({ kind: 'admin' });
    expect(classify('GET', '/v2/browse/chmod', q('volumeID=data'))).toEqual({ kind: 'admin' });
  });

  it('classifies Docker Hub rate limits as a read, the registry form only by GET', () => {
    expect(classify('POST', '/v2/dockerhub')).toEqual({ kind: 'dockerhub' });
    expect(classify('GET', '/v2/dockerhub/0')).toEqual({ kind: 'dockerhub', registryId: 0 });
    expect(classify('DELETE', '/v2/dockerhub/3')).toEqual({ kind: 'admin' });
    expect(classify('GET', '/v2/dockerhub/x')).toEqual({ kind: 'admin' });
    // The agent only has /v2/dockerhub.
    expect(classify('POST', '/dockerhub')).toEqual({ kind: 'admin' });
  });

  it('refuses volume browsing to every non-administrator while the setting is off, naming it', () => {
    for (const role of [EnvironmentAdministrator, Operator, Helpdesk, StandardUser, ReadOnlyUser]) {
      const d = decide(as(role), 'GET', '/v2/browse/ls', { ...off, query: q('volumeID=data&path=/') });
      expect(d.allowed, String(role)).toBe(false);
      if (!d.allowed) {
        expect(d.message).toMatch(/Volume browsing is disabled/);
        expect(d.reason).toContain('AllowVolumeBrowserForRegularUsers');
      }
    }
    expect(
      decide(as(undefined), 'POST', '/v2/browse/put', { ...off, query: q('volumeID=data') }).allowed,
    ).toBe(true);
  });

  it('with the setting on: reads for every role, writes not for Read-only users and Helpdesk', () => {
    const can = (role: EnvironmentRoleId, method: string, path: string) =>
      decide(as(role), method, path, { ...on, query: q('volumeID=data&path=/') }).allowed;
    for (const role of [EnvironmentAdministrator, Operator, Helpdesk, StandardUser, ReadOnlyUser]) {
      expect(can(role, 'GET', '/v2/browse/ls'), String(role)).toBe(true);
      expect(can(role, 'GET', '/v2/browse/get'), String(role)).toBe(true);
    }
    for (const [method, path] of [
      ['POST', '/v2/browse/put'],
      ['DELETE', '/v2/browse/delete'],
      ['PUT', '/v2/browse/rename'],
    ] as const) {
      expect(can(StandardUser, method, path)).toBe(true);
      expect(can(Operator, method, path)).toBe(true);
      expect(can(EnvironmentAdministrator, method, path)).toBe(true);
      expect(can(ReadOnlyUser, method, path)).toBe(false);
      expect(can(Helpdesk, method, path)).toBe(false);
    }
  });

  it('keeps host browsing for administrators, where host management features are on', () => {
    const hostOn = { ...on, enableHostManagementFeatures: true };
    for (const role of [EnvironmentAdministrator, Operator, Helpdesk, StandardUser, ReadOnlyUser]) {
      for (const path of ['/v2/browse/ls', '/browse/get', '/v2/browse/put']) {
        const d = decide(as(role), path.endsWith('put') ? 'POST' : 'GET', path, {
          ...hostOn,
          query: q('path=/'),
        });
        expect(d.allowed, `${role} ${path}`).toBe(false);
        if (!d.allowed) expect(d.reason).toBe("Only administrators can browse the host's files");
      }
      // Not an agent: the engine has no /browse; nobody but administrators gets it forwarded.
      if (role !== EnvironmentAdministrator)
        expect(decide(as(role), 'GET', '/v2/browse/ls', { query: q('volumeID=data&path=/') }).allowed).toBe(
          false,
        );
    }
    expect(decide(as(undefined), 'GET', '/v2/browse/ls', { ...hostOn, query: q('path=/') }).allowed).toBe(
      true,
    );
    expect(
      decide(as(undefined), 'DELETE', '/v2/browse/delete', { ...hostOn, query: q('path=/x') }).allowed,
    ).toBe(true);
  });

  it('refuses the host files to administrators too while EnableHostManagementFeatures is off', () => {
    for (const setting of [false, undefined]) {
      const d = decide(as(undefined), 'GET', '/v2/browse/ls', {
        ...on,
        enableHostManagementFeatures: setting,
        query: q('path=/'),
      });
      expect(d).toEqual({
        allowed: false,
        reason:
          "The environment's security setting EnableHostManagementFeatures is off: the host's files cannot be browsed",
        message: 'Host management features are disabled on this environment',
      });
    }
    // A volume's files do not depend on it.
    expect(
      decide(as(undefined), 'GET', '/v2/browse/ls', { ...on, query: q('volumeID=data&path=/') }).allowed,
    ).toBe(true);
  });

  it('lets anyone with access read the Docker Hub limits, the member list and the host facts', () => {
    for (const role of [Operator, Helpdesk, StandardUser, ReadOnlyUser]) {
      expect(decide(as(role), 'GET', '/v2/dockerhub/0', on).allowed).toBe(true);
      expect(decide(as(role), 'POST', '/v2/dockerhub', on).allowed).toBe(true);
      // The node picker and per-node pages need the Swarm members; the host page the PCI devices and disks.
      for (const path of [
        '/v2/agents',
        '/v1/agents',
        '/agents',
        '/v1.41/v2/agents',
        '/v2/host/info',
        '/host/info',
      ]) {
        expect(decide(as(role), 'GET', path, off).allowed, `${role} ${path}`).toBe(true);
      }
      // Not a read: no agent route, so the engine's rule applies (administrators only).
      expect(decide(as(role), 'POST', '/v2/agents', on).allowed).toBe(false);
      expect(decide(as(role), 'DELETE', '/v2/host/info', on).allowed).toBe(false);
      // Other unknown agent paths stay administrators'.
      expect(decide(as(role), 'GET', '/v2/host/files', on).allowed).toBe(false);
    }
  });

  it('classifies the member list and host facts by route, whatever the prefix', () => {
    expect(classify('GET', '/v2/agents')).toEqual({ kind: 'agent-info', route: 'agents' });
    expect(classify('GET', '/v1/agents')).toEqual({ kind: 'agent-info', route: 'agents' });
    expect(classify('GET', '/v1.41/v2/host/info')).toEqual({ kind: 'agent-info', route: 'hostInfo' });
    expect(classify('GET', '/host/info')).toEqual({ kind: 'agent-info', route: 'hostInfo' });
    expect(classify('PUT', '/v2/host/info')).toEqual({ kind: 'admin' });
  });
});
