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

/** "just now", "2 min ago", "3 h ago", "5 days ago" for a unix-seconds time. */
export function timeAgo(unixSeconds: number, nowMs = Date.now()): string {
  const seconds = Math.max(0, Math.round(nowMs / 1000 - unixSeconds));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  return `${days} day${days === 1 ? '' : 's'} ago`;
}

/** The exact local time, for a title next to `timeAgo`. */
export function exactTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toLocaleString();
}

/** Bytes in binary units: "7.6 GiB". */
export function bytesLabel(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return '0 B';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  const power = Math.min(units.length - 1, Math.floor(Math.log(bytes) / Math.log(1024)));
  const value = bytes / 1024 ** power;
  return `${value >= 10 || power === 0 ? Math.round(value) : value.toFixed(1)} ${units[power]}`;
}
