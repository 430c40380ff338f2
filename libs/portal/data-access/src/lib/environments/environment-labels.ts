import { EnvironmentType } from '@capstan/contracts-api';

import type { Environment } from './environment.models';

/** How Capstan reaches the engine: its local socket, the Docker API over TCP, or the API over TLS. */
export type ConnectionKind = 'socket' | 'api' | 'tls' | 'agent';

export function connectionKind(
  env: Pick<Environment, 'URL' | 'TLSConfig'> & { Type?: number },
): ConnectionKind {
  if (env.Type === EnvironmentType.Agent) return 'agent';
  if (env.URL.startsWith('unix://') || env.URL.startsWith('npipe://')) return 'socket';
  return env.TLSConfig?.TLS ? 'tls' : 'api';
}

const CONNECTION_LABEL: Record<ConnectionKind, string> = {
  socket: 'socket',
  api: 'API',
  tls: 'API + TLS',
  agent: 'agent',
};

export function engineLabel(env: Pick<Environment, 'ContainerEngine'>): 'Docker' | 'Podman' {
  return env.ContainerEngine === 'podman' ? 'Podman' : 'Docker';
}

/** "Docker · socket", "Podman · socket", "Docker · API + TLS". */
export function environmentTypeLabel(
  env: Pick<Environment, 'URL' | 'TLSConfig' | 'ContainerEngine'> & { Type?: number },
): string {
  return `${engineLabel(env)} · ${CONNECTION_LABEL[connectionKind(env)]}`;
}

/** Bytes in binary units: "7.6 GiB". */
export function bytesLabel(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return '0 B';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  const power = Math.min(units.length - 1, Math.floor(Math.log(bytes) / Math.log(1024)));
  const value = bytes / 1024 ** power;
  return `${value >= 10 || power === 0 ? Math.round(value) : value.toFixed(1)} ${units[power]}`;
}
