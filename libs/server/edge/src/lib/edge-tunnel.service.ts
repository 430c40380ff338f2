import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes, randomInt } from 'node:crypto';
import {
  ChiselServer,
  EDGE_TUNNEL_PORTS,
  encryptTunnelCredentials,
  type TunnelGrant,
} from '@capstan/contracts-agent';
import {
  CAPSTAN_CONFIG,
  ClockPort,
  CapstanLogger,
  ServiceUnavailableError,
  type CapstanConfig,
} from '@capstan/server-core';
import {
  EdgeTunnels,
  EnvironmentsService,
  SnapshotService,
  TunnelHostKeyService,
  type EdgeTunnelOpener,
} from '@capstan/server-environments';
import { AsyncEngineService } from './async-engine.service';
import { EdgeModes } from './edge-modes';

/** The tunnel of one edge environment, from the moment the server wants it until it is closed. */
interface TunnelEntry {
  readonly grant: TunnelGrant;
  /** Credentials as the poll answers them, encrypted once (a stable poll body keeps its ETag). */
  credentials?: { edgeId: string; sealed: string };
  connected: boolean;
  lastActivity: number;
  readonly requestedAt: number;
  readonly waiters: { resolve: (port: number) => void; reject: (e: Error) => void }[];
}

/** Poll status of an environment's tunnel, as the poll answer carries it. */
export interface TunnelState {
  readonly status: 'IDLE' | 'REQUIRED';
  readonly port: number;
  readonly credentials: string;
}

/** 8 characters of [A-Za-z0-9] (Portainer's chisel user and password length). */
function randomToken(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(8), (b) => alphabet[b % alphabet.length]).join('');
}

/**
 * The edge tunnel server (Portainer's embedded chisel server, `api/chisel`): a chisel-v3 WebSocket endpoint on
 * `CAPSTAN_TUNNEL_PORT`, and the tunnels the server wants. A request to an edge environment (through the engine
 * connection's edge transport) asks for its tunnel: the environment's next poll answers REQUIRED with a port and
 * fresh credentials allowed to open that port only; the request waits (bounded) until the agent is connected.
 * A tunnel unused for `CAPSTAN_EDGE_TUNNEL_IDLE` (and with no connection open through it, e.g. a console) is
 * snapshotted, then closed; the next poll answers IDLE.
 */
