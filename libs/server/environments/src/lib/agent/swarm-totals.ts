/**
 * A Swarm's CPU and memory, summed over its nodes as Portainer's snapshot does (`snapshotSwarmNodes`): NanoCPUs
 * rounded down to whole CPUs. Undefined when there are no nodes (not a manager, or not a Swarm): then the
 * engine's own /info figures stand.
 */
export function swarmTotals(
  nodes: Record<string, unknown>[],
): { TotalCPU: number; TotalMemory: number } | undefined {
  if (nodes.length === 0) return undefined;
  let nanoCpus = 0;
  let memory = 0;
  for (const node of nodes as {
    Description?: { Resources?: { NanoCPUs?: unknown; MemoryBytes?: unknown } };
  }[]) {
    const r = node.Description?.Resources;
    if (typeof r?.NanoCPUs === 'number') nanoCpus += r.NanoCPUs;
    if (typeof r?.MemoryBytes === 'number') memory += r.MemoryBytes;
  }
  return { TotalCPU: Math.floor(nanoCpus / 1e9), TotalMemory: memory };
}
