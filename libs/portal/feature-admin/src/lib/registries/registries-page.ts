import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import {
  LoadState,
  RegistriesApi,
  type Registry,
  errorMessage,
  registryTypeLabel,
} from '@capstan/portal-data-access';
import { CellDef, DataTable, ListPage, type TableColumn, confirmedAction } from '@capstan/portal-ui';

/** Registries: Portainer's list (name, type, address, login), with browse, access and delete per row. */
@Component({
  selector: 'cap-registries-page',
  imports: [ListPage, CellDef, DataTable, RouterLink],
  template: `
    <cap-list-page
      title="Registries"
      subtitle="Stored registry logins, used for every pull, push and deploy on the environments you choose."
      [error]="state.error()"
      searchLabel="Search registries"
      searchPlaceholder="Search registries (press /)"
      [(query)]="query"
      (refresh)="load()"
    >
      <a listActions class="btn btn-primary" routerLink="/admin/registries/new" data-testid="registry-create">
        + Add registry
      </a>
    </cap-list-page>

    <cap-data-table
      caption="Registries"
      [columns]="columns"
      [rows]="filtered()"
      [loading]="state.loading()"
      [rowTestId]="rowTestId"
      emptyMessage="No registries yet. Docker Hub is used anonymously until you add one."
    >
      <ng-template capCell="Name" [capCellOf]="filtered()" let-row>
        <a [routerLink]="['/admin/registries', row.Id]" [attr.data-testid]="'registry-link-' + row.Name">{{
          row.Name
        }}</a>
      </ng-template>
      <ng-template capCell="Type" [capCellOf]="filtered()" let-row>{{ typeLabel(row.Type) }}</ng-template>
      <ng-template capCell="Authentication" [capCellOf]="filtered()" let-row>
        {{ row.Authentication ? row.Username || 'yes' : 'anonymous' }}
      </ng-template>
      <ng-template capCell="actions" [capCellOf]="filtered()" let-row>
        <div class="row-actions">
          <a
            class="btn-link"
            [routerLink]="['/admin/registries', row.Id, 'browse']"
            [attr.data-testid]="'registry-browse-' + row.Name"
            >Browse</a
          >
          <a
            class="btn-link"
            [routerLink]="['/admin/registries', row.Id, 'access']"
            [attr.data-testid]="'registry-access-' + row.Name"
            >Access</a
          >
          <button
            type="button"
            class="btn-link danger"
            [attr.data-testid]="'registry-delete-' + row.Name"
            (click)="remove(row)"
          >
            Delete
          </button>
        </div>
      </ng-template>
    </cap-data-table>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RegistriesPage {
  private readonly api = inject(RegistriesApi);
  private readonly act = confirmedAction();

  protected readonly columns: TableColumn<Registry>[] = [
    { key: 'Name', label: 'Name', sortable: true },
    { key: 'Type', label: 'Type', sortable: true, secondary: true },
    { key: 'URL', label: 'Address', sortable: true },
    { key: 'Authentication', label: 'Login', secondary: true },
    { key: 'actions', label: 'Actions' },
  ];
  protected readonly rowTestId = (r: Registry): string => `registry-row-${r.Name}`;
  protected readonly typeLabel = registryTypeLabel;

  protected readonly registries = signal<Registry[]>([]);
  protected readonly state = new LoadState();
  protected readonly query = signal('');
  protected readonly filtered = computed(() => {
    const q = this.query().trim().toLowerCase();
    return q
      ? this.registries().filter((r) => r.Name.toLowerCase().includes(q) || r.URL.toLowerCase().includes(q))
      : this.registries();
  });

  constructor() {
    void this.load();
  }

  protected load(): Promise<void> {
    return this.state.run('the registries', async () => this.registries.set(await this.api.list()));
  }

  protected async remove(r: Registry): Promise<void> {
    await this.act({
      title: 'Delete registry',
      message: `Delete the registry ${r.Name}? Pulls from it will be anonymous again.`,
      confirmLabel: 'Delete',
      run: () => this.api.remove(r.Id),
      done: `Registry ${r.Name} deleted`,
      then: () => this.load(),
      failed: (error) => `Could not delete ${r.Name}: ${errorMessage(error)}`,
    });
  }
}
