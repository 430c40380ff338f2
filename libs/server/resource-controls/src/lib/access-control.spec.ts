import { describe, expect, it } from 'vitest';
import { ResourceControlType, type ResourceControlBody } from '@capstan/contracts-api';
import { controlGrants } from '@capstan/server-rbac';
import { ControlIndex, decorate } from './access-control';

const rc = (fields: Partial<ResourceControlBody>): ResourceControlBody => ({
  Id: 1,
  ResourceId: 'r',
  SubResourceIds: [],
  Type: ResourceControlType.Container,
  UserAccesses: [],
  TeamAccesses: [],
  Public: false,
  AdministratorsOnly: false,
  System: false,
  ...fields,
});

describe('ControlIndex.find (Portainer inheritance order)', () => {
  const own = rc({ Id: 1, ResourceId: 'c1', UserAccesses: [{ UserId: 7, AccessLevel: 1 }] });
  const service = rc({ Id: 2, ResourceId: 's1', Type: ResourceControlType.Service, Public: true });
  const stack = rc({
    Id: 3,
    ResourceId: '5_web',
    Type: ResourceControlType.Stack,
    TeamAccesses: [{ TeamId: 3, AccessLevel: 1 }],
  });
  const sub = rc({ Id: 4, ResourceId: 'c9', SubResourceIds: ['c10'] });
  const index = new ControlIndex(5, [own, service, stack, sub], {
    users: new Map([['alice', 7]]),
    teams: new Map([['dev', 3]]),
  });

  it('prefers the resource, then sub-resources, service, stack and compose labels', () => {
    expect(index.find(ResourceControlType.Container, 'c1', { 'com.docker.compose.project': 'web' })?.Id).toBe(
      1,
    );
    expect(index.find(ResourceControlType.Container, 'c10', {})?.Id).toBe(4);
    expect(index.find(ResourceControlType.Container, 'x', { 'com.docker.swarm.service.id': 's1' })?.Id).toBe(
      2,
    );
    expect(index.find(ResourceControlType.Container, 'x', { 'com.docker.stack.namespace': 'web' })?.Id).toBe(
      3,
    );
    expect(index.find(ResourceControlType.Container, 'x', { 'com.docker.compose.project': 'web' })?.Id).toBe(
      3,
    );
    // Stacks are scoped by environment: the same project name elsewhere does not match.
    expect(
      new ControlIndex(6, [stack]).find(ResourceControlType.Container, 'x', {
        'com.docker.compose.project': 'web',
      }),
    ).toBeUndefined();
    // Types do not mix: a container control does not own a volume with the same id.
    expect(index.find(ResourceControlType.Volume, 'c1', {})).toBeUndefined();
  });

  it('reads access-control labels (names resolved, unknown names restrict to nobody)', () => {
    expect(
      index.find(ResourceControlType.Volume, 'v', { 'io.portainer.accesscontrol.public': '' })?.Public,
    ).toBe(true);
    const users = index.find(ResourceControlType.Volume, 'v', {
      'io.portainer.accesscontrol.users': 'alice, ghost',
    });
    expect(users?.UserAccesses).toEqual([{ UserId: 7, AccessLevel: 1 }]);
    expect(users?.Id).toBe(0);
    const teams = index.find(ResourceControlType.Volume, 'v', { 'io.portainer.accesscontrol.teams': 'dev' });
    expect(teams?.TeamAccesses).toEqual([{ TeamId: 3, AccessLevel: 1 }]);
    const ghost = index.find(ResourceControlType.Volume, 'v', {
      'io.portainer.accesscontrol.users': 'ghost',
    });
    expect(ghost && controlGrants(ghost, 7, [3])).toBe(false);
  });

  it('makes built-in networks public system resources', () => {
    const bridge = index.find(ResourceControlType.Network, 'n1', null, { name: 'bridge' });
    expect(bridge).toMatchObject({ Public: true, System: true });
    expect(index.find(ResourceControlType.Network, 'n2', null, { name: 'mynet' })).toBeUndefined();
  });
});

describe('decorate', () => {
  it('decorates without losing other Portainer fields', () => {
    const out = decorate({ Id: 'c', Portainer: { Agent: { NodeName: 'n1' } } }, rc({ Id: 9 }));
    expect(out.Portainer).toMatchObject({ Agent: { NodeName: 'n1' }, ResourceControl: { Id: 9 } });
    expect(decorate({ Id: 'c' }, undefined)).toEqual({ Id: 'c' });
  });
});
