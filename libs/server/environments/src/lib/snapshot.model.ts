/** Portainer's DockerSnapshot fields (summary), as shown on environment cards. */
export interface DockerSnapshotSummary {
  Time: number;
  DockerVersion: string;
  Swarm: boolean;
  TotalCPU: number;
  TotalMemory: number;
  ContainerCount: number;
  RunningContainerCount: number;
  StoppedContainerCount: number;
  HealthyContainerCount: number;
  UnhealthyContainerCount: number;
  VolumeCount: number;
  ImageCount: number;
  NetworkCount: number;
  ServiceCount: number;
  StackCount: number;
  NodeCount: number;
  IsPodman: boolean;
  /**
   * Capstan: agent on a Swarm, the nodes whose agents did not answer the snapshot's fanned-out lists (sorted);
   * when non-empty the container, image, volume and network counts miss those nodes. Empty otherwise.
   */
  UnreachableNodes: string[];
}

export interface DockerSnapshotRaw {
  Containers: unknown[];
  Images: unknown[];
  Volumes: unknown[];
  Networks: unknown[];
  Info: unknown;
  Version: unknown;
}

/** Podman's Docker-compatible `/version` lists a "Podman Engine" component. */
export function isPodmanVersion(version: unknown): boolean {
  const components = (version as { Components?: { Name?: string }[] } | null | undefined)?.Components ?? [];
  return components.some((c) => /podman/i.test(c.Name ?? ''));
}

const STACK_LABELS = ['com.docker.compose.project', 'com.docker.stack.namespace'];

/** Computes the summary from the raw lists (pure: unit-tested with fixtures). */
export function summarise(
  raw: DockerSnapshotRaw,
  services: Record<string, unknown>[],
  nodes: Record<string, unknown>[],
  time: number,
  unreachableNodes: readonly string[] = [],
): DockerSnapshotSummary {
  const containers = raw.Containers as { State?: string; Status?: string; Labels?: Record<string, string> }[];
  const info = (raw.Info ?? {}) as {
    NCPU?: number;
    MemTotal?: number;
    Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean };
  };
  const version = (raw.Version ?? {}) as { Version?: string; Components?: { Name?: string }[] };
  const stacks = new Set<string>();
  for (const c of containers) {
    for (const label of STACK_LABELS) {
      const v = c.Labels?.[label];
      if (v) stacks.add(v);
    }
  }
  for (const s of services as { Spec?: { Labels?: Record<string, string> } }[]) {
    const v = s.Spec?.Labels?.['com.docker.stack.namespace'];
    if (v) stacks.add(v);
  }
  const running = containers.filter((c) => c.State === 'running').length;
  return {
    Time: Math.floor(time / 1000),
    DockerVersion: version.Version ?? '',
    Swarm: info.Swarm?.LocalNodeState === 'active',
    TotalCPU: info.NCPU ?? 0,
    TotalMemory: info.MemTotal ?? 0,
    ContainerCount: containers.length,
    RunningContainerCount: running,
    StoppedContainerCount: containers.length - running,
    HealthyContainerCount: containers.filter((c) => /\(healthy\)/.test(c.Status ?? '')).length,
    UnhealthyContainerCount: containers.filter((c) => /\(unhealthy\)/.test(c.Status ?? '')).length,
    VolumeCount: raw.Volumes.length,
    ImageCount: raw.Images.length,
    NetworkCount: raw.Networks.length,
    ServiceCount: services.length,
    StackCount: stacks.size,
    NodeCount: nodes.length || 1,
    IsPodman: isPodmanVersion(version),
    UnreachableNodes: [...unreachableNodes],
  };
}
