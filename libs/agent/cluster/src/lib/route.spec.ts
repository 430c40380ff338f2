import { describe, expect, it } from 'vitest';

import { MemberTable } from './members';
import {
  decideRoute,
  decideUpgradeRoute,
  LocalNode,
  NO_AGENT_MESSAGE,
  NO_MANAGER_MESSAGE,
  RouteInput,
} from './route';

function cluster(): MemberTable {
  const t = new MemberTable(10_000);
  t.seen('10.0.0.11', 9001, { nodeName: 'node1', role: 'manager', leader: true, edgeKeySet: false }, 1);
  t.seen('10.0.0.12', 9001, { nodeName: 'node2', role: 'worker', leader: false, edgeKeySet: false }, 1);
  t.seen('10.0.0.13', 9001, { nodeName: 'node3', role: 'worker', leader: false, edgeKeySet: false }, 1);
  return t;
}
const worker: LocalNode = { nodeName: 'node2', role: 'worker' };
const manager: LocalNode = { nodeName: 'node1', role: 'manager' };
const req = (over: Partial<RouteInput>): RouteInput => ({
  method: 'GET',
  path: '/',
  target: '',
  managerOperation: '',
  ...over,
});

describe('decideRoute', () => {
  it.each([
    ['GET', '/containers/json', 'containers'],
    ['POST', '/containers/json', 'containers'],
    ['GET', '/images/json', 'images'],
    ['GET', '/volumes', 'volumes'],
    ['GET', '/networks', 'networks'],
  ])('%s %s without a target fans out (%s)', (method, path, resource) => {
    expect(decideRoute(req({ method, path }), worker, cluster())).toEqual({ kind: 'fanout', resource });
  });

  it('serves a fan-out path locally when the target is this node, and ignores another target (as the original)', () => {
    expect(decideRoute(req({ path: '/containers/json', target: 'node2' }), worker, cluster())).toEqual({
      kind: 'local',
    });
    expect(decideRoute(req({ path: '/containers/json', target: 'node3' }), worker, cluster())).toEqual({
      kind: 'fanout',
      resource: 'containers',
    });
  });

  it('does not fan out writes to /volumes and /networks or other list-like paths', () => {
    expect(decideRoute(req({ method: 'POST', path: '/volumes' }), worker, cluster())).toEqual({
      kind: 'local',
    });
    expect(decideRoute(req({ method: 'POST', path: '/networks' }), worker, cluster())).toEqual({
      kind: 'local',
    });
    expect(decideRoute(req({ path: '/volumes/x' }), worker, cluster())).toEqual({ kind: 'local' });
    expect(decideRoute(req({ path: '/containers/json/' }), worker, cluster())).toEqual({ kind: 'local' });
  });

  it.each([
    '/services',
    '/services/create',
    '/tasks',
    '/secrets/x',
    '/configs',
    '/swarm/init',
    '/info',
    '/nodes/abc',
  ])('%s on a worker goes to the leader manager', (path) => {
    const d = decideRoute(req({ path }), worker, cluster());
    expect(d.kind === 'forward' && d.member.nodeName).toBe('node1');
  });

  it('serves manager operations locally on a manager', () => {
    expect(decideRoute(req({ path: '/services' }), manager, cluster())).toEqual({ kind: 'local' });
    expect(
      decideRoute(req({ path: '/containers/x/json', managerOperation: '1' }), manager, cluster()),
    ).toEqual({
      kind: 'local',
    });
  });

  it('the manager-operation header wins over the target and over fan-out', () => {
    const d = decideRoute(
      req({ path: '/containers/json', target: 'node3', managerOperation: '1' }),
      worker,
      cluster(),
    );
    expect(d.kind === 'forward' && d.member.nodeName).toBe('node1');
  });

  it('answers 500 with the original texts when no manager or no such node is known', () => {
    const onlyWorkers = new MemberTable(10_000);
    onlyWorkers.seen(
      '10.0.0.12',
      9001,
      { nodeName: 'node2', role: 'worker', leader: false, edgeKeySet: false },
      1,
    );
    expect(decideRoute(req({ path: '/nodes' }), worker, onlyWorkers)).toMatchObject({
      kind: 'error',
      status: 500,
      message: NO_MANAGER_MESSAGE,
    });
    expect(decideRoute(req({ path: '/containers/abc/json', target: 'node9' }), worker, cluster())).toEqual({
      kind: 'error',
      status: 500,
      message: NO_AGENT_MESSAGE,
      details: 'Unable to find the targeted agent',
    });
  });

  it('sends node operations to the target node, locally when empty or this node', () => {
    const d = decideRoute(
      req({ method: 'POST', path: '/containers/abc/start', target: 'node3' }),
      worker,
      cluster(),
    );
    expect(d.kind === 'forward' && d.member.address).toBe('10.0.0.13');
    expect(decideRoute(req({ path: '/containers/abc/json' }), worker, cluster())).toEqual({ kind: 'local' });
    expect(decideRoute(req({ path: '/containers/abc/json', target: 'node2' }), worker, cluster())).toEqual({
      kind: 'local',
    });
  });
});

describe('decideUpgradeRoute', () => {
  it('needs a target in cluster mode and relays to another node', () => {
    expect(decideUpgradeRoute('', worker, cluster())).toMatchObject({
      kind: 'error',
      status: 500,
      message: NO_AGENT_MESSAGE,
    });
    expect(decideUpgradeRoute('node2', worker, cluster())).toEqual({ kind: 'local' });
    const d = decideUpgradeRoute('node3', worker, cluster());
    expect(d.kind === 'forward' && d.member.nodeName).toBe('node3');
  });
});
