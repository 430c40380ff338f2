import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import {
  ContainersApi,
  VolumesApi,
  DockerEnvironmentApi,
  SessionStore,
  type KeyValue,
  type PortainerDecoration,
  type VolumeRow,
  LoadState,
  DialogForm,
  errorMessage,
  formatBytes,
  timeValue,
  volumeCreateBody,
  volumeFormErrors,
  volumeUsage,
} from '@capstan/portal-data-access';
import {
  Alert,
  CellDef,
  ConfirmService,
  DataTable,
  FormControlDirective,
  FormField,
  ListPage,
  ToastService,
  type TableColumn,
  formatTime,
  FormDialog,
} from '@capstan/portal-ui';

import { EnvironmentContext } from '../../shell/environment-context';
import {
  NodeFilter,
  UnreachableNodes,
  agentNode,
  matchesNode,
  nodeNamesOf,
  withNodeColumn,
} from '../../swarm/node-column';
import { KeyValueEditor } from '../shared/key-value-editor';
import {
  type OwnershipForm,
  OwnershipChoice,
  PRIVATE_OWNERSHIP,
  applyOwnershipAfterCreate,
  ownershipError,
  ownershipLabel,
} from '../shared/ownership';
import { canManage } from '../shared/permissions';
import { reloadOnEnvironment } from '../shared/reload';

