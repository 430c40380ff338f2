import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { HostInfo } from '@capstan/contracts-agent';

const PCI_IDS = ['usr/share/misc/pci.ids', 'usr/share/hwdata/pci.ids', 'usr/share/pci.ids'];
/** Not physical disks. */
const VIRTUAL_BLOCK = /^(loop|ram|zram|dm-|md|sr|fd|nbd)\d*/;

/**
 * PCI devices and disks of the host, read from sysfs under the bind-mounted host root (`-v /:/host`,
 * HOST_ROOT). Either list is `null` when it cannot be read, e.g. when the agent runs without the mount.
 */
export async function readHostInfo(hostRoot: string): Promise<HostInfo> {
  const [PCIDevices, PhysicalDisks] = await Promise.all([
    readPciDevices(hostRoot).catch(() => null),
    readDisks(hostRoot).catch(() => null),
  ]);
  return { PCIDevices, PhysicalDisks };
}

async function readPciDevices(root: string): Promise<HostInfo['PCIDevices']> {
  const base = join(root, 'sys/bus/pci/devices');
  const slots = (await readdir(base)).sort();
  const names = await loadPciNames(root);
  const devices: { Vendor: string; Name: string }[] = [];
  for (const slot of slots) {
    const vendor = await readHex(join(base, slot, 'vendor'));
    const device = await readHex(join(base, slot, 'device'));
    if (!vendor) continue;
    const vendorName = names.get(vendor)?.name ?? `0x${vendor}`;
    const deviceName =
      (device && names.get(vendor)?.devices.get(device)) ?? (device ? `0x${device}` : 'unknown');
    devices.push({ Vendor: vendorName, Name: deviceName });
  }
  return devices;
}

async function readDisks(root: string): Promise<HostInfo['PhysicalDisks']> {
  const base = join(root, 'sys/block');
  const disks: { Vendor: string; Size: number }[] = [];
  for (const name of (await readdir(base)).sort()) {
    if (VIRTUAL_BLOCK.test(name)) continue;
    const sectors = Number((await readFile(join(base, name, 'size'), 'utf8').catch(() => '0')).trim());
    const vendor = (await readFile(join(base, name, 'device/vendor'), 'utf8').catch(() => '')).trim();
    // sysfs sizes are in 512-byte sectors whatever the device's block size.
    disks.push({ Vendor: vendor || 'unknown', Size: sectors * 512 });
  }
  return disks;
}

async function readHex(file: string): Promise<string | null> {
  const text = await readFile(file, 'utf8').catch(() => null);
  const m = text ? /^0x([0-9a-f]{4})/i.exec(text.trim()) : null;
  return m ? m[1].toLowerCase() : null;
}

/** The pci.ids database of the host (vendor and device names), empty when absent. */
async function loadPciNames(
  root: string,
): Promise<Map<string, { name: string; devices: Map<string, string> }>> {
  const vendors = new Map<string, { name: string; devices: Map<string, string> }>();
  for (const candidate of PCI_IDS) {
    const text = await readFile(join(root, candidate), 'utf8').catch(() => null);
    if (text === null) continue;
    let current: { name: string; devices: Map<string, string> } | undefined;
    for (const line of text.split('\n')) {
      if (line.startsWith('C ')) break; // device classes follow the vendors
      let m = /^([0-9a-f]{4})\s+(.+)$/.exec(line);
      if (m) {
        current = { name: m[2], devices: new Map() };
        vendors.set(m[1], current);
        continue;
      }
      m = /^\t([0-9a-f]{4})\s+(.+)$/.exec(line);
      if (m && current) current.devices.set(m[1], m[2]);
    }
    break;
  }
  return vendors;
}
