import { request } from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AgentConfigError, AgentPlatform, detectPlatform, loadAgentConfig } from './config';
import { AGENT_VERSION, AgentServer, createAgentServer } from './server';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(port: number, method: string, path: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('agent HTTP server', () => {
  let agent: AgentServer;
  let port: number;

  beforeAll(async () => {
    agent = createAgentServer({ host: '127.0.0.1', port: 0, platform: AgentPlatform.Docker });
    port = await agent.listen();
  });
  afterAll(() => agent.close());

  it.each(['/ping', '/v2/ping'])('GET %s answers 204 with the agent headers', async (path) => {
    const reply = await call(port, 'GET', path);
    expect(reply.status).toBe(204);
    expect(reply.body).toBe('');
    expect(reply.headers['portainer-agent']).toBe(AGENT_VERSION);
    expect(reply.headers['portainer-agent-api-version']).toBe('2');
    expect(reply.headers['portainer-agent-platform']).toBe('1');
  });

  it('answers HEAD /ping with 405, as Portainer agent does, still with the agent headers', async () => {
    const reply = await call(port, 'HEAD', '/ping');
    expect(reply.status).toBe(405);
    expect(reply.headers['portainer-agent']).toBe(AGENT_VERSION);
  });

  it('answers an unknown route with 404 and the {message, details} error body', async () => {
    const reply = await call(port, 'GET', '/nope');
    expect(reply.status).toBe(404);
    expect(reply.headers['portainer-agent-platform']).toBe('1');
    expect(JSON.parse(reply.body)).toEqual({ message: 'Not found', details: 'no route for GET /nope' });
  });
});

describe('agent configuration', () => {
  it('defaults to loopback and port 9001', () => {
    expect(loadAgentConfig({})).toEqual({ host: '127.0.0.1', port: 9001, platform: AgentPlatform.Docker });
  });

  it('reads AGENT_HOST and AGENT_PORT', () => {
    expect(loadAgentConfig({ AGENT_HOST: '0.0.0.0', AGENT_PORT: '9101' })).toMatchObject({
      host: '0.0.0.0',
      port: 9101,
    });
  });

  it.each(['0', '65536', 'abc', '90 01'])('rejects AGENT_PORT=%s with a message naming it', (value) => {
    expect(() => loadAgentConfig({ AGENT_PORT: value })).toThrow(AgentConfigError);
    expect(() => loadAgentConfig({ AGENT_PORT: value })).toThrow(/AGENT_PORT/);
  });

  it('reports Kubernetes from the pod environment, Podman as Docker', () => {
    expect(detectPlatform({ KUBERNETES_SERVICE_HOST: '10.0.0.1' })).toBe(AgentPlatform.Kubernetes);
    expect(detectPlatform({ PODMAN: '1', KUBERNETES_SERVICE_HOST: '10.0.0.1' })).toBe(AgentPlatform.Docker);
    expect(detectPlatform({})).toBe(AgentPlatform.Docker);
  });
});
