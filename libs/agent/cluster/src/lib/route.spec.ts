import { describe, expect, it } from 'vitest';

import { AgentDispatch, dispatchAgentRequest } from '@capstan/contracts-agent';

import { MemberTable } from './members';
import {
  AgentRequestInput,
  decideRoute,
  decideUpgradeRoute,
  LocalNode,
  NO_AGENT_MESSAGE,
  NO_MANAGER_MESSAGE,
  peerPath,
  placeAgentRequest,
  placeAgentUpgrade,
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

/** A request as the agent router hands it to the cluster: the contract's dispatch of method and path. */
const agentReq = (
  method: string,
  path: string,
  over: Partial<AgentRequestInput> = {},
): AgentRequestInput => ({
  dispatch: dispatchAgentRequest(method, path),
  method,
  target: '',
  managerOperation: '',
  ...over,
});
const forwardedTo = (d: ReturnType<typeof placeAgentRequest>): string | null =>
  d.kind === 'forward' ? d.member.nodeName : null;

describe('placeAgentRequest (the cluster policy for a signed agent request)', () => {
  it('routes Docker calls by their stripped path: fan-out, manager, target node', () => {
    expect(placeAgentRequest(agentReq('GET', '/v1.41/containers/json'), worker, cluster())).toEqual({
      kind: 'fanout',
      resource: 'containers',
    });
    expect(forwardedTo(placeAgentRequest(agentReq('GET', '/v1.41/services'), worker, cluster()))).toBe(
      'node1',
    );
    expect(
      forwardedTo(
        placeAgentRequest(agentReq('POST', '/containers/abc/start', { target: 'node3' }), worker, cluster()),
      ),
    ).toBe('node3');
    expect(
      forwardedTo(
        placeAgentRequest(
          agentReq('GET', '/containers/abc/json', { managerOperation: '1' }),
          worker,
          cluster(),
        ),
      ),
    ).toBe('node1');
  });

  it.each([
    ['GET', '/v2/host/info'],
    ['GET', '/host/info'],
    ['GET', '/v1/host/info'],
    ['GET', '/browse/ls?volumeID=v&path=/'],
    ['GET', '/v2/browse/get'],
    ['DELETE', '/browse/delete'],
    ['PUT', '/v2/browse/rename'],
    ['POST', '/browse/put'],
    ['GET', '/v1/browse/vol/ls'],
  ])('sends %s %s to its target node, here without one', (method, path) => {
    const bare = path.split('?')[0];
    expect(
      forwardedTo(placeAgentRequest(agentReq(method, bare, { target: 'node3' }), worker, cluster())),
    ).toBe('node3');
    expect(placeAgentRequest(agentReq(method, bare), worker, cluster())).toEqual({ kind: 'local' });
    expect(placeAgentRequest(agentReq(method, bare, { target: 'node9' }), worker, cluster())).toMatchObject({
      kind: 'error',
      message: NO_AGENT_MESSAGE,
    });
  });

  it.each([
    ['GET', '/agents'],
    ['POST', '/v2/dockerhub'],
    ['GET', '/ping'],
    ['GET', '/key'],
    ['GET', '/kubernetes/api/v1/pods'],
    ['GET', '/browse/nope'],
    ['GET', '/browse/put'],
    ['GET', '/websocket/exec'],
  ])('serves %s %s here, whatever the target or manager header', (method, path) => {
    const over = { target: 'node3', managerOperation: '1' };
    expect(placeAgentRequest(agentReq(method, path, over), worker, cluster())).toEqual({ kind: 'local' });
  });
});

describe('placeAgentUpgrade', () => {
  const upgrade = (path: string, target: string, method = 'GET', managerOperation = '') =>
    placeAgentUpgrade(
      { dispatch: dispatchAgentRequest(method, path), method, target, managerOperation },
      worker,
      cluster(),
    );

  it('relays WebSocket attach/exec to their target node and needs one', () => {
    const d = upgrade('/v2/websocket/exec', 'node3');
    expect(d.kind === 'forward' && d.member.nodeName).toBe('node3');
    expect(upgrade('/websocket/attach', 'node2')).toEqual({ kind: 'local' });
    expect(upgrade('/websocket/attach', '')).toMatchObject({ kind: 'error', message: NO_AGENT_MESSAGE });
  });

  it('sends a Docker API upgrade where the Docker request would go: target node, manager, never a fan-out', () => {
    const attach = upgrade('/v1.47/containers/x/attach', 'node3', 'POST');
    expect(attach.kind === 'forward' && attach.member.nodeName).toBe('node3');
    expect(upgrade('/exec/e/start', '', 'POST')).toEqual({ kind: 'local' });
    expect(upgrade('/exec/e/start', 'node2', 'POST')).toEqual({ kind: 'local' });
    expect(upgrade('/exec/e/start', 'gone', 'POST')).toMatchObject({
      kind: 'error',
      message: NO_AGENT_MESSAGE,
    });
    const managed = upgrade('/session', '', 'POST', '1');
    expect(managed.kind === 'forward' && managed.member.nodeName).toBe('node1');
    expect(upgrade('/containers/json', '', 'POST')).toEqual({ kind: 'local' });
  });

  it('avoids a manager that just failed a liveness check, as a request does', () => {
    const members = cluster();
    members.seen(
      '10.0.0.14',
      9001,
      { nodeName: 'node4', role: 'manager', leader: false, edgeKeySet: false },
      1,
    );
    const input = {
      dispatch: dispatchAgentRequest('POST', '/session'),
      method: 'POST',
      target: '',
      managerOperation: '1',
    };
    const silent = (m: { nodeName: string }) => m.nodeName === 'node1';
    const request = placeAgentRequest(input, worker, members, silent);
    const upgraded = placeAgentUpgrade(input, worker, members, silent);
    expect(request.kind === 'forward' && request.member.nodeName).toBe('node4');
    expect(upgraded.kind === 'forward' && upgraded.member.nodeName).toBe('node4');
  });

  it("leaves an upgrade on the agent's own routes to this node, which refuses it", () => {
    expect(upgrade('/v2/host/info', 'node3')).toEqual({ kind: 'local' });
    expect(upgrade('/ping', '')).toEqual({ kind: 'local' });
  });
});

describe('peerPath', () => {
  const docker: AgentDispatch = { kind: 'docker', path: '/containers/json' };
  it('sends a Docker call on without its version prefix, the agent routes as received', () => {
    expect(peerPath(docker, '/v1.41/containers/json?all=1')).toBe('/containers/json?all=1');
    expect(peerPath(docker, '/v1.41/containers/json')).toBe('/containers/json');
    expect(peerPath(dispatchAgentRequest('GET', '/v2/host/info'), '/v2/host/info?x=1')).toBe(
      '/v2/host/info?x=1',
    );
  });
});
