import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import {
  ContainersApi,
  ImagesApi,
  LoadState,
  type DockerImageInspect,
  type DockerImageLayer,
  formatBytes,
  shortId,
} from '@capstan/portal-data-access';
import {
  Alert,
  CellDef,
  DataTable,
  PageHeader,
  Spinner,
  type TableColumn,
  formatTime,
} from '@capstan/portal-ui';

import { EnvironmentContext } from '../../shell/environment-context';
import { containerName } from '../../shared/docker-models';
import { PairLines, removeAndLeave } from '../shared/detail-page';
import { reloadOnEnvironment } from '../shared/reload';

/** One image: what it is, how it runs, which containers use it, and its layers (`/images/{id}/history`). */
@Component({
  selector: 'cap-image-detail-page',
  imports: [Alert, CellDef, DataTable, PageHeader, PairLines, RouterLink, Spinner],
  template: `
    <cap-page-header [title]="title()" subtitle="Image details and layers">
      <a class="btn" routerLink="../../images" data-testid="image-back">← Images</a>
      @if (image(); as img) {
        @if (!ctx.readOnly()) {
          <a
            class="btn"
            data-testid="image-detail-export"
            [attr.href]="exportUrl(img)"
            [attr.download]="exportName(img)"
            >Export</a
          >
        }
        @if (ctx.canAct(P.ResourcesManageAll)) {
          <button
            type="button"
            class="btn btn-danger"
            data-testid="image-detail-remove"
            (click)="remove(img)"
          >
            Remove
          </button>
        }
      }
    </cap-page-header>
    @if (state.error(); as message) {
      <cap-alert kind="error">{{ message }}</cap-alert>
    }
    @if (state.loading() && !image()) {
      <cap-spinner />
    }
    @if (image(); as img) {
      <div class="grid-2">
        <section class="card" data-testid="image-overview">
          <h2>Overview</h2>
          <dl>
            <dt>Id</dt>
            <dd class="mono">{{ img.Id }}</dd>
            <dt>Tags</dt>
            <dd>
              @for (t of img.RepoTags ?? []; track t) {
                <span class="badge mono">{{ t }}</span>
              } @empty {
                <span class="muted">none</span>
              }
            </dd>
            @if (img.RepoDigests?.length) {
              <dt>Digests</dt>
              <dd class="mono small">{{ img.RepoDigests?.join(', ') }}</dd>
            }
            <dt>Size</dt>
            <dd>{{ bytes(img.Size) }}</dd>
            <dt>Created</dt>
            <dd>{{ time(img.Created) }}</dd>
            <dt>Platform</dt>
            <dd>{{ img.Os ?? '?' }}/{{ img.Architecture ?? '?' }}</dd>
            @if (img.Author) {
              <dt>Author</dt>
              <dd>{{ img.Author }}</dd>
            }
            <dt>Used by</dt>
            <dd data-testid="image-used-by">
              @for (c of usedBy(); track c) {
                <span class="badge">{{ c }}</span>
              } @empty {
                <span class="muted">no container</span>
              }
            </dd>
          </dl>
        </section>
        <section class="card" data-testid="image-config">
          <h2>Run configuration</h2>
          <dl>
            <dt>Command</dt>
            <dd class="mono">{{ join(img.Config?.Cmd) || '—' }}</dd>
            <dt>Entrypoint</dt>
            <dd class="mono">{{ join(img.Config?.Entrypoint) || '—' }}</dd>
            <dt>Working dir</dt>
            <dd class="mono">{{ img.Config?.WorkingDir || '—' }}</dd>
            <dt>User</dt>
            <dd class="mono">{{ img.Config?.User || '—' }}</dd>
            <dt>Ports</dt>
            <dd class="mono">{{ keys(img.Config?.ExposedPorts) || '—' }}</dd>
            <dt>Volumes</dt>
            <dd class="mono">{{ keys(img.Config?.Volumes) || '—' }}</dd>
            <dt>Environment</dt>
            <dd>
              @for (e of img.Config?.Env ?? []; track $index) {
                <div class="mono small">{{ e }}</div>
              } @empty {
                —
              }
            </dd>
            <dt>Labels</dt>
            <dd>
              <cap-pair-lines [map]="img.Config?.Labels" [small]="true" />
            </dd>
          </dl>
        </section>
      </div>

      <h2 class="section">Layers</h2>
      <cap-data-table
        caption="Layers"
        [columns]="layerColumns"
        [rows]="layers()"
        [pageSize]="50"
        [rowTestId]="layerTestId"
        emptyMessage="No history."
      >
        <ng-template capCell="CreatedBy" [capCellOf]="layers()" let-row>
          <code class="cmd">{{ command(row.CreatedBy) || row.Comment }}</code>
        </ng-template>
        <ng-template capCell="Size" [capCellOf]="layers()" let-row>{{ bytes(row.Size) }}</ng-template>
        <ng-template capCell="Created" [capCellOf]="layers()" let-row>{{ time(row.Created) }}</ng-template>
      </cap-data-table>
    }
  `,
  styleUrl: '../shared/detail-page.css',
  styles: `
    dd {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem;
      flex-direction: column;
      align-items: flex-start;
    }
    .cmd {
      white-space: pre-wrap;
      overflow-wrap: anywhere;
      font-size: 0.8rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ImageDetailPage {
  protected readonly ctx = inject(EnvironmentContext);
  private readonly images = inject(ImagesApi);
  private readonly containers = inject(ContainersApi);
  private readonly removeThenLeave = removeAndLeave();
  protected readonly P = Permission;
  /** The `:id` route parameter (an image id or name). */
  readonly id = input.required<string>();

  protected readonly image = signal<DockerImageInspect | null>(null);
  protected readonly layers = signal<(DockerImageLayer & { index: number })[]>([]);
  protected readonly usedBy = signal<string[]>([]);
  protected readonly state = new LoadState();
  protected readonly title = computed(() => {
    const img = this.image();
    return img ? (img.RepoTags?.[0] ?? shortId(img.Id)) : 'Image';
  });
  protected readonly layerColumns: TableColumn<DockerImageLayer & { index: number }>[] = [
    { key: 'index', label: '#', sortable: true },
    { key: 'CreatedBy', label: 'Instruction' },
    { key: 'Size', label: 'Size', sortable: true, value: (l) => l.Size },
    { key: 'Created', label: 'Created', secondary: true, value: (l) => l.Created },
  ];
  protected readonly layerTestId = (l: { index: number }): string => `image-layer-${l.index}`;
  protected readonly bytes = formatBytes;
  protected readonly time = formatTime;

  constructor() {
    reloadOnEnvironment(this.ctx, () => this.load());
  }

  protected load(): Promise<void> {
    const envId = this.ctx.envId();
    const id = this.id();
    return this.state.run('the image', async () => {
      const [image, history, containers] = await Promise.all([
        this.images.inspectById(envId, id),
        this.images.history(envId, id),
        this.containers.all(envId),
      ]);
      this.image.set(image);
      // The engine lists the newest layer first; number them from the base up.
      this.layers.set(history.map((l, i) => ({ ...l, index: history.length - i })));
      this.usedBy.set(containers.filter((c) => c.ImageID === image.Id).map((c) => containerName(c)));
    });
  }

  protected exportUrl(img: DockerImageInspect): string {
    return this.images.exportUrl(this.ctx.envId(), img.RepoTags?.[0] ?? img.Id);
  }

  protected exportName(img: DockerImageInspect): string {
    return `${(img.RepoTags?.[0] ?? shortId(img.Id)).replace(/[/:@]+/g, '_')}.tar`;
  }

  protected remove(img: DockerImageInspect): Promise<void> {
    const name = img.RepoTags?.[0] ?? shortId(img.Id);
    const users = this.usedBy();
    return this.removeThenLeave({
      title: 'Remove image',
      message: users.length
        ? `Remove ${name} and all its tags? It is used by ${users.join(', ')}; the engine refuses while one of them runs.`
        : `Remove ${name} and all its tags?`,
      name,
      done: `Removed ${name}`,
      back: '../../images',
      // By id with force: every tag goes (a plain remove refuses an image with several tags).
      remove: () => this.images.remove(this.ctx.envId(), img.Id, { force: true }),
    });
  }

  protected join(list: string[] | null | undefined): string {
    return (list ?? []).join(' ');
  }

  protected keys(map: Record<string, unknown> | null | undefined): string {
    return Object.keys(map ?? {}).join(', ');
  }

  /** `/bin/sh -c #(nop) CMD ["sh"]` → `CMD ["sh"]`; shell steps keep their command. */
  protected command(createdBy: string): string {
    return createdBy.replace(/^\/bin\/sh -c #\(nop\)\s*/, '').replace(/^\/bin\/sh -c /, 'RUN ');
  }
}
