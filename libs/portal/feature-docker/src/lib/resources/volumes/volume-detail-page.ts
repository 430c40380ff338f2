import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import {
  ContainersApi,
  VolumesApi,
  type DockerVolume,
  errorMessage,
  formatBytes,
} from '@capstan/portal-data-access';
import { Alert, ConfirmService, PageHeader, Spinner, ToastService, formatTime } from '@capstan/portal-ui';

import { EnvironmentContext } from '../../shell/environment-context';
import { canManage } from '../shared/permissions';
import { reloadOnEnvironment } from '../shared/reload';

interface Mounter {
  name: string;
  state: string;
  destination: string;
}

/** One volume: its inspect data and the containers that mount it (and where). */
@Component({
  selector: 'cap-volume-detail-page',
  imports: [Alert, PageHeader, RouterLink, Spinner],
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
    @if (error(); as message) {
      <cap-alert kind="error">{{ message }}</cap-alert>
    }
    @if (loading() && !volume()) {
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
              @for (o of options(); track o[0]) {
                <div class="mono">{{ o[0] }}={{ o[1] }}</div>
              } @empty {
                —
              }
            </dd>
            <dt>Labels</dt>
            <dd>
              @for (l of labels(); track l[0]) {
                <div class="mono">{{ l[0] }}={{ l[1] }}</div>
              } @empty {
                —
              }
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
  styles: `
    /* Side by side: no stacking gap between the cards of the grid (the global .card + .card adds one). */
    .grid-2 > .card + .card {
      margin-top: 0;
    }
    dl {
      display: grid;
      grid-template-columns: minmax(6rem, max-content) minmax(0, 1fr);
      gap: 0.4rem 1rem;
      margin: 0;
    }
    dt {
      color: var(--text-muted);
      font-weight: 600;
    }
    dd {
      margin: 0;
      overflow-wrap: anywhere;
    }
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
  private readonly confirm = inject(ConfirmService);
  private readonly toasts = inject(ToastService);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  /** The `:name` route parameter. */
  readonly name = input.required<string>();
  protected readonly id = computed(() => this.name());

  protected readonly volume = signal<DockerVolume | null>(null);
  protected readonly mounters = signal<Mounter[]>([]);
  protected readonly loading = signal(true);
  protected readonly error = signal<string | null>(null);
  protected readonly options = computed(() => Object.entries(this.volume()?.Options ?? {}));
  protected readonly labels = computed(() => Object.entries(this.volume()?.Labels ?? {}));
  protected readonly time = formatTime;
  protected readonly bytes = formatBytes;

  constructor() {
    reloadOnEnvironment(this.ctx, () => this.load());
  }

  protected manage(volume: DockerVolume): boolean {
    return canManage(this.ctx, volume);
  }

  protected async load(): Promise<void> {
    const envId = this.ctx.envId();
    this.loading.set(true);
    try {
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
              name: (c.Names[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''),
              state: c.State,
              destination: m.Destination,
            })),
        ),
      );
      this.error.set(null);
    } catch (error) {
      this.error.set(`Could not load the volume: ${errorMessage(error)}`);
    } finally {
      this.loading.set(false);
    }
  }

  protected async remove(volume: DockerVolume): Promise<void> {
    const ok = await this.confirm.ask({
      title: 'Remove volume',
      message: `Remove the volume ${volume.Name}? Its data is deleted.`,
      confirmLabel: 'Remove',
      danger: true,
    });
    if (!ok) return;
    try {
      await this.volumes.remove(this.ctx.envId(), volume.Name);
      this.toasts.success(`Volume ${volume.Name} removed`);
      await this.router.navigate(['../../volumes'], { relativeTo: this.route });
    } catch (error) {
      this.toasts.error(`Could not remove ${volume.Name}: ${errorMessage(error)}`);
    }
  }
}
