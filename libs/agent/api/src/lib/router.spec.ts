import { AgentPlatform } from '@capstan/contracts-agent';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { classicAgentSteps } from './agent-api';
import { AgentHttpError } from './http-util';
import { silentLogger } from './logger';
import { AgentRouter, AgentRouterStep } from './router';
import { served, serverKey, spyTable } from './router.testing';
import { SignatureGuard } from './signature-guard';

const SIGNED = serverKey();
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** The classic composition: agent headers, then the signature. */
async function classic(table = spyTable(), extra: AgentRouterStep[] = [], log = silentLogger) {
  const steps = classicAgentSteps({
    platform: AgentPlatform.Docker,
    guard: new SignatureGuard(undefined),
    log,
  });
  const router = new AgentRouter(table, [...steps, ...extra], { platform: AgentPlatform.Docker, log });
  const s = await served(router);
  close = s.close;
  return { ...s, table };
}

describe('AgentRouter: the route table', () => {
  it.each([
    ['GET', '/v2/host/info', 'hostInfo'],
    ['GET', '/v1/agents', 'agents'],
    ['GET', '/browse/ls?volumeID=v&path=/', 'browseLs'],
    ['GET', '/v1/browse/v/get?path=/a', 'browseGet'],
    ['DELETE', '/v2/browse/delete?path=/a', 'browseDelete'],
    ['PUT', '/browse/rename', 'browseRename'],
    ['POST', '/v2/browse/put', 'browsePut'],
    ['POST', '/v2/dockerhub', 'dockerHub'],
    ['GET', '/v1.41/containers/json', 'docker'],
    ['POST', '/kubernetes/api/v1/pods', 'kubernetes'],
  ])('%s %s → %s', async (method, path, name) => {
    const { call } = await classic();
    const reply = await call(method, path, SIGNED);
    expect(reply).toMatchObject({ status: 200, text: name });
    expect(reply.headers['portainer-agent-api-version']).toBe('2');
    expect(reply.headers['portainer-agent-platform']).toBe('1');
  });

  it('hands each handler the call as the contract reads it', async () => {
    const { call, table } = await classic();
    await call('GET', '/v1.41/containers/json?all=1', SIGNED);
    await call('GET', '/v1/browse/my%20vol/ls?path=/x', SIGNED);
    const docker = table.docker.mock.calls[0][0];
    expect(docker.dispatch).toEqual({ kind: 'docker', path: '/containers/json' });
    expect(docker).toMatchObject({ method: 'GET', path: '/v1.41/containers/json', search: '?all=1' });
    expect(docker.query.get('all')).toBe('1');
    const browse = table.routes.browseLs.mock.calls[0][0];
    expect(browse.dispatch).toMatchObject({ kind: 'route', volumeId: 'my vol' });
  });

  it('answers unknown routes, wrong methods and plain requests on WebSocket routes itself', async () => {
    const { call, table } = await classic();
    const notFound = await call('GET', '/browse/nope', SIGNED);
    expect(notFound.status).toBe(404);
    expect(JSON.parse(notFound.text)).toEqual({
      message: 'Not found',
      details: 'No route for GET /browse/nope',
    });
    const wrongMethod = await call('GET', '/browse/put', SIGNED);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers['allow']).toBe('POST');
    const plain = await call('GET', '/websocket/exec?id=abc', SIGNED);
    expect(plain.status).toBe(400);
    expect(JSON.parse(plain.text)).toEqual({
      message: 'Invalid request payload',
      details: 'A WebSocket upgrade is required',
    });
    expect(table.upgrades.websocketExec).not.toHaveBeenCalled();
  });

  it('turns a handler refusal into its error and anything else into a logged 500', async () => {
    const table = spyTable();
    table.routes.hostInfo.mockImplementation(() => {
      throw new AgentHttpError('hostInfo', 'no sysfs');
    });
    table.routes.agents.mockImplementation(() => Promise.reject(new Error('boom')));
    const log = { ...silentLogger, error: vi.fn() };
    const { call } = await classic(table, [], log);
    const refused = await call('GET', '/host/info', SIGNED);
    expect(refused.status).toBe(500);
    expect(JSON.parse(refused.text)).toMatchObject({ details: 'No sysfs' });
    const failed = await call('GET', '/agents', SIGNED);
    expect(failed.status).toBe(500);
    expect(JSON.parse(failed.text)).toEqual({ message: 'Unexpected agent error', details: 'Boom' });
    expect(log.error).toHaveBeenCalledWith('GET /agents: boom');
  });
});

