/** Volumes through the Docker proxy: shapes, create payload, used-by. */
import type { DockerContainerSummary } from './resources-images';
import { pairsToMap } from './resources-format';

/** Capstan's ownership decoration on proxied resources (reference §2.4). */
export interface PortainerDecoration {
  Portainer?: {
    ResourceControl?: {
      Id: number;
      ResourceId?: string;
      UserAccesses: { UserId: number; AccessLevel: number }[];
      TeamAccesses: { TeamId: number; AccessLevel: number }[];
      Public: boolean;
      AdministratorsOnly: boolean;
      System?: boolean;
    };
  };
}

/** `GET /volumes` item / `GET /volumes/{name}`. */
export interface DockerVolume extends PortainerDecoration {
  Name: string;
  Driver: string;
  Mountpoint: string;
  CreatedAt?: string;
  Scope?: string;
  Labels?: Record<string, string> | null;
  Options?: Record<string, string> | null;
  Status?: Record<string, unknown> | null;
  UsageData?: { Size: number; RefCount: number } | null;
}

export interface VolumeRow extends DockerVolume {
  usedBy: string[];
}

export interface KeyValue {
  key: string;
  value: string;
}

export interface VolumeForm {
  name: string;
  driver: string;
  driverOpts: readonly KeyValue[];
  labels: readonly KeyValue[];
}

/** `POST /volumes/create` body. An empty name lets the engine pick one; blank option keys are dropped. */
export interface VolumeCreateBody {
  Name?: string;
  Driver: string;
  DriverOpts: Record<string, string>;
  Labels: Record<string, string>;
}

export function volumeCreateBody(form: VolumeForm): VolumeCreateBody {
  const name = form.name.trim();
  return {
    ...(name ? { Name: name } : {}),
    Driver: form.driver.trim() || 'local',
    DriverOpts: pairsToMap(form.driverOpts),
    Labels: pairsToMap(form.labels),
  };
}

/** What is wrong with a volume form, per field (empty when valid). */
export function volumeFormErrors(form: VolumeForm): { name?: string; driverOpts?: string } {
  const errors: { name?: string; driverOpts?: string } = {};
  const name = form.name.trim();
  if (name && !/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(name))
    errors.name =
      'Use letters, digits, "_", "." and "-" (at least 2 characters, not starting with a symbol).';
  if (form.driverOpts.some((o) => !o.key.trim() && o.value.trim()))
    errors.driverOpts = 'Every option with a value needs a name.';
  return errors;
}

/** Names of the containers (any state) mounting each volume. */
export function volumeUsage(
  volumes: readonly DockerVolume[],
  containers: readonly DockerContainerSummary[],
): VolumeRow[] {
  const byVolume = new Map<string, string[]>();
  for (const c of containers) {
    const name = (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, '');
    for (const m of c.Mounts ?? []) {
      if (m.Type !== 'volume' || !m.Name) continue;
      const list = byVolume.get(m.Name) ?? [];
      if (!list.includes(name)) list.push(name);
      byVolume.set(m.Name, list);
    }
  }
  return volumes.map((v) => ({ ...v, usedBy: byVolume.get(v.Name) ?? [] }));
}
