import type { HostInfo } from '@capstan/contracts-agent/wire';
import { bytesLabel } from '@capstan/portal-data-access';

import type { DockerInfo } from '../engine/engine-page';

/** What the page says when the agent reports a list as `null` (no host root at /host, no sysfs). */
export const HOST_HARDWARE_UNREADABLE = "The agent cannot read the host's hardware (is / mounted at /host?)";

export interface HostFact {
  id: string;
  label: string;
  value: string;
}

/** The host facts the engine already gives (`GET /info`), in the page's order; missing values left out. */
export function hostFacts(info: DockerInfo | null): HostFact[] {
  if (!info) return [];
  const facts: [string, string, string | number | undefined | null][] = [
    ['name', 'Hostname', info.Name],
    ['os', 'Operating system', info.OperatingSystem],
    ['os-type', 'OS type', info.OSType],
    ['arch', 'Architecture', info.Architecture],
    ['kernel', 'Kernel', info.KernelVersion],
    ['cpus', 'CPUs', info.NCPU],
    ['memory', 'Memory', info.MemTotal !== undefined ? bytesLabel(info.MemTotal) : undefined],
    ['docker', 'Docker version', info.ServerVersion],
    ['root-dir', 'Docker root directory', info.DockerRootDir],
    ['storage', 'Storage driver', info.Driver],
    ['logging', 'Logging driver', info.LoggingDriver],
  ];
  return facts
    .filter(([, , v]) => v !== undefined && v !== null && v !== '')
    .map(([id, label, value]) => ({ id, label, value: String(value) }));
}

/** One item of the engine's `GET /nodes` (the fields the host page shows). */
export interface SwarmNodeHost {
  ID: string;
  Spec?: { Role?: string; Availability?: string };
  Description?: {
    Hostname?: string;
    Platform?: { OS?: string; Architecture?: string };
    Resources?: { NanoCPUs?: number; MemoryBytes?: number };
    Engine?: { EngineVersion?: string };
  };
  Status?: { State?: string; Addr?: string };
}

/**
 * The facts of one Swarm node from the manager's node list: on a Swarm agent `/info` is a manager operation (the
 * agent sends it to a manager whatever node is targeted), so a node's own OS, CPUs, memory and engine come from
 * its `/nodes` entry (the agent names members by hostname). Kernel and Docker root directory are not in it.
 */
export function nodeFacts(node: SwarmNodeHost | undefined): HostFact[] {
  if (!node) return [];
  const d = node.Description;
  const cpus = d?.Resources?.NanoCPUs;
  const facts: [string, string, string | number | undefined | null][] = [
    ['name', 'Hostname', d?.Hostname],
    ['os', 'Operating system', d?.Platform?.OS],
    ['arch', 'Architecture', d?.Platform?.Architecture],
    ['cpus', 'CPUs', cpus !== undefined ? Math.round((cpus / 1e9) * 100) / 100 : undefined],
    [
      'memory',
      'Memory',
      d?.Resources?.MemoryBytes !== undefined ? bytesLabel(d.Resources.MemoryBytes) : undefined,
    ],
    ['docker', 'Docker version', d?.Engine?.EngineVersion],
    ['role', 'Swarm role', node.Spec?.Role],
    ['availability', 'Availability', node.Spec?.Availability],
    ['state', 'Node status', node.Status?.State],
    ['address', 'Address', node.Status?.Addr],
  ];
  return facts
    .filter(([, , v]) => v !== undefined && v !== null && v !== '')
    .map(([id, label, value]) => ({ id, label, value: String(value) }));
}

/** PCI devices sorted by vendor then name (the agent lists them by PCI slot); null stays null. */
export function sortDevices(list: HostInfo['PCIDevices']): HostInfo['PCIDevices'] {
  if (!list) return null;
  return [...list].sort((a, b) => a.Vendor.localeCompare(b.Vendor) || a.Name.localeCompare(b.Name));
}
