import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import {
  ContainersApi,
  LoadState,
  VolumesApi,
  type DockerVolume,
  formatBytes,
} from '@capstan/portal-data-access';
import { Alert, PageHeader, Spinner, formatTime } from '@capstan/portal-ui';

import { EnvironmentContext } from '../../shell/environment-context';
import { canManage } from '../shared/permissions';
import { containerName } from '../../shared/docker-models';
import { PairLines, removeAndLeave } from '../shared/detail-page';
import { reloadOnEnvironment } from '../shared/reload';

interface Mounter {
  name: string;
  state: string;
  destination: string;
}

/** One volume: its inspect data and the containers that mount it (and where). */
@Component({
  selector: 'cap-volume-detail-page',
  imports: [Alert, PageHeader, PairLines, RouterLink, Spinner],
  template: `
    <cap-page-header [title]="id()" subtitle="Volume">
      <a class="btn" routerLink="../../volumes" data-testid="volume-back">← Volumes</a>
      @if (ctx.volumeBrowse() !== 'none' && !ctx.readOnly()) {
        <a class="btn" routerLink="browse" queryParamsHandling="preserve" data-testid="volume-detail-browse">
          Browse files
        </a>
      }
      @if (volume(); as v) {
        @if (manage(v)) {
          <button type="button" class="btn btn-danger" data-testid="volume-detail-remove" (click)="remove(v)">
            Remove
          </button>
        }
      }
    </cap-page-header>
    @if (state.error(); as message) {
      <cap-alert kind="error">{{ message }}</cap-alert>
    }
    @if (state.loading() && !volume()) {
      <cap-spinner />
    }
    @if (volume(); as v) {
      <div class="grid-2">
        <section class="card" data-testid="volume-inspect">
          <h2>Details</h2>
          <dl>
            <dt>Name</dt>
            <dd class="mono">{{ v.Name }}</dd>
            <dt>Driver</dt>
            <dd>{{ v.Driver }}</dd>
            <dt>Scope</dt>
            <dd>{{ v.Scope ?? 'local' }}</dd>
            <dt>Mount point</dt>
            <dd class="mono">{{ v.Mountpoint }}</dd>
            <dt>Created</dt>
            <dd>{{ time(v.CreatedAt) }}</dd>
            @if (v.UsageData && v.UsageData.Size >= 0) {
              <dt>Size</dt>
              <dd>{{ bytes(v.UsageData.Size) }}</dd>
            }
            <dt>Driver options</dt>
            <dd data-testid="volume-options">
              <cap-pair-lines [map]="v.Options" />
            </dd>
            <dt>Labels</dt>
            <dd>
              <cap-pair-lines [map]="v.Labels" />
            </dd>
          </dl>
        </section>
        <section class="card" data-testid="volume-used-by">
          <h2>Used by</h2>
          @for (m of mounters(); track m.name) {
            <div class="mounter">
              <span class="badge">{{ m.state }}</span>
              <strong>{{ m.name }}</strong>
              <span class="mono muted">→ {{ m.destination }}</span>
            </div>
          } @empty {
            <p class="muted">No container mounts this volume.</p>
          }
        </section>
      </div>
    }
  `,
  styleUrl: '../shared/detail-page.css',
  styles: `
    .mounter {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      align-items: baseline;
      padding: 0.3rem 0;
      overflow-wrap: anywhere;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class VolumeDetailPage {
  protected readonly ctx = inject(EnvironmentContext);
  private readonly volumes = inject(VolumesApi);
  private readonly containers = inject(ContainersApi);
  private readonly removeThenLeave = removeAndLeave();
  /** The `:name` route parameter. */
  readonly name = input.required<string>();
  protected readonly id = computed(() => this.name());

  protected readonly volume = signal<DockerVolume | null>(null);
  protected readonly mounters = signal<Mounter[]>([]);
  protected readonly state = new LoadState();
  protected readonly time = formatTime;
  protected readonly bytes = formatBytes;

  constructor() {
    reloadOnEnvironment(this.ctx, () => this.load());
  }

  protected manage(volume: DockerVolume): boolean {
    return canManage(this.ctx, volume);
  }

  protected load(): Promise<void> {
    const envId = this.ctx.envId();
    return this.state.run('the volume', async () => {
      const [volume, containers] = await Promise.all([
        this.volumes.inspect(envId, this.name()),
        this.containers.all(envId),
      ]);
      this.volume.set(volume);
      this.mounters.set(
        containers.flatMap((c) =>
          (c.Mounts ?? [])
            .filter((m) => m.Type === 'volume' && m.Name === volume.Name)
            .map((m) => ({
              name: containerName(c),
              state: c.State,
              destination: m.Destination,
            })),
        ),
      );
    });
  }

  protected remove(volume: DockerVolume): Promise<void> {
    return this.removeThenLeave({
      title: 'Remove volume',
      message: `Remove the volume ${volume.Name}? Its data is deleted.`,
      name: volume.Name,
      done: `Volume ${volume.Name} removed`,
      back: '../../volumes',
      remove: () => this.volumes.remove(this.ctx.envId(), volume.Name),
    });
  }
}