/** Volumes: list with the containers that mount them, create (driver, options, labels), remove, prune. */
@Component({
  selector: 'cap-volumes-page',
  imports: [
    FormDialog,
    ListPage,
    NodeFilter,
    UnreachableNodes,
    Alert,
    CellDef,
    DataTable,
    FormField,
    FormControlDirective,
    KeyValueEditor,
    OwnershipChoice,
    RouterLink,
  ],
  template: `
    <cap-list-page
      title="Volumes"
      subtitle="Named and anonymous volumes, and who mounts them."
      [error]="state.error()"
      searchLabel="Search volumes"
      searchPlaceholder="Search by name, driver or container (press /)"
      searchTestId="volume-search"
      [(query)]="query"
      refreshTestId="volume-refresh"
      (refresh)="load()"
    >
      @if (ctx.canAct(P.ResourcesCreate)) {
        <button
          listActions
          type="button"
          class="btn btn-primary"
          data-testid="volume-create"
          (click)="openCreate()"
        >
          + Add volume
        </button>
      }
      @if (ctx.canAct(P.ResourcesManageAll)) {
        <button listActions type="button" class="btn" data-testid="volume-prune" (click)="prune()">
          Prune unused
        </button>
      }
      <div listNotices>
        <cap-unreachable-nodes what="volumes" testId="volume-unreachable" [nodes]="unreachable()" />
        @for (w of warnings(); track $index) {
          <cap-alert kind="warning">{{ w }}</cap-alert>
        }
      </div>
      <cap-node-filter listFilters testId="volume-node-filter" [nodes]="nodes()" [(value)]="node" />
    </cap-list-page>

    <cap-data-table
      caption="Volumes"
      [columns]="shownColumns()"
      [rows]="filtered()"
      [loading]="state.loading()"
      [rowTestId]="rowTestId"
      [pageSize]="25"
      emptyMessage="No volumes."
    >
      <ng-template capCell="Name" [capCellOf]="filtered()" let-row>
        <a
          class="mono name"
          [routerLink]="['..', 'volumes', row.Name]"
          [attr.data-testid]="'volume-link-' + row.Name"
        >
          {{ row.Name }}
        </a>
      </ng-template>
      <ng-template capCell="Mountpoint" [capCellOf]="filtered()" let-row>
        <span class="mono small">{{ row.Mountpoint }}</span>
      </ng-template>
      <ng-template capCell="CreatedAt" [capCellOf]="filtered()" let-row>{{
        time(row.CreatedAt)
      }}</ng-template>
      <ng-template capCell="usedBy" [capCellOf]="filtered()" let-row>
        @for (c of row.usedBy; track $index) {
          <span class="badge">{{ c }}</span>
        } @empty {
          <span class="badge" [attr.data-testid]="'volume-unused-' + row.Name">Unused</span>
        }
      </ng-template>
      <ng-template capCell="actions" [capCellOf]="filtered()" let-row>
        @if (browsable()) {
          <a
            class="btn-link"
            [routerLink]="['..', 'volumes', row.Name, 'browse']"
            [queryParams]="browseQuery(row)"
            [attr.data-testid]="'volume-browse-' + row.Name"
            [attr.aria-label]="'Browse the files of ' + row.Name"
          >
            Browse
          </a>
        }
        @if (manage(row)) {
          <button
            type="button"
            class="btn-link danger"
            [attr.data-testid]="'volume-remove-' + row.Name"
            (click)="remove(row)"
          >
            Remove
          </button>
        }
      </ng-template>
    </cap-data-table>

    @if (dialog.open()) {
      <cap-form-dialog
        title="Add a volume"
        testId="volume-dialog"
        formId="volume-form"
        submitTestId="volume-save"
        label="Create"
        busyLabel="Creating…"
        [busy]="dialog.busy()"
        [error]="dialog.error()"
        (submitted)="create()"
        (closed)="dialog.close()"
      >
        <cap-form-field label="Name" hint="Leave empty to let the engine name it." [error]="shown().name">
          <input
            capControl
            class="input mono"
            name="name"
            autocomplete="off"
            data-testid="volume-name"
            [value]="name()"
            (input)="name.set($any($event.target).value)"
          />
        </cap-form-field>
        <cap-form-field label="Driver" hint="local unless a volume plugin is installed.">
          <input
            capControl
            class="input mono"
            name="driver"
            autocomplete="off"
            list="volume-drivers"
            data-testid="volume-driver"
            [value]="driver()"
            (input)="driver.set($any($event.target).value)"
          />
          <datalist id="volume-drivers">
            @for (d of drivers(); track d) {
              <option [value]="d"></option>
            }
          </datalist>
        </cap-form-field>
        <cap-key-value-editor
          legend="Driver options"
          testId="volume-opt"
          keyLabel="option (e.g. type)"
          addLabel="Add option"
          [error]="shown().driverOpts"
          [(pairs)]="driverOpts"
        />
        <cap-key-value-editor legend="Labels" testId="volume-label" addLabel="Add label" [(pairs)]="labels" />
        <cap-ownership-choice testId="volume-ownership" [error]="ownershipShown()" [(value)]="ownership" />
      </cap-form-dialog>
    }
  `,
  styles: `
    .name,
    .small {
      overflow-wrap: anywhere;
    }
    .small {
      font-size: 0.8rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class VolumesPage {
  protected readonly ctx = inject(EnvironmentContext);
  private readonly volumesApi = inject(VolumesApi);
  private readonly containersApi = inject(ContainersApi);
  private readonly toasts = inject(ToastService);
  private readonly confirm = inject(ConfirmService);
  protected readonly P = Permission;
  protected readonly time = formatTime;

  protected readonly columns: TableColumn<VolumeRow>[] = [
    { key: 'Name', label: 'Name', sortable: true },
    { key: 'Driver', label: 'Driver', sortable: true },
    { key: 'Mountpoint', label: 'Mount point', secondary: true },
    {
      key: 'CreatedAt',
      label: 'Created',
      sortable: true,
      secondary: true,
      value: (v) => timeValue(v.CreatedAt),
    },
    { key: 'usedBy', label: 'Used by', sortable: true, value: (v) => v.usedBy.join(', ') },
    { key: 'ownership', label: 'Ownership', sortable: true, secondary: true, value: ownershipLabel },
    { key: 'actions', label: 'Actions' },
  ];
  protected readonly rowTestId = (v: VolumeRow): string => `volume-row-${v.Name}`;

  protected readonly volumes = signal<VolumeRow[]>([]);
  protected readonly warnings = signal<string[]>([]);
  /** Swarm nodes missing from the last list (their agents did not answer). */
  protected readonly unreachable = signal<string[]>([]);
  protected readonly state = new LoadState();
  protected readonly query = signal('');
  protected readonly filtered = computed(() => {
    const node = this.node();
    const q = this.query().trim().toLowerCase();
    if (!q) return this.volumes().filter((x) => matchesNode(x, node));
    return this.volumes()
      .filter((x) => matchesNode(x, node))
      .filter(
        (v) =>
          v.Name.toLowerCase().includes(q) ||
          v.Driver.toLowerCase().includes(q) ||
          v.usedBy.some((c) => c.toLowerCase().includes(q)),
      );
  });
  protected readonly node = signal('');
  protected readonly nodes = computed(() => nodeNamesOf(this.volumes()));
  protected readonly shownColumns = computed(() => withNodeColumn(this.columns, this.nodes().length > 0));
  protected readonly drivers = computed(() => [
    ...new Set(['local', ...this.volumes().map((v) => v.Driver)]),
  ]);

  protected readonly dialog = new DialogForm();
  protected readonly name = signal('');
  protected readonly driver = signal('local');
  protected readonly driverOpts = signal<KeyValue[]>([]);
  protected readonly labels = signal<KeyValue[]>([]);
  protected readonly ownership = signal<OwnershipForm>(PRIVATE_OWNERSHIP);
  protected readonly ownershipShown = computed(() =>
    this.dialog.submitted() ? ownershipError(this.ownership()) : null,
  );
  private readonly envApi = inject(DockerEnvironmentApi);
  private readonly session = inject(SessionStore);
  private readonly form = computed(() => ({
    name: this.name(),
    driver: this.driver(),
    driverOpts: this.driverOpts(),
    labels: this.labels(),
  }));
  protected readonly shown = computed(() => (this.dialog.submitted() ? volumeFormErrors(this.form()) : {}));

  constructor() {
    reloadOnEnvironment(this.ctx, () => this.load());
  }

  async load(): Promise<void> {
    const envId = this.ctx.envId();
    await this.state.run('the volumes', async () => {
      const [volumes, containers] = await Promise.all([
        this.volumesApi.list(envId),
        this.containersApi.all(envId),
      ]);
      this.ctx.noteSource(volumes.snapshotTime);
      this.unreachable.set(volumes.unreachableNodes);
      this.volumes.set(volumeUsage(volumes.body.Volumes ?? [], containers));
      this.warnings.set(volumes.body.Warnings ?? []);
    });
  }

  /** The agent's volume browser (the server decides which volumes; a refusal shows on the browser page). */
  protected readonly browsable = computed(() => this.ctx.volumeBrowse() !== 'none' && !this.ctx.readOnly());

  /** On a Swarm agent, the node that holds the volume (the list's Portainer.Agent.NodeName tag). */
  protected browseQuery(volume: VolumeRow): Record<string, string> {
    const node = agentNode(volume);
    return node ? { node } : {};
  }

  protected manage(volume: VolumeRow): boolean {
    return canManage(this.ctx, volume);
  }

  protected openCreate(): void {
    this.dialog.show(() => {
      this.name.set('');
      this.driver.set('local');
      this.driverOpts.set([]);
      this.labels.set([]);
      this.ownership.set(PRIVATE_OWNERSHIP);
    });
  }

  protected async create(): Promise<void> {
    await this.dialog.submit(
      () => Object.keys(this.shown()).length > 0 || !!this.ownershipShown(),
      async () => {
        const created = await this.volumesApi.create(this.ctx.envId(), volumeCreateBody(this.form()));
        this.toasts.success(`Volume ${created.Name} created`);
        this.dialog.close();
        await this.setOwnership(created, created.Name);
        await this.load();
      },
    );
  }

  private setOwnership(created: PortainerDecoration, name: string): Promise<void> {
    const me = this.session.user()?.Id ?? 0;
    return applyOwnershipAfterCreate(this.envApi, this.toasts, created, this.ownership(), me, name);
  }

  protected async remove(volume: VolumeRow): Promise<void> {
    const ok = await this.confirm.ask({
      title: 'Remove volume',
      message: volume.usedBy.length
        ? `The volume ${volume.Name} is mounted by ${volume.usedBy.join(', ')}; the engine refuses while a container uses it. Remove it anyway?`
        : `Remove the volume ${volume.Name}? Its data is deleted.`,
      confirmLabel: 'Remove',
      danger: true,
    });
    if (!ok) return;
    try {
      await this.volumesApi.remove(this.ctx.envId(), volume.Name);
      this.toasts.success(`Volume ${volume.Name} removed`);
      await this.load();
    } catch (error) {
      this.toasts.error(`Could not remove ${volume.Name}: ${errorMessage(error)}`);
    }
  }

  protected async prune(): Promise<void> {
    const ok = await this.confirm.ask({
      title: 'Prune volumes',
      message: 'Remove every volume that no container uses? Their data is deleted.',
      confirmLabel: 'Prune',
      danger: true,
    });
    if (!ok) return;
    try {
      const result = await this.volumesApi.prune(this.ctx.envId());
      const n = result.VolumesDeleted?.length ?? 0;
      this.toasts.success(
        `Pruned ${n} volume${n === 1 ? '' : 's'}, ${formatBytes(result.SpaceReclaimed)} reclaimed`,
      );
      await this.load();
    } catch (error) {
      this.toasts.error(`Could not prune: ${errorMessage(error)}`);
    }
  }
}
