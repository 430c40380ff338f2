import { request } from 'node:http';
import type { DockerEndpoint } from '@capstan/agent-api';
import type { AsyncDockerSnapshot } from '@capstan/contracts-agent';

/** One JSON call to the local engine: status and parsed body (text when not JSON). */
export function engineCall(
  endpoint: DockerEndpoint,
  method: string,
  path: string,
  timeoutMs = 30_000,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request({ ...endpoint, method, path, headers: { host: 'docker' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = text === '' ? null : JSON.parse(text);
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`Docker engine: no answer to ${path}`)));
    req.on('error', reject);
    req.end();
  });
}

/** A call that must succeed (2xx, or 304 for start/stop of a container already there): its body, else an error. */
export async function engineOk(endpoint: DockerEndpoint, method: string, path: string): Promise<unknown> {
  const r = await engineCall(endpoint, method, path);
  if ((r.status >= 200 && r.status < 300) || r.status === 304) return r.body;
  const message =
    typeof r.body === 'object' && r.body !== null && 'message' in r.body
      ? String((r.body as { message: unknown }).message)
      : String(r.body);
  throw new Error(`${method} ${path}: ${r.status} ${message}`);
}

type Json = Record<string, unknown>;

const STACK_LABELS = ['com.docker.compose.project', 'com.docker.stack.namespace'];

/**
 * Portainer's DockerSnapshot of the local engine (agent protocol §5.10): the raw lists (containers with `Env` from
 * inspect), the counts, and on a Swarm manager the services and nodes' totals.
 */
export async function takeDockerSnapshot(
  endpoint: DockerEndpoint,
  now = Date.now(),
): Promise<AsyncDockerSnapshot> {
  const get = (path: string): Promise<unknown> => engineOk(endpoint, 'GET', path);
  const [info, version, containers, images, volumes, networks] = (await Promise.all([
    get('/info'),
    get('/version'),
    get('/containers/json?all=1'),
    get('/images/json'),
    get('/volumes'),
    get('/networks'),
  ])) as [Json, Json, Json[], Json[], Json, Json[]];
  // Env from inspect, a few at a time.
  const withEnv: Json[] = [];
  for (let i = 0; i < containers.length; i += 8) {
    const part = await Promise.all(
      containers.slice(i, i + 8).map(async (c) => {
        const inspect = (await get(`/containers/${String(c['Id'])}/json`).catch(() => undefined)) as
          Json | undefined;
        const env = (inspect?.['Config'] as Json | undefined)?.['Env'] ?? null;
        return { ...c, Env: env };
      }),
    );
    withEnv.push(...part);
  }
  const swarm = info['Swarm'] as { LocalNodeState?: string; ControlAvailable?: boolean } | undefined;
  const manager = swarm?.LocalNodeState === 'active' && swarm.ControlAvailable === true;
  const [services, nodes] = manager
    ? ((await Promise.all([get('/services').catch(() => []), get('/nodes').catch(() => [])])) as [
        Json[],
        Json[],
      ])
    : [[], []];
  const stacks = new Set<string>();
  for (const c of containers)
    for (const l of STACK_LABELS) {
      const v = (c['Labels'] as Record<string, string> | null | undefined)?.[l];
      if (v) stacks.add(v);
    }
  for (const s of services) {
    const v = ((s['Spec'] as Json | undefined)?.['Labels'] as Record<string, string> | undefined)?.[
      'com.docker.stack.namespace'
    ];
    if (v) stacks.add(v);
  }
  const state = (c: Json): string => String(c['State'] ?? '');
  const status = (c: Json): string => String(c['Status'] ?? '');
  const running = containers.filter((c) => state(c) === 'running').length;
  let totalCpu = Number(info['NCPU'] ?? 0);
  let totalMemory = Number(info['MemTotal'] ?? 0);
  if (nodes.length > 0) {
    totalCpu = 0;
    totalMemory = 0;
    for (const n of nodes) {
      const r = ((n['Description'] as Json | undefined)?.['Resources'] ?? {}) as Json;
      totalCpu += Math.round(Number(r['NanoCPUs'] ?? 0) / 1e9);
      totalMemory += Number(r['MemoryBytes'] ?? 0);
    }
  }
  const volumeList = (volumes['Volumes'] ?? []) as Json[];
  const components = (version['Components'] ?? []) as { Name?: string }[];
  return {
    Time: Math.floor(now / 1000),
    DockerVersion: String(version['Version'] ?? ''),
    Swarm: swarm?.LocalNodeState === 'active',
    TotalCPU: totalCpu,
    TotalMemory: totalMemory,
    ContainerCount: 0,
    RunningContainerCount: running,
    StoppedContainerCount: containers.length - running,
    HealthyContainerCount: containers.filter((c) => /\(healthy\)/.test(status(c))).length,
    UnhealthyContainerCount: containers.filter((c) => /\(unhealthy\)/.test(status(c))).length,
    VolumeCount: volumeList.length,
    ImageCount: images.length,
    ServiceCount: services.length,
    StackCount: stacks.size,
    DockerSnapshotRaw: {
      Containers: withEnv,
      Volumes: { Volumes: volumeList, Warnings: volumes['Warnings'] ?? null },
      Networks: networks,
      Images: images,
      Info: info,
      Version: version,
    },
    NodeCount: nodes.length || 1,
    GpuUseAll: false,
    GpuUseList: [],
    IsPodman: components.some((c) => /podman/i.test(c.Name ?? '')),
  };
}
