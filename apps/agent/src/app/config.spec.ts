import { describe, expect, it } from 'vitest';

import { AgentConfigError, AgentPlatform, detectPlatform, loadAgentConfig, parseGoDuration } from './config';

describe('agent configuration', () => {
  it('defaults to loopback, port 9001, the local socket, 72h secret timeout, /host', () => {
    expect(loadAgentConfig({})).toEqual({
      host: '127.0.0.1',
      port: 9001,
      platform: AgentPlatform.Docker,
      secret: undefined,
      secretTimeoutMs: 72 * 3_600_000,
      clusterAddr: undefined,
      docker: { socketPath: '/var/run/docker.sock' },
      logLevel: 'INFO',
      hostRoot: '/host',
    });
  });

  it('reads every AGENT_* variable, DOCKER_HOST, LOG_LEVEL and HOST_ROOT', () => {
    expect(
      loadAgentConfig({
        AGENT_HOST: '0.0.0.0',
        AGENT_PORT: '9101',
        AGENT_SECRET: 's3cret',
        AGENT_SECRET_TIMEOUT: '1h30m',
        AGENT_CLUSTER_ADDR: 'tasks.agent',
        DOCKER_HOST: 'tcp://10.0.0.2:2375',
        LOG_LEVEL: 'debug',
        HOST_ROOT: '/',
      }),
    ).toEqual({
      host: '0.0.0.0',
      port: 9101,
      platform: AgentPlatform.Docker,
      secret: 's3cret',
      secretTimeoutMs: 90 * 60_000,
      clusterAddr: 'tasks.agent',
      docker: { host: '10.0.0.2', port: 2375 },
      logLevel: 'DEBUG',
      hostRoot: '/',
    });
    expect(loadAgentConfig({ DOCKER_HOST: 'unix:///run/user/docker.sock' }).docker).toEqual({
      socketPath: '/run/user/docker.sock',
    });
  });

  it.each(['0', '65536', 'abc', '90 01'])('rejects AGENT_PORT=%s with a message naming it', (value) => {
    expect(() => loadAgentConfig({ AGENT_PORT: value })).toThrow(AgentConfigError);
    expect(() => loadAgentConfig({ AGENT_PORT: value })).toThrow(/AGENT_PORT/);
  });

  it('reports every bad variable at once', () => {
    try {
      loadAgentConfig({
        AGENT_PORT: 'x',
        AGENT_SECRET_TIMEOUT: '3 days',
        LOG_LEVEL: 'loud',
        DOCKER_HOST: 'ssh://h',
      });
      expect.unreachable();
    } catch (err) {
      expect((err as AgentConfigError).problems).toHaveLength(4);
      expect((err as Error).message).toMatch(
        /AGENT_PORT[\s\S]*AGENT_SECRET_TIMEOUT[\s\S]*DOCKER_HOST[\s\S]*LOG_LEVEL/,
      );
    }
  });

  it('parses Go durations', () => {
    expect(parseGoDuration('72h')).toBe(259_200_000);
    expect(parseGoDuration('1m30s')).toBe(90_000);
    expect(parseGoDuration('250ms')).toBe(250);
    expect(parseGoDuration('1.5h')).toBe(5_400_000);
    expect(parseGoDuration('0')).toBe(0);
    expect(parseGoDuration('10')).toBeNull();
    expect(parseGoDuration('-1h')).toBeNull();
    expect(parseGoDuration('h')).toBeNull();
  });

  it('reports Kubernetes from the pod environment, Podman as Docker', () => {
    expect(detectPlatform({ KUBERNETES_SERVICE_HOST: '10.0.0.1' })).toBe(AgentPlatform.Kubernetes);
    expect(detectPlatform({ PODMAN: '1', KUBERNETES_SERVICE_HOST: '10.0.0.1' })).toBe(AgentPlatform.Docker);
    expect(detectPlatform({})).toBe(AgentPlatform.Docker);
  });
  it('reads async mode and the global-key onboarding metadata in edge mode', () => {
    const c = loadAgentConfig({
      EDGE: '1',
      EDGE_ID: 'dev-1',
      EDGE_ASYNC: '1',
      EDGE_GROUPS: '1:2',
      PORTAINER_TAGS: '7',
      PORTAINER_GROUP: '3',
    });
    expect(c.edge).toMatchObject({
      async: true,
      meta: { edgeGroupsIds: [1, 2], tagsIds: [7], environmentGroupId: 3 },
      asyncFirstMs: 60_000,
    });
    expect(loadAgentConfig({ EDGE: '1', EDGE_ID: 'dev-1' }).edge?.meta).toBeUndefined();
    expect(() =>
      loadAgentConfig({ EDGE: '1', EDGE_ID: 'dev-1', EDGE_GROUPS: '1,2', PORTAINER_GROUP: 'x' }),
    ).toThrow(/EDGE_GROUPS must be colon-separated ids[\s\S]*PORTAINER_GROUP must be/);
  });
});
