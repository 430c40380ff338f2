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

/** PCI devices sorted by vendor then name (the agent lists them by PCI slot); null stays null. */
export function sortDevices(list: HostInfo['PCIDevices']): HostInfo['PCIDevices'] {
  if (!list) return null;
  return [...list].sort((a, b) => a.Vendor.localeCompare(b.Vendor) || a.Name.localeCompare(b.Name));
}
