import { EventEmitter } from 'node:events';
import { IncomingHttpHeaders, Server } from 'node:http';

import { describe, expect, it, vi } from 'vitest';

import type { AgentApi } from '@capstan/agent-api';
import type { AgentCluster } from '@capstan/agent-cluster';
import { AgentPlatform } from '@capstan/contracts-agent';

import { attachClusterRouting } from './cluster-mode';

const SIGNED = { 'x-portaineragent-publickey': 'k', 'x-portaineragent-signature': 'good' };

function setup(takes: boolean) {
  const server = new EventEmitter();
  const apiRequest = vi.fn();
  const apiUpgrade = vi.fn();
  server.on('request', apiRequest);
  server.on('upgrade', apiUpgrade);
  const agent = {
    server: server as unknown as Server,
    guard: { check: (h: IncomingHttpHeaders) => ({ ok: h['x-portaineragent-signature'] === 'good' }) },
  } as unknown as AgentApi;
  const cluster = {
    pingHeaders: () => ({ 'X-Capstan-Agent-Node': 'node2', 'X-Capstan-Agent-Role': 'worker' }),
    handleDocker: vi.fn(() => takes),
    handleNodeRoute: vi.fn(() => takes),
    handleUpgrade: vi.fn(() => takes),
  };
  attachClusterRouting(agent, cluster as unknown as AgentCluster, AgentPlatform.Docker);
  const send = (method: string, url: string, headers: IncomingHttpHeaders = {}) => {
    const res = { setHeader: vi.fn() };
    server.emit('request', { method, url, headers }, res);
    return res;
  };
  return { server, apiRequest, apiUpgrade, cluster, send };
}

describe('attachClusterRouting', () => {
  it('adds the identity headers to the public ping and leaves the answer to the API', () => {
    const { send, apiRequest, cluster } = setup(true);
    const res = send('GET', '/v1.41/ping');
    expect(res.setHeader).toHaveBeenCalledWith('X-Capstan-Agent-Node', 'node2');
    expect(apiRequest).toHaveBeenCalledOnce();
    expect(cluster.handleDocker).not.toHaveBeenCalled();
  });

  it('never routes an unsigned or badly signed request: the API refuses it', () => {
    const { send, apiRequest, cluster } = setup(true);
    send('GET', '/containers/json');
    send('GET', '/containers/json', { ...SIGNED, 'x-portaineragent-signature': 'bad' });
    expect(cluster.handleDocker).not.toHaveBeenCalled();
    expect(apiRequest).toHaveBeenCalledTimes(2);
  });

  it('gives signed Docker calls to the cluster with the stripped path and query', () => {
    const { send, apiRequest, cluster } = setup(true);
    const res = send('GET', '/v1.41/containers/json?all=1', SIGNED);
    expect(cluster.handleDocker).toHaveBeenCalledWith(expect.anything(), res, '/containers/json', '?all=1');
    expect(res.setHeader).toHaveBeenCalledWith('Portainer-Agent-API-Version', '2');
    expect(apiRequest).not.toHaveBeenCalled();
  });

  it('sends host info and browse to the node route, leaves /agents and local decisions to the API', () => {
    const { send, apiRequest, cluster } = setup(false);
    send('GET', '/v2/host/info', SIGNED);
    send('GET', '/browse/ls?volumeID=v&path=/', SIGNED);
    expect(cluster.handleNodeRoute).toHaveBeenCalledTimes(2);
    send('GET', '/agents', SIGNED);
    expect(cluster.handleDocker).not.toHaveBeenCalled();
    expect(apiRequest).toHaveBeenCalledTimes(3);
  });

  it('relays signed WebSocket upgrades through the cluster, anything else goes to the API', () => {
    const { server, apiUpgrade, cluster } = setup(true);
    const socket = {};
    server.emit(
      'upgrade',
      { method: 'GET', url: '/websocket/exec?id=abc', headers: SIGNED },
      socket,
      Buffer.alloc(0),
    );
    expect(cluster.handleUpgrade).toHaveBeenCalledWith(
      expect.anything(),
      socket,
      expect.any(Buffer),
      '/websocket/exec?id=abc',
    );
    expect(apiUpgrade).not.toHaveBeenCalled();
    server.emit(
      'upgrade',
      { method: 'GET', url: '/websocket/exec?id=abc', headers: {} },
      socket,
      Buffer.alloc(0),
    );
    server.emit(
      'upgrade',
      { method: 'GET', url: '/containers/x/attach', headers: SIGNED },
      socket,
      Buffer.alloc(0),
    );
    expect(cluster.handleUpgrade).toHaveBeenCalledOnce();
    expect(apiUpgrade).toHaveBeenCalledTimes(2);
  });
});