@Injectable()
export class EdgeTunnelService implements EdgeTunnelOpener, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly entries = new Map<number, TunnelEntry>();
  private readonly listeners: ((environmentId: number) => void)[] = [];
  private chisel?: ChiselServer;
  private http?: Server;
  private monitor?: NodeJS.Timeout;

  constructor(
    @Inject(CAPSTAN_CONFIG) private readonly config: CapstanConfig,
    private readonly hostKey: TunnelHostKeyService,
    private readonly tunnels: EdgeTunnels,
    private readonly environments: EnvironmentsService,
    private readonly snapshots: SnapshotService,
    private readonly modes: EdgeModes,
    private readonly asyncEngine: AsyncEngineService,
    private readonly clock: ClockPort,
    private readonly logger: CapstanLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const chisel = new ChiselServer(this.hostKey.privateKey, {
      opened: (g) => this.onOpened(g),
      closed: (g) => this.onClosed(g),
    });
    this.chisel = chisel;
    const http = createServer((_req, res) =>
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found'),
    );
    http.on('upgrade', (req, socket, head) => chisel.handleUpgrade(req, socket, head));
    http.on('clientError', (_e, socket) => socket.destroy());
    this.http = http;
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(this.config.tunnelPort, this.config.bindAddress, () => resolve());
    });
    this.tunnels.use(this);
    const tick = Math.max(50, Math.min(10_000, Math.floor(this.config.edgeTunnelIdleMs / 3)));
    this.monitor = setInterval(() => void this.closeIdle(), tick);
    this.monitor.unref();
  }

  onApplicationShutdown(): void {
    if (this.monitor) clearInterval(this.monitor);
    for (const e of this.entries.values())
      for (const w of e.waiters) w.reject(notConnected('the server is stopping'));
    this.entries.clear();
    this.chisel?.close();
    this.http?.close();
  }

  /** Called when an environment's poll answer changes (tunnel wanted, opened, closed). */
  onChange(listener: (environmentId: number) => void): void {
    this.listeners.push(listener);
  }

  /** What the poll answers about this environment's tunnel; credentials sealed for the polling agent's edge id. */
  state(environmentId: number, edgeId: string): TunnelState {
    const e = this.entries.get(environmentId);
    if (!e) return { status: 'IDLE', port: 0, credentials: '' };
    if (e.credentials?.edgeId !== edgeId)
      e.credentials = {
        edgeId,
        sealed: encryptTunnelCredentials(edgeId, `${e.grant.user}:${e.grant.password}`),
      };
    return { status: 'REQUIRED', port: e.grant.port, credentials: e.credentials.sealed };
  }

  connected(environmentId: number): boolean {
    return this.entries.get(environmentId)?.connected === true;
  }

  /** EdgeTunnelOpener: the loopback port once the agent's tunnel is up; 503 when it does not come in time. */
  connect(environmentId: number): Promise<number> {
    if (this.modes.isAsync(environmentId))
      return Promise.reject(
        notConnected('An async edge environment has no tunnel: consoles and live streams need a standard agent'),
      );
    const existing = this.entries.get(environmentId);
    if (existing?.connected) {
      existing.lastActivity = this.clock.now();
      return Promise.resolve(existing.grant.port);
    }
    const entry = existing ?? this.open(environmentId);
    return new Promise<number>((resolve, reject) => {
      const waiter = {
        resolve: (port: number) => {
          clearTimeout(timer);
          resolve(port);
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const timer = setTimeout(() => {
        const i = entry.waiters.indexOf(waiter);
        if (i >= 0) entry.waiters.splice(i, 1);
        reject(
          notConnected(
            `the edge agent did not open its tunnel within ${Math.round(this.config.edgeTunnelWaitMs / 1000)} s`,
          ),
        );
      }, this.config.edgeTunnelWaitMs);
      entry.waiters.push(waiter);
    });
  }

  /** EdgeTunnelOpener: an async environment has no tunnel; its engine is emulated from its snapshot. */
  asyncConnection(environmentId: number): Duplex | undefined {
    return this.modes.isAsync(environmentId) ? this.asyncEngine.connect(environmentId) : undefined;
  }

  isAsync(environmentId: number): boolean {
    return this.modes.isAsync(environmentId);
  }

  touch(environmentId: number): void {
    const e = this.entries.get(environmentId);
    if (e) e.lastActivity = this.clock.now();
  }

  /** Ends an environment's tunnel now (environment deleted, untrusted, or a different agent took over). */
  drop(environmentId: number, reason: string): void {
    const e = this.entries.get(environmentId);
    if (!e) return;
    this.entries.delete(environmentId);
    this.chisel?.revoke(e.grant.user);
    for (const w of e.waiters) w.reject(notConnected(reason));
    this.changed(environmentId);
  }

  private open(environmentId: number): TunnelEntry {
    const used = new Set([...this.entries.values()].map((e) => e.grant.port));
    let port = randomInt(EDGE_TUNNEL_PORTS.min, EDGE_TUNNEL_PORTS.max + 1);
    while (used.has(port)) port = randomInt(EDGE_TUNNEL_PORTS.min, EDGE_TUNNEL_PORTS.max + 1);
    const grant: TunnelGrant = { user: randomToken(), password: randomToken(), port };
    const now = this.clock.now();
    const entry: TunnelEntry = { grant, connected: false, lastActivity: now, requestedAt: now, waiters: [] };
    this.entries.set(environmentId, entry);
    this.chisel?.grant(grant);
    this.changed(environmentId);
    this.logger.write('info', 'edge tunnel requested', { environmentId, port });
    return entry;
  }

  private onOpened(grant: TunnelGrant): void {
    const found = this.find(grant.user);
    if (!found) return;
    const [environmentId, entry] = found;
    entry.connected = true;
    entry.lastActivity = this.clock.now();
    this.logger.write('info', 'edge tunnel open', { environmentId, port: grant.port });
    for (const w of entry.waiters.splice(0)) w.resolve(grant.port);
  }

  private onClosed(grant: TunnelGrant): void {
    const found = this.find(grant.user);
    if (!found) return;
    const [environmentId] = found;
    // The agent left (or was cut): a credential serves one session only, the next need asks afresh.
    this.drop(environmentId, 'the edge agent closed its tunnel');
    this.logger.write('info', 'edge tunnel closed', { environmentId, port: grant.port });
  }

  private find(user: string): [number, TunnelEntry] | undefined {
    for (const [id, e] of this.entries) if (e.grant.user === user) return [id, e];
    return undefined;
  }

  /**
   * Closes tunnels idle for longer than the idle time (a snapshot first, through the tunnel), and drops
   * requests no agent answered; one pass at a time.
   */
  private closing = false;
  private async closeIdle(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    try {
      const now = this.clock.now();
      for (const [id, e] of [...this.entries]) {
        if (!e.connected) {
          if (e.waiters.length === 0 && now - e.requestedAt > this.config.edgeTunnelWaitMs)
            this.drop(id, 'no edge agent came');
          continue;
        }
        if (now - e.lastActivity < this.config.edgeTunnelIdleMs || this.chisel?.busy(e.grant.user)) continue;
        // The snapshot goes through the tunnel (and so marks it used): it is the tunnel's last use.
        const env = await this.environments.get(id).catch(() => undefined);
        if (env) await this.snapshots.snapshotOne(env).catch(() => undefined);
        if (this.entries.get(id) === e) this.drop(id, 'the tunnel was idle');
      }
    } finally {
      this.closing = false;
    }
  }

  private changed(environmentId: number): void {
    for (const l of this.listeners) l(environmentId);
  }
}

function notConnected(details: string): ServiceUnavailableError {
  return new ServiceUnavailableError('The environment is not connected', details);
}
