import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import type { ContainerStatsMessage } from '@capstan/contracts-api';
import {
  bytesLabel,
  ContainersApi,
  type JsonSocketHandle,
  WEBSOCKET_FACTORY,
  formatBytes,
  openJsonSocket,
} from '@capstan/portal-data-access';

import { type ChartSeries, LineChart } from './line-chart';

/** One message of `/api/websocket/stats` (the contract's). */
export type StatsSample = ContainerStatsMessage;

/** Samples kept (one per second: the last minute). */
export const STATS_WINDOW = 60;

interface Rates {
  rx: number;
  tx: number;
  read: number;
  write: number;
}

/** Per-second rates between two cumulative samples. */
export function ratesBetween(a: StatsSample, b: StatsSample): Rates {
  const seconds = Math.max(0.001, (Date.parse(b.read) - Date.parse(a.read)) / 1000);
  const rate = (x: number, y: number) => Math.max(0, (y - x) / seconds);
  return {
    rx: rate(a.networkRx, b.networkRx),
    tx: rate(a.networkTx, b.networkTx),
    read: rate(a.blockRead, b.blockRead),
    write: rate(a.blockWrite, b.blockWrite),
  };
}

/** Live CPU, memory, network and block IO of a running container (`/api/websocket/stats`), as SVG charts. */
@Component({
  selector: 'cap-container-stats',
  imports: [LineChart],
  template: `
    <p class="muted status" data-testid="stats-status">
      {{ status() }}
      @if (latest(); as s) {
        · {{ s.pids }} processes · memory {{ bytes(s.memoryUsage) }} of {{ bytes(s.memoryLimit) }}
      }
    </p>
    <div class="charts" data-testid="stats-charts">
      <cap-line-chart title="CPU" [series]="cpu()" [fixedMax]="cpuMax()" [format]="percent" />
      <cap-line-chart title="Memory" [series]="memory()" [format]="bytes" />
      <cap-line-chart title="Network" [series]="network()" [format]="perSecond" />
      <cap-line-chart title="Block I/O" [series]="io()" [format]="perSecond" />
    </div>
  `,
  styles: `
    .status {
      font-size: 0.85rem;
    }
    .charts {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(min(18rem, 100%), 1fr));
      gap: 1rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ContainerStats {
  readonly envId = input.required<number>();
  readonly containerId = input.required<string>();

  private readonly containers = inject(ContainersApi);
  private readonly socketFactory = inject(WEBSOCKET_FACTORY);
  readonly samples = signal<StatsSample[]>([]);
  private readonly rates = signal<Rates[]>([]);
  protected readonly status = signal('Connecting…');
  private socket: JsonSocketHandle | null = null;

  protected readonly latest = computed(() => this.samples().at(-1) ?? null);
  protected readonly cpuMax = computed(() => Math.max(100, ...this.samples().map((s) => s.cpuPercent)));
  protected readonly cpu = computed<ChartSeries[]>(() => [
    { label: 'CPU', color: 'var(--accent)', values: this.samples().map((s) => s.cpuPercent) },
  ]);
  protected readonly memory = computed<ChartSeries[]>(() => [
    { label: 'used', color: 'var(--success)', values: this.samples().map((s) => s.memoryUsage) },
  ]);
  protected readonly network = computed<ChartSeries[]>(() => [
    { label: 'in', color: 'var(--accent)', values: this.rates().map((r) => r.rx) },
    { label: 'out', color: 'var(--warning)', values: this.rates().map((r) => r.tx) },
  ]);
  protected readonly io = computed<ChartSeries[]>(() => [
    { label: 'read', color: 'var(--accent)', values: this.rates().map((r) => r.read) },
    { label: 'write', color: 'var(--danger)', values: this.rates().map((r) => r.write) },
  ]);

  /** Memory in binary units (as `docker stats` prints MiB/GiB); I/O rates in decimal units (its kB/MB). */
  protected readonly bytes = bytesLabel;
  protected readonly perSecond = (v: number) => `${formatBytes(v)}/s`;
  protected readonly percent = (v: number) => `${v.toFixed(1)} %`;

  constructor() {
    effect(() => {
      const envId = this.envId();
      const id = this.containerId();
      untracked(() => this.open(envId, id));
    });
    inject(DestroyRef).onDestroy(() => this.socket?.close());
  }

  /** Adds one sample (and the rates since the previous one), keeping the last minute. */
  add(sample: StatsSample): void {
    const prev = this.samples().at(-1);
    this.samples.update((s) => [...s, sample].slice(-STATS_WINDOW));
    if (prev) this.rates.update((r) => [...r, ratesBetween(prev, sample)].slice(-STATS_WINDOW));
  }

  private open(envId: number, id: string): void {
    this.socket?.close();
    this.samples.set([]);
    this.rates.set([]);
    this.socket = openJsonSocket<StatsSample>(this.socketFactory, this.containers.statsSocketUrl(envId, id), {
      message: (s) => this.add(s),
      state: (state) =>
        this.status.set(
          state === 'open'
            ? 'Live, every second'
            : state === 'connecting'
              ? 'Connecting…'
              : state === 'failed'
                ? 'Live stats are unavailable (is the container running?)'
                : 'Stream ended',
        ),
    });
  }
}
