import { describe, expect, it } from 'vitest';
import { ResourceControlType } from '@capstan/contracts-api';
import { checkSecurity, identify, type SecurityToggles } from './proxy-ownership';

const none: SecurityToggles = {
  allowBindMountsForRegularUsers: false,
  allowPrivilegedModeForRegularUsers: false,
  allowHostNamespaceForRegularUsers: false,
  allowDeviceMappingForRegularUsers: false,
  allowContainerCapabilitiesForRegularUsers: false,
  allowSysctlSettingForRegularUsers: false,
};
const all: SecurityToggles = Object.fromEntries(
  Object.keys(none).map((k) => [k, true]),
) as unknown as SecurityToggles;
const C = ResourceControlType.Container;

describe('checkSecurity', () => {
  it('refuses each toggle that is off, and allows everything when on', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ Privileged: true }, /privileged/],
      [{ PidMode: 'host' }, /pid/],
      [{ Devices: [{ PathOnHost: '/dev/kvm' }] }, /device/],
      [{ Sysctls: { 'net.ipv4.ip_forward': '1' } }, /sysctl/],
      [{ CapAdd: ['NET_ADMIN'] }, /capabilities/],
      [{ Binds: ['/etc:/x'] }, /bind/],
      [{ Binds: ['./rel:/x'] }, /bind/],
      [{ Mounts: [{ Type: 'bind', Source: '/', Target: '/h' }] }, /bind/],
    ];
    for (const [host, message] of cases) {
      expect(() => checkSecurity(C, { HostConfig: host }, none)).toThrow(message);
      expect(() => checkSecurity(C, { HostConfig: host }, all)).not.toThrow();
    }
  });

  it('lets named volumes, empty lists and plain containers through', () => {
    expect(() =>
      checkSecurity(C, { HostConfig: { Binds: ['data:/data'], CapAdd: [], Sysctls: {} } }, none),
    ).not.toThrow();
    expect(() => checkSecurity(C, {}, none)).not.toThrow();
    expect(() => checkSecurity(C, { HostConfig: { Privileged: false, PidMode: '' } }, none)).not.toThrow();
  });

  it('checks bind mounts in service specs', () => {
    const spec = {
      TaskTemplate: { ContainerSpec: { Mounts: [{ Type: 'bind', Source: '/', Target: '/h' }] } },
    };
    expect(() => checkSecurity(ResourceControlType.Service, spec, none)).toThrow(/bind/);
    expect(() => checkSecurity(ResourceControlType.Service, spec, all)).not.toThrow();
  });
});

describe('identify', () => {
  it('finds id and labels where each Docker object keeps them', () => {
    expect(identify(C, { Id: 'c1', Labels: { a: '1' } })).toEqual({ id: 'c1', labels: { a: '1' } });
    expect(identify(C, { Id: 'c1', Config: { Labels: { b: '2' } } })).toEqual({
      id: 'c1',
      labels: { b: '2' },
    });
    expect(identify(ResourceControlType.Volume, { Name: 'v', Labels: null })).toEqual({
      id: 'v',
      labels: null,
    });
    expect(identify(ResourceControlType.Network, { Id: 'n', Name: 'bridge' })).toMatchObject({
      id: 'n',
      name: 'bridge',
    });
    expect(identify(ResourceControlType.Service, { ID: 's', Spec: { Labels: { x: 'y' } } })).toEqual({
      id: 's',
      labels: { x: 'y' },
    });
    expect(
      identify('task', { ID: 't', ServiceID: 's', Spec: { ContainerSpec: { Labels: { k: 'v' } } } }),
    ).toMatchObject({
      id: 's',
      serviceId: 's',
      labels: { k: 'v' },
    });
  });
});
