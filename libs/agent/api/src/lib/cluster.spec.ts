import { IncomingMessage, ServerResponse } from 'node:http';
import { Duplex } from 'node:stream';

import { AgentPlatform } from '@capstan/contracts-agent';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { classicAgentSteps } from './agent-api';
import { ClusterRouting } from './cluster';
import { silentLogger } from './logger';
import { AgentRouter } from './router';
import { served, serverKey, spyTable } from './router.testing';
import { SignatureGuard } from './signature-guard';

const SIGNED = serverKey();
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** The classic agent's steps in cluster mode, with a cluster that takes (answers 200 "cluster") or leaves every request. */
async function setup(takes: boolean) {
  const cluster = {
    members: () => [],
    pingHeaders: () => ({ 'X-Capstan-Agent-Node': 'node2', 'X-Capstan-Agent-Role': 'worker' }),
    routeRequest: vi.fn((_req: IncomingMessage, res: ServerResponse) => {
      if (takes) res.writeHead(200).end('cluster');
      return takes;
    }),
    routeUpgrade: vi.fn((_req: IncomingMessage, socket: Duplex) => {
      if (takes) socket.end('HTTP/1.1 200 OK\r\nContent-Length: 7\r\nConnection: close\r\n\r\ncluster');
      return takes;
    }),
  } satisfies ClusterRouting;
  const table = spyTable();
  const steps = classicAgentSteps({
    platform: AgentPlatform.Docker,
    guard: new SignatureGuard(undefined),
    cluster,
    log: silentLogger,
  });
  const router = new AgentRouter(table, steps, { platform: AgentPlatform.Docker });
  const s = await served(router);
  close = s.close;
  return { ...s, table, cluster };
}

describe('clusterStep (the cluster in the agent router)', () => {
  it('adds the identity headers to the public ping and leaves the answer to the API', async () => {
    const { call, table, cluster } = await setup(true);
    const reply = await call('GET', '/v1.41/ping');
    expect(reply.status).toBe(204);
    expect(reply.headers['x-capstan-agent-node']).toBe('node2');
    expect(table.routes.ping).toHaveBeenCalledOnce();
    expect(cluster.routeRequest).not.toHaveBeenCalled();
  });

  it('never routes an unsigned or badly signed request: the API refuses it', async () => {
    const { call, cluster } = await setup(true);
    expect((await call('GET', '/containers/json')).status).toBe(403);
    const forged = { ...SIGNED, 'X-PortainerAgent-Signature': serverKey()['X-PortainerAgent-Signature'] };
    expect((await call('GET', '/containers/json', forged)).status).toBe(403);
    // /key is public, and never leaves this node.
    expect((await call('GET', '/key')).text).toBe('key');
    expect(cluster.routeRequest).not.toHaveBeenCalled();
  });

  it('gives signed calls to the cluster with the contract dispatch and the URL as received', async () => {
    const { call, table, cluster } = await setup(true);
    const reply = await call('GET', '/v1.41/containers/json?all=1', SIGNED);
    expect(reply.text).toBe('cluster');
    expect(reply.headers['portainer-agent-api-version']).toBe('2');
    expect(cluster.routeRequest).toHaveBeenCalledWith(
      expect.anything(),
      expect.anything(),
      { kind: 'docker', path: '/containers/json' },
      '/v1.41/containers/json?all=1',
    );
    expect(table.docker).not.toHaveBeenCalled();
  });

  it('serves here what the cluster leaves', async () => {
    const { call, table, cluster } = await setup(false);
    expect((await call('GET', '/v2/host/info', SIGNED)).text).toBe('hostInfo');
    expect((await call('GET', '/browse/ls?volumeID=v&path=/', SIGNED)).text).toBe('browseLs');
    expect((await call('GET', '/agents', SIGNED)).text).toBe('agents');
    expect(cluster.routeRequest).toHaveBeenCalledTimes(3);
    expect(table.routes.hostInfo).toHaveBeenCalledOnce();
  });

  it('relays signed upgrades through the cluster; unsigned ones are refused before it', async () => {
    const { upgrade, cluster, table } = await setup(true);
    expect(await upgrade('/websocket/exec?id=abc', SIGNED)).toContain('cluster');
    expect(cluster.routeUpgrade).toHaveBeenCalledWith(
      expect.anything(),
      expect.anything(),
      expect.any(Buffer),
      expect.objectContaining({ kind: 'route', route: expect.objectContaining({ name: 'websocketExec' }) }),
      '/websocket/exec?id=abc',
    );
    expect(await upgrade('/websocket/exec?id=abc')).toMatch(/^HTTP\/1\.1 403/);
    expect(cluster.routeUpgrade).toHaveBeenCalledOnce();
    expect(table.upgrades.websocketExec).not.toHaveBeenCalled();
  });

  it('opens the stream here when the cluster leaves the upgrade', async () => {
    const { upgrade, table } = await setup(false);
    expect(await upgrade('/websocket/exec?id=abc', SIGNED)).toContain('websocketExec');
    expect(table.upgrades.websocketExec).toHaveBeenCalledOnce();
  });
});
