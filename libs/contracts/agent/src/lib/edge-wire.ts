/**
 * The browser-safe part of the edge protocol (no node: modules): header names, the poll answer and key shapes,
 * chisel's config remotes. The codecs and the tunnel (node:crypto, ssh2) are in edge.ts and chisel.ts.
 */

/** Headers of the edge agent's polls (in addition to `Portainer-Agent` and `Portainer-Agent-Platform`). */
export const EDGE_HEADERS = {
  edgeId: 'X-PortainerAgent-EdgeID',
  timeZone: 'X-PortainerAgent-TimeZone',
  updateId: 'X-PortainerAgent-Update-ID',
  /** Capstan: the per-environment poll secret given at the first trusted poll (absent for Portainer agents). */
  edgeSecret: 'X-Capstan-Edge-Secret',
} as const;

/** The fields of an edge key: `portainer_url|tunnel_addr|tunnel_fingerprint|endpoint_id`. */
export interface EdgeKey {
  readonly portainerUrl: string;
  /** host:port of the tunnel server. */
  readonly tunnelAddr: string;
  /** chisel fingerprint: base64 of the SHA-256 of the server's SSH public key (wire format). */
  readonly fingerprint: string;
  /** 0 for a global key: the agent resolves its environment through `POST /api/endpoints/global-key`. */
  readonly endpointId: number;
}

/** The poll answer (`GET /api/endpoints/{id}/edge/status`), Portainer's field names. */
export interface EdgeStatusResponse {
  status: 'IDLE' | 'REQUIRED';
  port: number;
  credentials: string;
  checkin: number;
  schedules: EdgeSchedule[];
  stacks: { ID: number; Version: number }[] | null;
}

export interface EdgeSchedule {
  Id: number;
  CollectLogs: boolean;
  CronExpression: string;
  Script: string;
  Version: number;
}

/** Whether an `If-None-Match` header (comma-joined, maybe quoted or weak) lists this ETag. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((t) => t.trim().replace(/^W\//, '').replace(/^"|"$/g, ''))
    .includes(etag);
}

/** Tunnel ports the server hands out (Portainer: 49152–65535). */
export const EDGE_TUNNEL_PORTS = { min: 49152, max: 65535 } as const;

/** chisel's WebSocket subprotocol. */
export const CHISEL_PROTOCOL = 'chisel-v3';

/** One remote of chisel's `config` request (Go field names; JSON of `settings.Remote`). */
export interface ChiselRemote {
  LocalHost: string;
  LocalPort: string;
  LocalProto: string;
  RemoteHost: string;
  RemotePort: string;
  RemoteProto: string;
  Socks: boolean;
  Reverse: boolean;
  Stdio: boolean;
}

export interface ChiselConfig {
  Version: string;
  Remotes: ChiselRemote[];
}

/** The reverse remote `R:<port>:<host>:<targetPort>` as chisel's config carries it (the server listens on 0.0.0.0). */
export function reverseRemote(port: number, targetHost: string, targetPort: number): ChiselRemote {
  return {
    LocalHost: '0.0.0.0',
    LocalPort: String(port),
    LocalProto: 'tcp',
    RemoteHost: targetHost,
    RemotePort: String(targetPort),
    RemoteProto: 'tcp',
    Socks: false,
    Reverse: true,
    Stdio: false,
  };
}

/** What a credential is allowed to open: chisel's `UserAddr` of a reverse remote. */
export function chiselUserAddr(
  remote: Pick<ChiselRemote, 'Reverse' | 'LocalHost' | 'LocalPort' | 'RemoteHost' | 'RemotePort'>,
): string {
  return remote.Reverse
    ? `R:${remote.LocalHost}:${remote.LocalPort}`
    : `${remote.RemoteHost}:${remote.RemotePort}`;
}
