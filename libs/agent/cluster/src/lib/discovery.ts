import { lookup } from 'node:dns/promises';

import { MemberIdentity, MemberTable } from './members';

export interface PeerAddress {
  address: string;
  port: number;
}

export interface DiscoveryPorts {
  /** Every address the cluster name resolves to right now. */
  resolve(): Promise<PeerAddress[]>;
  /** The identity a peer announces on its /ping, or null when it does not answer in time. */
  probe(peer: PeerAddress): Promise<MemberIdentity | null>;
  now(): number;
}

/**
 * Keeps a MemberTable live: every round re-resolves the cluster name (tasks.<service> in Swarm: one A record
 * per running agent task), probes every address concurrently and expires the silent ones. No gossip: each
 * agent learns a peer's identity from the peer itself.
 */
export class ClusterDiscovery {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    readonly table: MemberTable,
    private readonly ports: DiscoveryPorts,
    private readonly intervalMs: number,
    private readonly log: (msg: string) => void = () => undefined,
  ) {}

  /** One round; concurrent callers share the round in flight. */
  refresh(): Promise<void> {
    this.running ??= this.round().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  start(): void {
    if (this.timer) return;
    const tick = (): void => {
      this.refresh().then(
        () => undefined,
        (err: unknown) => this.log(`cluster discovery failed: ${String(err)}`),
      );
    };
    tick();
    this.timer = setInterval(tick, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async round(): Promise<void> {
    let peers: PeerAddress[] = [];
    try {
      peers = await this.ports.resolve();
    } catch (err) {
      // DNS unavailable this round: keep probing nobody new; members expire on their own.
      this.log(`cluster name did not resolve: ${String(err)}`);
    }
    await Promise.all(
      peers.map(async (peer) => {
        const identity = await this.ports.probe(peer);
        if (identity) this.table.seen(peer.address, peer.port, identity, this.ports.now());
      }),
    );
    for (const m of this.table.expire(this.ports.now())) {
      this.log(`cluster member ${m.nodeName} (${m.address}:${m.port}) stopped answering: dropped`);
    }
  }
}

/**
 * Parses AGENT_CLUSTER_ADDR-style targets: comma-separated `name` or `name:port` (the port defaults to the
 * agent's own). A name may resolve to many addresses.
 */
export function parseClusterAddr(value: string, defaultPort: number): { host: string; port: number }[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const m = /^(.*):(\d{1,5})$/.exec(s);
      if (m && !m[1].includes(':')) return { host: m[1], port: Number(m[2]) };
      return { host: s.replace(/^\[(.*)\]$/, '$1'), port: defaultPort };
    });
}

/** Resolves every name to all its A/AAAA records (Docker's embedded DNS answers tasks.<service>). */
export async function resolveAll(targets: { host: string; port: number }[]): Promise<PeerAddress[]> {
  const out: PeerAddress[] = [];
  const seen = new Set<string>();
  const answers = await Promise.allSettled(targets.map((t) => lookup(t.host, { all: true })));
  const failed = answers.find((a): a is PromiseRejectedResult => a.status === 'rejected');
  if (failed && answers.every((a) => a.status === 'rejected')) throw failed.reason;
  for (const [i, t] of targets.entries()) {
    const answer = answers[i];
    if (answer.status === 'rejected') continue;
    for (const r of answer.value) {
      const k = `${r.address}|${t.port}`;
      if (!seen.has(k)) {
        seen.add(k);
        out.push({ address: r.address, port: t.port });
      }
    }
  }
  return out;
}
