import { describe, expect, it } from 'vitest';
import { summarise } from './snapshot.model';

const container = (State: string, Status: string, Labels: Record<string, string> = {}) => ({
  State,
  Status,
  Labels,
});

describe('summarise', () => {
  it('counts states, health, stacks and detects Podman', () => {
    const s = summarise(
      {
        Containers: [
          container('running', 'Up 2 minutes (healthy)', { 'com.docker.compose.project': 'web' }),
          container('running', 'Up 1 minute (unhealthy)', { 'com.docker.compose.project': 'web' }),
          container('exited', 'Exited (0) 1 hour ago', { 'com.docker.stack.namespace': 'monitoring' }),
          container('created', 'Created'),
        ],
        Images: [{}, {}],
        Volumes: [{}],
        Networks: [{}, {}, {}],
        Info: { NCPU: 4, MemTotal: 8_000_000_000, Swarm: { LocalNodeState: 'inactive' } },
        Version: { Version: '4.3.1', Components: [{ Name: 'Podman Engine' }] },
      },
      [],
      [],
      1_700_000_000_500,
    );
    expect(s).toEqual({
      Time: 1_700_000_000,
      DockerVersion: '4.3.1',
      Swarm: false,
      TotalCPU: 4,
      TotalMemory: 8_000_000_000,
      ContainerCount: 4,
      RunningContainerCount: 2,
      StoppedContainerCount: 2,
      HealthyContainerCount: 1,
      UnhealthyContainerCount: 1,
      VolumeCount: 1,
      ImageCount: 2,
      NetworkCount: 3,
      ServiceCount: 0,
      StackCount: 2,
      NodeCount: 1,
      IsPodman: true,
      UnreachableNodes: [],
    });
  });

  it('names the nodes missing from a partial (agent fan-out) snapshot', () => {
    const raw = { Containers: [], Images: [], Volumes: [], Networks: [], Info: {}, Version: {} };
    expect(summarise(raw, [], [{}, {}, {}], 0, ['node2', 'node3']).UnreachableNodes).toEqual([
      'node2',
      'node3',
    ]);
  });
});