describe('AgentRouter: signature and headers as steps', () => {
  it('refuses unsigned and badly signed requests before any handler, with the agent headers', async () => {
    const { call, table } = await classic();
    const unsigned = await call('GET', '/containers/json');
    expect(unsigned.status).toBe(403);
    expect(JSON.parse(unsigned.text)).toEqual({
      message: 'Missing request signature headers',
      details: 'Unauthorized',
    });
    expect(unsigned.headers['portainer-agent']).toBe('2.23.0');
    const forged = await call('GET', '/containers/json', {
      ...SIGNED,
      'X-PortainerAgent-Signature': serverKey()['X-PortainerAgent-Signature'],
    });
    expect(forged.status).toBe(403);
    expect(table.docker).not.toHaveBeenCalled();
  });

  it('serves the ping unsigned (HEAD gets its 405 unsigned) and /key without any agent header', async () => {
    const { call, table } = await classic();
    const ping = await call('GET', '/v1.41/v2/ping');
    expect(ping.status).toBe(204);
    expect(ping.headers['portainer-agent']).toBe('2.23.0');
    expect((await call('HEAD', '/ping')).status).toBe(405);
    const key = await call('GET', '/key');
    expect(key).toMatchObject({ status: 200, text: 'key' });
    expect(key.headers['portainer-agent']).toBeUndefined();
    expect(table.routes.ping).toHaveBeenCalledOnce();
  });

  it('takes a step in front of the classic ones: the key gate of an edge agent (protocol §5.4)', async () => {
    let keySet = false;
    const gate: AgentRouterStep = {
      request: (_call, res) => {
        if (keySet) return false;
        res.writeHead(403).end('Edge key not set');
        return true;
      },
    };
    const table = spyTable();
    const steps = classicAgentSteps({
      platform: AgentPlatform.Docker,
      guard: new SignatureGuard(undefined),
      log: silentLogger,
    });
    const s = await served(new AgentRouter(table, [gate, ...steps], { platform: AgentPlatform.Docker }));
    close = s.close;
    for (const path of ['/key', '/ping']) {
      const refused = await s.call('GET', path);
      expect(refused).toMatchObject({ status: 403, text: 'Edge key not set' });
      expect(refused.headers['portainer-agent']).toBeUndefined();
    }
    keySet = true;
    const ping = await s.call('GET', '/ping');
    expect(ping.status).toBe(204);
    expect(ping.headers['portainer-agent']).toBe('2.23.0');
    expect((await s.call('GET', '/containers/json')).status).toBe(403);
    expect(table.docker).not.toHaveBeenCalled();
  });

  it('runs the steps in order and stops at the one that takes the request', async () => {
    const seen: string[] = [];
    const gate: AgentRouterStep = {
      request: (call, res) => {
        seen.push(call.path);
        if (call.path !== '/taken') return false;
        res.writeHead(403).end('gate');
        return true;
      },
    };
    const { call, table } = await classic(spyTable(), [gate]);
    expect(await call('GET', '/taken', SIGNED)).toMatchObject({ status: 403, text: 'gate' });
    expect(table.docker).not.toHaveBeenCalled();
    // The signature step came first: an unsigned request never reached the gate.
    await call('GET', '/unsigned');
    expect(seen).toEqual(['/taken']);
  });
});

describe('AgentRouter: upgrades', () => {
  it('gives signed WebSocket upgrades to their handler', async () => {
    const { upgrade, table } = await classic();
    expect(await upgrade('/v2/websocket/attach?id=abc', SIGNED)).toContain('websocketAttach');
    const call = table.upgrades.websocketAttach.mock.calls[0][0];
    expect(call.query.get('id')).toBe('abc');
  });

  it('refuses every unsigned upgrade (the ping path too) and any other path, with the agent headers', async () => {
    const { upgrade, table } = await classic();
    for (const path of ['/websocket/exec?id=abc', '/ping']) {
      const refused = await upgrade(path);
      expect(refused).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
      expect(refused).toContain('Portainer-Agent-Platform: 1\r\n');
      expect(refused).toContain('"Missing request signature headers"');
    }
    const elsewhere = await upgrade('/containers/x/attach', SIGNED);
    expect(elsewhere).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(elsewhere).toContain('/websocket/attach and /websocket/exec only');
    expect(table.upgrades.websocketExec).not.toHaveBeenCalled();
  });

  it('answers a handler refusal on the socket', async () => {
    const table = spyTable();
    table.upgrades.websocketExec.mockImplementation(() =>
      Promise.reject(new AgentHttpError('streamNotFound', 'no such exec')),
    );
    const { upgrade } = await classic(table);
    const refused = await upgrade('/websocket/exec?id=abc', SIGNED);
    expect(refused).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
    expect(refused).toContain('No such exec');
  });
});
