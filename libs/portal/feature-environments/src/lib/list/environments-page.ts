import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import {
  type Environment,
  type EnvironmentGroup,
  EnvironmentsApi,
  environmentTypeLabel,
  LoadState,
  errorMessage,
} from '@capstan/portal-data-access';
import {
  CellDef,
  ConfirmService,
  DataTable,
  ListPage,
  Selection,
  ToastService,
  type TableColumn,
} from '@capstan/portal-ui';

/** Environment administration: every environment, edit links, bulk delete. */
@Component({
  selector: 'cap-environments-page',
  imports: [CellDef, DataTable, ListPage, RouterLink],
  template: `
    <cap-list-page
      title="Environments"
      subtitle="Docker and Podman engines Capstan manages, and who may use them."
      [error]="state.error()"
      searchLabel="Search environments"
      searchPlaceholder="Search environments (press /)"
      searchTestId="env-search"
      [(query)]="query"
      [selection]="selection"
      [selectableKeys]="filteredIds()"
      selectAllTestId="env-select-all"
    >
      <a listActions class="btn" routerLink="/environments/groups" data-testid="env-groups-link">Groups</a>
      <a listActions class="btn" routerLink="/environments/tags" data-testid="env-tags-link">Tags</a>
      <a
        listActions
        class="btn"
        routerLink="/environments/edge/waiting-room"
        data-testid="env-waiting-room-link"
        >Waiting room</a
      >
      <a listActions class="btn" routerLink="/environments/edge/new" data-testid="env-add-edge"
        >+ Edge agent</a
      >
      <a listActions class="btn" routerLink="/environments/edge-groups" data-testid="env-edge-link"
        >Edge compute</a
      >
      <a listActions class="btn btn-primary" routerLink="/environments/new" data-testid="env-add"
        >+ Add environment</a
      >
      <button
        listBulk
        type="button"
        class="btn btn-danger"
        data-testid="env-delete-selected"
        [disabled]="selection.size() === 0 || deleting()"
        (click)="removeSelected()"
      >
        Delete selected ({{ selection.size() }})
      </button>
    </cap-list-page>

    <cap-data-table
      caption="Environments"
      [columns]="columns"
      [rows]="filtered()"
      [loading]="state.loading()"
      [rowTestId]="rowTestId"
      [pageSize]="25"
      emptyMessage="No environment yet."
    >
      <ng-template capCell="select" [capCellOf]="filtered()" let-row>
        <input
          type="checkbox"
          [attr.aria-label]="'Select ' + row.Name"
          [attr.data-testid]="'env-select-' + row.Name"
          [checked]="selection.has(row.Id)"
          (change)="selection.toggle(row.Id, $any($event.target).checked)"
        />
      </ng-template>
      <ng-template capCell="Name" [capCellOf]="filtered()" let-row>
        <a [routerLink]="['/environments', row.Id, 'edit']" [attr.data-testid]="'env-edit-' + row.Name">{{
          row.Name
        }}</a>
      </ng-template>
      <ng-template capCell="Status" [capCellOf]="filtered()" let-row>
        <span
          class="badge"
          [class.badge-success]="row.Status === 1"
          [class.badge-danger]="row.Status !== 1"
          >{{ row.Status === 1 ? 'Up' : 'Down' }}</span
        >
      </ng-template>
      <ng-template capCell="actions" [capCellOf]="filtered()" let-row>
        <div class="row-actions">
          <a class="btn-link" [routerLink]="['/environments', row.Id, 'docker', 'dashboard']">Dashboard</a>
          <a class="btn-link" [routerLink]="['/environments', row.Id, 'edit']">Edit</a>
          @if (row.Type === 4) {
            <a
              class="btn-link"
              [routerLink]="['/environments', row.Id, 'edge']"
              [attr.data-testid]="'env-edge-' + row.Name"
              >Edge</a
            >
          }
        </div>
      </ng-template>
      <ng-template capCell="URL" [capCellOf]="filtered()" let-row>
        <span class="mono">{{ row.URL }}</span>
      </ng-template>
    </cap-data-table>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EnvironmentsPage {
  private readonly api = inject(EnvironmentsApi);
  private readonly toasts = inject(ToastService);
  private readonly confirm = inject(ConfirmService);

  protected readonly envs = signal<Environment[]>([]);
  protected readonly groups = signal<EnvironmentGroup[]>([]);
  protected readonly state = new LoadState();
  protected readonly query = signal('');
  protected readonly selection = new Selection<number>();
  protected readonly deleting = signal(false);

  private readonly groupNames = computed(() => new Map(this.groups().map((g) => [g.Id, g.Name])));
  protected readonly columns: TableColumn<Environment>[] = [
    { key: 'select', label: 'Select' },
    { key: 'Name', label: 'Name', sortable: true },
    { key: 'Status', label: 'Status', sortable: true },
    { key: 'type', label: 'Type', sortable: true, value: (e) => environmentTypeLabel(e) },
    { key: 'URL', label: 'URL', sortable: true, secondary: true },
    {
      key: 'group',
      label: 'Group',
      sortable: true,
      secondary: true,
      value: (e) => this.groupNames().get(e.GroupId) ?? '',
    },
    { key: 'actions', label: 'Actions' },
  ];
  protected readonly rowTestId = (e: Environment): string => `env-admin-row-${e.Name}`;

  protected readonly filtered = computed(() => {
    const q = this.query().trim().toLowerCase();
    return q
      ? this.envs().filter((e) => e.Name.toLowerCase().includes(q) || e.URL.toLowerCase().includes(q))
      : this.envs();
  });
  protected readonly filteredIds = computed(() => this.filtered().map((e) => e.Id));

  constructor() {
    void this.load();
  }

  protected async removeSelected(): Promise<void> {
    const ids = [...this.selection.selected()];
    const names = this.envs()
      .filter((e) => ids.includes(e.Id))
      .map((e) => e.Name);
    const ok = await this.confirm.ask({
      title: ids.length === 1 ? 'Delete environment' : `Delete ${ids.length} environments`,
      message: `Delete ${names.join(', ')}? Capstan forgets them, their access policies and snapshots; the engines and their containers are not touched.`,
      confirmLabel: 'Delete',
      danger: true,
    });
    if (!ok) return;
    this.deleting.set(true);
    try {
      const result = await this.api.removeMany(ids);
      if (result.deleted.length > 0) this.toasts.success(`${result.deleted.length} environment(s) deleted`);
      for (const failure of result.errors) {
        this.toasts.error(`Could not delete environment ${failure.id ?? ''}: ${failure.message ?? ''}`);
      }
      this.selection.clear();
      await this.load();
    } catch (error) {
      this.toasts.error(`Could not delete: ${errorMessage(error)}`);
    } finally {
      this.deleting.set(false);
    }
  }

  private async load(): Promise<void> {
    await this.state.run('the environments', async () => {
      const [page, groups] = await Promise.all([this.api.list({ sort: 'Name' }), this.api.groups()]);
      this.envs.set(page.items);
      this.groups.set(groups);
    });
  }
}
