import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import {
  ContainersApi,
  ImagesApi,
  type ImageRow,
  LoadState,
  DialogForm,
  formatBytes,
  imageUsage,
  isImageReference,
  shortId,
  splitImageReference,
  type ImageOrigins,
  RegistriesApi,
  type Registry,
} from '@capstan/portal-data-access';
import {
  Alert,
  CellDef,
  DataTable,
  FormControlDirective,
  FormField,
  ListPage,
  ToastService,
  type TableColumn,
  formatTime,
  ImageRef,
  FormDialog,
} from '@capstan/portal-ui';

import { EnvironmentContext } from '../../shell/environment-context';
import {
  NodeFilter,
  UnreachableNodes,
  matchesNode,
  nodeNamesOf,
  withNodeColumn,
} from '../../swarm/node-column';
import { reloadOnEnvironment } from '../shared/reload';
import { ImageImportDialog } from './image-import-dialog';
import { ImagePullDialog } from './image-pull-dialog';

type UsageFilter = 'all' | 'used' | 'unused';
type ImageDialog =
  | { kind: 'pull' }
  | { kind: 'import' }
  | { kind: 'remove'; image: ImageRow }
  | { kind: 'tag'; image: ImageRow }
  | { kind: 'prune' };

/** The test id / display name of an image: its first tag, else its short id. */
export function imageLabel(image: Pick<ImageRow, 'tags' | 'Id'>): string {
  return image.tags[0] ?? shortId(image.Id);
}

