import type { ContainerStatsMessage } from '@capstan/contracts-api';

interface CpuStats {
  cpu_usage?: { total_usage?: number; percpu_usage?: number[] | null };
  system_cpu_usage?: number;
  online_cpus?: number;
}

/** The parts of the engine's `GET /containers/{id}/stats` sample that are read here (Docker and Podman). */
export interface EngineStatsSample {
  read?: string;
  cpu_stats?: CpuStats;
  precpu_stats?: CpuStats;
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> | null };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }> | null;
  blkio_stats?: {
    io_service_bytes_recursive?: { op?: string; value?: number }[] | null;
  } | null;
  pids_stats?: { current?: number } | null;
}

/** Computes what the docker CLI shows in `docker stats` from one engine sample. */
export function containerStats(sample: EngineStatsSample): ContainerStatsMessage {
  let blockRead = 0;
  let blockWrite = 0;
  for (const entry of sample.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = (entry.op ?? '').toLowerCase();
    if (op === 'read') blockRead += entry.value ?? 0;
    else if (op === 'write') blockWrite += entry.value ?? 0;
  }
  let networkRx = 0;
  let networkTx = 0;
  for (const iface of Object.values(sample.networks ?? {})) {
    networkRx += iface.rx_bytes ?? 0;
    networkTx += iface.tx_bytes ?? 0;
  }
  return {
    read: sample.read ?? new Date().toISOString(),
    cpuPercent: cpuPercent(sample),
    memoryUsage: memoryUsage(sample),
    memoryLimit: sample.memory_stats?.limit ?? 0,
    networkRx,
    networkTx,
    blockRead,
    blockWrite,
    pids: sample.pids_stats?.current ?? 0,
  };
}

/**
 * The docker CLI's formula: the container's share of the host's CPU time since the previous sample, times the
 * number of online CPUs (100 % is one CPU fully busy). The first sample has no previous one: 0.
 */
function cpuPercent(sample: EngineStatsSample): number {
  const cpu = sample.cpu_stats;
  const pre = sample.precpu_stats;
  const cpuDelta = (cpu?.cpu_usage?.total_usage ?? 0) - (pre?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (cpu?.system_cpu_usage ?? 0) - (pre?.system_cpu_usage ?? 0);
  const onlineCpus = cpu?.online_cpus || cpu?.cpu_usage?.percpu_usage?.length || 1;
  if (cpuDelta <= 0 || systemDelta <= 0 || !pre?.system_cpu_usage) return 0;
  return (cpuDelta / systemDelta) * onlineCpus * 100;
}

/**
 * Usage without the page cache that can be reclaimed, as the docker CLI computes it: cgroup v1 reports
 * `total_inactive_file`, cgroup v2 `inactive_file`.
 */
function memoryUsage(sample: EngineStatsSample): number {
  const usage = sample.memory_stats?.usage ?? 0;
  const stats = sample.memory_stats?.stats ?? {};
  const v1 = stats['total_inactive_file'];
  if (v1 !== undefined && v1 < usage) return usage - v1;
  const v2 = stats['inactive_file'];
  if (v2 !== undefined && v2 < usage) return usage - v2;
  return usage;
}
