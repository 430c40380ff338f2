import { ChangeDetectionStrategy, Component, computed, effect, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import {
  bytesLabel,
  type DockerDashboard,
  DockerEnvironmentApi,
  errorMessage,
  formatBytes,
} from '@capstan/portal-data-access';
import { Spinner } from '@capstan/portal-ui';

import { UnreachableNodes } from '../swarm/node-column';
import { EnvironmentContext } from '../shell/environment-context';

interface Tile {
  readonly key: string;
  readonly label: string;
  readonly value: string;
  readonly detail?: string;
  readonly link?: string;
}

/**
 * The environment's dashboard: live counts from `/api/docker/{id}/dashboard` (after ownership filtering),
 * the snapshot's CPU, memory and engine version, and the snapshot's counts when the engine is down.
 */
@Component({
  selector: 'cap-docker-dashboard-page',
  imports: [RouterLink, Spinner, UnreachableNodes],
  template: `
    <h2 class="sr-only">Dashboard</h2>
    @if (liveError(); as message) {
      <p class="muted" data-testid="dashboard-live-error">
        Live counts unavailable ({{ message }}); showing the last snapshot.
      </p>
    }
    <cap-unreachable-nodes
      subject="these counts miss"
      what="containers, images, volumes and networks"
      testId="dashboard-unreachable"
      [nodes]="live()?.unreachableNodes ?? []"
    />
    @if (loading() && !tiles().length) {
      <cap-spinner />
    }
    <ul class="tiles" data-testid="dashboard">
      @for (t of tiles(); track t.key) {
        <li class="tile card" [attr.data-testid]="'dashboard-' + t.key">
          @if (t.link) {
            <a class="tile-link" [routerLink]="t.link">
              <span class="tile-label">{{ t.label }}</span>
              <span class="tile-value">{{ t.value }}</span>
              @if (t.detail) {
                <span class="tile-detail muted">{{ t.detail }}</span>
              }
            </a>
          } @else {
            <span class="tile-label">{{ t.label }}</span>
            <span class="tile-value">{{ t.value }}</span>
            @if (t.detail) {
              <span class="tile-detail muted">{{ t.detail }}</span>
            }
          }
        </li>
      }
    </ul>
  `,
  styles: `
    .tiles {
      list-style: none;
      padding: 0;
      margin: 0;
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(min(13rem, 100%), 1fr));
      gap: 1rem;
    }
    .tile {
      display: grid;
      align-content: start;
      padding: 1rem 1.1rem;
    }
    .tile + .tile {
      margin-top: 0;
    }
    .tile-link {
      display: grid;
      align-content: start;
      color: inherit;
      text-decoration: none;
    }
    .tile-link:hover .tile-value {
      color: var(--accent-strong);
    }
    .tile-label {
      font-weight: 600;
      color: var(--text-muted);
      font-size: 0.9rem;
    }
    .tile-value {
      font-size: 1.7rem;
      font-weight: 700;
      line-height: 1.3;
      overflow-wrap: anywhere;
    }
    .tile-detail {
      font-size: 0.85rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DockerDashboardPage {
  protected readonly ctx = inject(EnvironmentContext);
  private readonly api = inject(DockerEnvironmentApi);

  protected readonly live = signal<DockerDashboard | null>(null);
  protected readonly loading = signal(true);
  protected readonly liveError = signal<string | null>(null);

  constructor() {
    effect(() => {
      const id = this.ctx.envId();
      if (id) void this.load(id);
    });
  }

  protected readonly tiles = computed<Tile[]>(() => {
    const live = this.live();
    const snap = this.ctx.snapshot();
    if (!live && !snap) return [];
    const running = live?.containers.running ?? snap?.RunningContainerCount ?? 0;
    const stopped = live?.containers.stopped ?? snap?.StoppedContainerCount ?? 0;
    const healthy = live?.containers.healthy ?? snap?.HealthyContainerCount ?? 0;
    const unhealthy = live?.containers.unhealthy ?? snap?.UnhealthyContainerCount ?? 0;
    const total = live?.containers.total ?? snap?.ContainerCount ?? running + stopped;
    const tiles: Tile[] = [
      {
        key: 'containers',
        label: 'Containers',
        value: String(total),
        detail: `${running} running · ${stopped} stopped · ${healthy} healthy · ${unhealthy} unhealthy`,
        link: 'containers',
      },
      {
        key: 'images',
        label: 'Images',
        value: String(live?.images.total ?? snap?.ImageCount ?? 0),
        detail: live ? formatBytes(live.images.size) : undefined,
        link: 'images',
      },
      {
        key: 'volumes',
        label: 'Volumes',
        value: String(live?.volumes ?? snap?.VolumeCount ?? 0),
        link: 'volumes',
      },
      {
        key: 'networks',
        label: 'Networks',
        value: String(live?.networks ?? snap?.NetworkCount ?? 0),
        link: 'networks',
      },
    ];
    if (live?.stacks || snap?.StackCount)
      tiles.push({ key: 'stacks', label: 'Stacks', value: String(live?.stacks ?? snap?.StackCount ?? 0) });
    if (snap) {
      tiles.push(
        { key: 'cpu', label: 'CPU', value: String(snap.TotalCPU), detail: 'cores' },
        { key: 'memory', label: 'Memory', value: bytesLabel(snap.TotalMemory) },
        {
          key: 'engine',
          label: snap.IsPodman ? 'Podman' : 'Docker',
          value: snap.DockerVersion || '—',
          detail: snap.Swarm ? 'Swarm mode' : 'Standalone',
          link: 'engine',
        },
      );
    }
    return tiles;
  });

  private async load(id: number): Promise<void> {
    this.loading.set(true);
    try {
      this.live.set(await this.api.dashboard(id));
      this.liveError.set(null);
    } catch (error) {
      this.live.set(null);
      this.liveError.set(errorMessage(error));
    } finally {
      this.loading.set(false);
    }
  }
}