/** Images of the environment: usage from the containers, pull, import, export, tag, remove, prune. */
@Component({
  selector: 'cap-images-page',
  imports: [
    FormDialog,
    ListPage,
    ImageRef,
    NodeFilter,
    UnreachableNodes,
    Alert,
    CellDef,
    DataTable,
    FormField,
    FormControlDirective,
    RouterLink,
    ImagePullDialog,
    ImageImportDialog,
  ],
  template: `
    <cap-list-page
      title="Images"
      subtitle="Images on this engine, and the containers that use them."
      [error]="state.error()"
      searchLabel="Search images"
      searchPlaceholder="Search by name, tag or id (press /)"
      searchTestId="image-search"
      [(query)]="query"
      refreshTestId="image-refresh"
      (refresh)="load()"
    >
      @if (ctx.canAct(P.ResourcesCreate)) {
        <span listActions class="actions">
          <button
            type="button"
            class="btn btn-primary"
            data-testid="image-pull"
            (click)="open({ kind: 'pull' })"
          >
            ↓ Pull
          </button>
          <button type="button" class="btn" data-testid="image-import" (click)="open({ kind: 'import' })">
            Import
          </button>
        </span>
      }
      @if (ctx.canAct(P.ResourcesManageAll)) {
        <button
          listActions
          type="button"
          class="btn"
          data-testid="image-prune"
          (click)="open({ kind: 'prune' })"
        >
          Prune
        </button>
      }
      <cap-unreachable-nodes listNotices what="images" testId="image-unreachable" [nodes]="unreachable()" />
      <cap-node-filter listFilters testId="image-node-filter" [nodes]="nodes()" [(value)]="node" />
      <label listFilters>
        <span class="sr-only">Usage</span>
        <select
          class="input"
          data-testid="image-usage-filter"
          (change)="usage.set($any($event.target).value)"
        >
          <option value="all" [selected]="usage() === 'all'">All images</option>
          <option value="used" [selected]="usage() === 'used'">In use</option>
          <option value="unused" [selected]="usage() === 'unused'">Unused</option>
        </select>
      </label>
      <span listFilters class="muted total" data-testid="image-total">{{ totalText() }}</span>
    </cap-list-page>

    <cap-data-table
      caption="Images"
      [columns]="shownColumns()"
      [rows]="filtered()"
      [loading]="state.loading()"
      [rowTestId]="rowTestId"
      [pageSize]="25"
      emptyMessage="No images."
    >
      <ng-template capCell="tags" [capCellOf]="filtered()" let-row>
        <a
          class="name"
          [routerLink]="['..', 'images', row.Id]"
          [attr.data-testid]="'image-link-' + label(row)"
        >
          @if (row.tags.length) {
            @for (t of row.tags; track $index) {
              <cap-image-ref class="tag" [ref]="t" />
            }
          } @else {
            <span class="muted mono">&lt;none&gt;</span>
          }
        </a>
        @if (origins()[row.Id]; as o) {
          <span class="muted origin" [attr.data-testid]="'image-registry-' + label(row)" [title]="o.Reference"
            >from {{ o.RegistryName }}</span
          >
        }
      </ng-template>
      <ng-template capCell="Id" [capCellOf]="filtered()" let-row>
        <span class="mono">{{ short(row.Id) }}</span>
      </ng-template>
      <ng-template capCell="Size" [capCellOf]="filtered()" let-row>{{ bytes(row.Size) }}</ng-template>
      <ng-template capCell="Created" [capCellOf]="filtered()" let-row>{{ time(row.Created) }}</ng-template>
      <ng-template capCell="usage" [capCellOf]="filtered()" let-row>
        <span
          class="badge"
          [class.badge-success]="row.inUse"
          [attr.data-testid]="'image-usage-' + label(row)"
          [attr.title]="row.inUse ? 'Used by ' + row.usedBy.join(', ') : 'No container uses this image'"
        >
          {{ row.inUse ? 'In use' : 'Unused' }}
        </span>
      </ng-template>
      <ng-template capCell="actions" [capCellOf]="filtered()" let-row>
        <div class="row-actions">
          @if (ctx.canAct(P.ResourcesCreate)) {
            <button
              type="button"
              class="btn-link"
              [attr.data-testid]="'image-tag-' + label(row)"
              (click)="open({ kind: 'tag', image: row })"
            >
              Tag
            </button>
          }
          @if (!ctx.readOnly()) {
            <a
              class="btn-link"
              [attr.href]="exportUrl(row)"
              [attr.download]="exportFileName(row)"
              [attr.data-testid]="'image-export-' + label(row)"
              >Export</a
            >
          }
          @if (ctx.canAct(P.ResourcesManageAll)) {
            <button
              type="button"
              class="btn-link danger"
              [attr.data-testid]="'image-remove-' + label(row)"
              (click)="open({ kind: 'remove', image: row })"
            >
              Remove
            </button>
          }
        </div>
      </ng-template>
    </cap-data-table>

    @if (dialog(); as d) {
      @switch (d.kind) {
        @case ('pull') {
          <cap-image-pull-dialog
            [envId]="ctx.envId()"
            [registries]="registries()"
            (closed)="close()"
            (pulled)="afterPull($event)"
          />
        }
        @case ('import') {
          <cap-image-import-dialog [envId]="ctx.envId()" (closed)="close()" (imported)="load()" />
        }
        @case ('remove') {
          <cap-form-dialog
            [title]="'Remove ' + label(d.image)"
            testId="image-remove-dialog"
            formId="image-remove-form"
            submitTestId="image-remove-confirm"
            label="Remove"
            busyLabel="Removing…"
            [busy]="form.busy()"
            [error]="form.error()"
            (submitted)="remove(d.image)"
            (closed)="close()"
          >
            <p>
              Remove the image <strong class="mono">{{ label(d.image) }}</strong>
              @if (d.image.tags.length > 1) {
                and its {{ d.image.tags.length }} tags
              }
              ?
            </p>
            @if (d.image.inUse) {
              <cap-alert kind="warning">Used by {{ d.image.usedBy.join(', ') }}.</cap-alert>
            }
            <label class="check">
              <input
                type="checkbox"
                data-testid="image-remove-force"
                [checked]="force()"
                (change)="force.set($any($event.target).checked)"
              />
              Force (untag every name, remove even if a stopped container uses it)
            </label>
          </cap-form-dialog>
        }
        @case ('tag') {
          <cap-form-dialog
            [title]="'Tag ' + label(d.image)"
            testId="image-tag-dialog"
            formId="image-tag-form"
            submitTestId="image-tag-save"
            label="Tag"
            [busy]="form.busy()"
            [error]="form.error()"
            (submitted)="tag(d.image)"
            (closed)="close()"
          >
            <cap-form-field
              label="New name"
              hint="repository[:tag], e.g. registry:5000/team/app:1.2"
              [required]="true"
              [error]="tagError()"
            >
              <input
                capControl
                class="input mono"
                name="tag"
                autocomplete="off"
                data-testid="image-tag-name"
                [value]="newTag()"
                (input)="newTag.set($any($event.target).value)"
              />
            </cap-form-field>
          </cap-form-dialog>
        }
        @case ('prune') {
          <cap-form-dialog
            title="Prune images"
            testId="image-prune-dialog"
            formId="image-prune-form"
            submitTestId="image-prune-confirm"
            label="Prune"
            busyLabel="Pruning…"
            [busy]="form.busy()"
            [error]="form.error()"
            (submitted)="prune()"
            (closed)="close()"
          >
            <fieldset class="choices">
              <legend>Remove</legend>
              <label class="check">
                <input
                  type="radio"
                  name="prune"
                  value="dangling"
                  data-testid="image-prune-dangling"
                  [checked]="!pruneAll()"
                  (change)="pruneAll.set(false)"
                />
                Dangling images only (untagged, no container)
              </label>
              <label class="check">
                <input
                  type="radio"
                  name="prune"
                  value="all"
                  data-testid="image-prune-all"
                  [checked]="pruneAll()"
                  (change)="pruneAll.set(true)"
                />
                Every image no container uses
              </label>
            </fieldset>
            @if (pruneResult(); as r) {
              <cap-alert kind="success" testId="image-prune-result">{{ r }}</cap-alert>
            }
          </cap-form-dialog>
        }
      }
    }
  `,
  styles: `
    .actions {
      display: contents;
    }
    .total {
      align-self: center;
      margin-left: auto;
    }
    .origin {
      display: block;
      font-size: 0.75rem;
    }
    .name {
      display: inline-flex;
      flex-wrap: wrap;
      gap: 0.1rem 0.6rem;
      overflow-wrap: anywhere;
    }
    .check {
      display: flex;
      gap: 0.5rem;
      align-items: baseline;
      margin: 0.4rem 0;
    }
    .choices {
      border: 0;
      padding: 0;
      margin: 0 0 1rem;
    }
    legend {
      font-weight: 600;
      font-size: 0.9rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ImagesPage {
  protected readonly ctx = inject(EnvironmentContext);
  private readonly imagesApi = inject(ImagesApi);
  private readonly registriesApi = inject(RegistriesApi);
  /** The stored registries the user may use here, offered by the pull dialog (loaded when it opens). */
  protected readonly registries = signal<Registry[]>([]);
  /** Which stored registry each image came from (shown under its tags). */
  protected readonly origins = signal<ImageOrigins>({});
  private readonly containers = inject(ContainersApi);
  private readonly toasts = inject(ToastService);
  protected readonly P = Permission;
  protected readonly label = imageLabel;
  protected readonly short = shortId;

  protected readonly columns: TableColumn<ImageRow>[] = [
    { key: 'tags', label: 'Name', sortable: true, value: (r) => imageLabel(r) },
    { key: 'Id', label: 'Id', sortable: true, secondary: true },
    { key: 'Size', label: 'Size', sortable: true, value: (r) => r.Size },
    { key: 'Created', label: 'Created', sortable: true, secondary: true, value: (r) => r.Created },
    { key: 'usage', label: 'Usage', sortable: true, value: (r) => (r.inUse ? 'In use' : 'Unused') },
    { key: 'actions', label: 'Actions' },
  ];
  protected readonly rowTestId = (r: ImageRow): string => `image-row-${imageLabel(r)}`;

  protected readonly images = signal<ImageRow[]>([]);
  /** Swarm nodes missing from the last list (their agents did not answer). */
  protected readonly unreachable = signal<string[]>([]);
  protected readonly state = new LoadState();
  protected readonly query = signal('');
  protected readonly usage = signal<UsageFilter>('all');
  protected readonly filtered = computed(() => {
    const node = this.node();
    const q = this.query().trim().toLowerCase();
    const usage = this.usage();
    return this.images()
      .filter((x) => matchesNode(x, node))
      .filter(
        (i) =>
          (usage === 'all' || (usage === 'used') === i.inUse) &&
          (!q || i.Id.toLowerCase().includes(q) || i.tags.some((t) => t.toLowerCase().includes(q))),
      );
  });
  protected readonly node = signal('');
  protected readonly nodes = computed(() => nodeNamesOf(this.images()));
  protected readonly shownColumns = computed(() => withNodeColumn(this.columns, this.nodes().length > 0));
  protected readonly totalText = computed(() => {
    const all = this.images();
    const size = all.reduce((sum, i) => sum + i.Size, 0);
    return `${all.length} images, ${formatBytes(size)}`;
  });

  protected readonly dialog = signal<ImageDialog | null>(null);
  protected readonly form = new DialogForm();
  protected readonly force = signal(false);
  protected readonly newTag = signal('');
  protected readonly pruneAll = signal(false);
  protected readonly pruneResult = signal<string | null>(null);
  protected readonly tagError = computed(() => {
    if (!this.form.submitted()) return null;
    const t = this.newTag().trim();
    if (!t) return 'Enter a name.';
    return isImageReference(t) && !t.includes('@') ? null : 'Not a valid name[:tag] (lower case).';
  });

  constructor() {
    reloadOnEnvironment(this.ctx, () => this.load());
  }

  async load(): Promise<void> {
    const envId = this.ctx.envId();
    if (!envId) return;
    await this.state.run('the images', async () => {
      const [images, containers] = await Promise.all([
        this.imagesApi.list(envId),
        this.containers.all(envId),
      ]);
      this.ctx.noteSource(images.snapshotTime);
      this.unreachable.set(images.unreachableNodes);
      this.images.set(imageUsage(images.body, containers));
    });
    this.registriesApi
      .imageRegistries(envId)
      .then((o) => this.origins.set(o))
      .catch(() => this.origins.set({}));
  }

  protected open(dialog: ImageDialog): void {
    this.form.show(() => {
      this.force.set(false);
      this.pruneResult.set(null);
      this.pruneAll.set(false);
      this.newTag.set(dialog.kind === 'tag' ? (dialog.image.tags[0] ?? '') : '');
    });
    this.dialog.set(dialog);
    if (dialog.kind === 'pull')
      this.registriesApi
        .forEnvironment(this.ctx.envId())
        .then((list) => this.registries.set(list))
        .catch(() => this.registries.set([]));
  }

  protected close(): void {
    this.form.close();
    this.dialog.set(null);
  }

  protected afterPull(reference: string): void {
    this.toasts.success(`Pulled ${reference}`);
    void this.load();
  }

  protected exportUrl(image: ImageRow): string {
    return this.imagesApi.exportUrl(this.ctx.envId(), image.tags[0] ?? image.Id);
  }

  protected exportFileName(image: ImageRow): string {
    return `${imageLabel(image).replace(/[/:@]+/g, '_')}.tar`;
  }

  protected async remove(image: ImageRow): Promise<void> {
    await this.form.submit(
      () => false,
      async () => {
        await this.imagesApi.remove(this.ctx.envId(), image.Id, { force: this.force() });
        this.toasts.success(`Removed ${imageLabel(image)}`);
        this.close();
        await this.load();
      },
    );
  }

  protected async tag(image: ImageRow): Promise<void> {
    await this.form.submit(
      () => !!this.tagError(),
      async () => {
        const { fromImage, tag } = splitImageReference(this.newTag());
        await this.imagesApi.tag(this.ctx.envId(), image.Id, { repo: fromImage, tag });
        this.toasts.success(`Tagged ${imageLabel(image)} as ${fromImage}:${tag}`);
        this.close();
        await this.load();
      },
    );
  }

  protected async prune(): Promise<void> {
    await this.form.submit(
      () => false,
      async () => {
        const result = await this.imagesApi.prune(this.ctx.envId(), this.pruneAll());
        const deleted = (result.ImagesDeleted ?? []).filter((d) => d.Deleted).length;
        const text = `${deleted} image layer${deleted === 1 ? '' : 's'} deleted, ${formatBytes(result.SpaceReclaimed)} reclaimed`;
        this.pruneResult.set(text);
        this.toasts.success(`Pruned: ${text}`);
        await this.load();
      },
    );
  }

  protected readonly time = formatTime;
  protected readonly bytes = formatBytes;
}
