import { afterEach, describe, expect, it, vi } from 'vitest';

import { AgentCluster } from './cluster';
import { ClusterModeOptions, startClusterMode } from './cluster-mode';

const options = (over: Partial<ClusterModeOptions> = {}) => {
  const log = { info: vi.fn(), warn: vi.fn() };
  return {
    log,
    options: {
      socketPath: '/var/run/docker.sock',
      listenHost: '0.0.0.0',
      agentPort: 9001,
      containerId: 'abc123',
      scheme: 'https',
      log,
      ...over,
    } satisfies ClusterModeOptions,
  };
};

afterEach(() => vi.restoreAllMocks());

describe('startClusterMode', () => {
  it('runs standalone on a TCP engine without asking it', async () => {
    const start = vi.spyOn(AgentCluster, 'start');
    const { options: o, log } = options({ socketPath: undefined });
    expect(await startClusterMode(o)).toBeNull();
    expect(start).not.toHaveBeenCalled();
    expect(log.warn).toHaveBeenCalledWith(expect.stringContaining('needs the engine on a unix socket'));
  });

  it('runs standalone when the engine cannot be reached yet', async () => {
    const { options: o, log } = options({ socketPath: '/nonexistent/capstan-test.sock' });
    expect(await startClusterMode(o)).toBeNull();
    expect(log.warn).toHaveBeenCalledWith(
      expect.stringMatching(/^cluster mode unavailable, running standalone: /),
    );
  });

  it('lists itself by AGENT_HOST unless it is a wildcard, and passes the rest on', async () => {
    const start = vi.spyOn(AgentCluster, 'start').mockResolvedValue(null);
    await startClusterMode(options({ listenHost: '::' }).options);
    await startClusterMode(
      options({ listenHost: '10.0.0.5', clusterAddr: 'tasks.agent', scheme: 'http' }).options,
    );
    expect(start.mock.calls[0][0]).toMatchObject({
      selfAddress: undefined,
      scheme: 'https',
      containerId: 'abc123',
    });
    expect(start.mock.calls[1][0]).toMatchObject({
      socketPath: '/var/run/docker.sock',
      agentPort: 9001,
      selfAddress: '10.0.0.5',
      clusterAddr: 'tasks.agent',
      scheme: 'http',
    });
  });
});
