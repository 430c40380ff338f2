import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { EdgeApi, LoadState, errorMessage, type Environment } from '@capstan/portal-data-access';
import {
  CellDef,
  ConfirmService,
  DataTable,
  ListPage,
  RelativeTime,
  Selection,
  ToastService,
  type TableColumn,
} from '@capstan/portal-ui';

/** The waiting room: edge devices that presented a global key, trusted or rejected one by one or in bulk. */
@Component({
  selector: 'cap-waiting-room-page',
  imports: [CellDef, DataTable, ListPage, RelativeTime, RouterLink],
  template: `
    <cap-list-page
      title="Waiting room"
      subtitle="Edge devices started with a global key wait here until you trust them."
      [error]="state.error()"
      searchLabel="Search devices"
      searchPlaceholder="Search devices (press /)"
      searchTestId="waiting-search"
      [(query)]="query"
      [selection]="selection"
      [selectableKeys]="filteredIds()"
      selectAllTestId="waiting-select-all"
    >
      <a listActions class="btn" routerLink="/environments/edge/new">Add an edge agent</a>
      <button listActions type="button" class="btn" data-testid="waiting-refresh" (click)="load()">
        Refresh
      </button>
      <button
        listBulk
        type="button"
        class="btn btn-primary"
        data-testid="waiting-trust"
        [disabled]="selection.size() === 0 || busy()"
        (click)="trust()"
      >
        Trust ({{ selection.size() }})
      </button>
      <button
        listBulk
        type="button"
        class="btn btn-danger"
        data-testid="waiting-reject"
        [disabled]="selection.size() === 0 || busy()"
        (click)="reject()"
      >
        Reject ({{ selection.size() }})
      </button>
    </cap-list-page>

    <cap-data-table
      caption="Devices waiting for trust"
      [columns]="columns"
      [rows]="filtered()"
      [loading]="state.loading()"
      [rowTestId]="rowTestId"
      emptyMessage="No device is waiting."
    >
      <ng-template capCell="select" [capCellOf]="filtered()" let-row>
        <input
          type="checkbox"
          [attr.aria-label]="'Select ' + row.Name"
          [attr.data-testid]="'waiting-select-' + row.Name"
          [checked]="selection.has(row.Id)"
          (change)="selection.toggle(row.Id, $any($event.target).checked)"
        />
      </ng-template>
      <ng-template capCell="EdgeID" [capCellOf]="filtered()" let-row>
        <span class="mono">{{ row.EdgeID }}</span>
      </ng-template>
      <ng-template capCell="checkin" [capCellOf]="filtered()" let-row>
        <cap-time [value]="row.LastCheckInDate ?? 0" />
      </ng-template>
      <ng-template capCell="mode" [capCellOf]="filtered()" let-row>
        <span class="badge">{{ row.Edge?.AsyncMode ? 'Async' : 'Standard' }}</span>
      </ng-template>
    </cap-data-table>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class WaitingRoomPage {
  private readonly api = inject(EdgeApi);
  private readonly toasts = inject(ToastService);
  private readonly confirm = inject(ConfirmService);

  protected readonly devices = signal<Environment[]>([]);
  protected readonly state = new LoadState();
  protected readonly query = signal('');
  protected readonly selection = new Selection<number>();
  protected readonly busy = signal(false);
  protected readonly columns: TableColumn<Environment>[] = [
    { key: 'select', label: 'Select' },
    { key: 'Name', label: 'Name', sortable: true },
    { key: 'EdgeID', label: 'Edge id', sortable: true, secondary: true },
    { key: 'checkin', label: 'Last check-in', sortable: true, value: (e) => e.LastCheckInDate ?? 0 },
    { key: 'mode', label: 'Mode', secondary: true, value: (e) => (e.Edge?.AsyncMode ? 'async' : 'standard') },
  ];
  protected readonly rowTestId = (e: Environment): string => `waiting-row-${e.Name}`;
  protected readonly filtered = computed(() => {
    const q = this.query().trim().toLowerCase();
    return q
      ? this.devices().filter(
          (e) => e.Name.toLowerCase().includes(q) || (e.EdgeID ?? '').toLowerCase().includes(q),
        )
      : this.devices();
  });
  protected readonly filteredIds = computed(() => this.filtered().map((e) => e.Id));

  constructor() {
    void this.load();
  }

  protected async trust(): Promise<void> {
    const ids = [...this.selection.selected()];
    await this.bulk(async () => {
      const trusted = await this.api.trust(ids);
      this.toasts.success(`${trusted.length} device(s) trusted: they are environments now`);
    });
  }

  protected async reject(): Promise<void> {
    const ids = [...this.selection.selected()];
    const ok = await this.confirm.ask({
      title: ids.length === 1 ? 'Reject device' : `Reject ${ids.length} devices`,
      message: 'Remove these devices from the waiting room? An agent that polls again comes back to it.',
      confirmLabel: 'Reject',
      danger: true,
    });
    if (!ok) return;
    await this.bulk(async () => {
      const rejected = await this.api.reject(ids);
      this.toasts.success(`${rejected.length} device(s) rejected`);
    });
  }

  private async bulk(work: () => Promise<void>): Promise<void> {
    this.busy.set(true);
    try {
      await work();
      this.selection.clear();
      await this.load();
    } catch (e) {
      this.toasts.error(errorMessage(e));
    } finally {
      this.busy.set(false);
    }
  }

  protected async load(): Promise<void> {
    await this.state.run('the waiting room', async () => this.devices.set(await this.api.waitingRoom()));
  }
}
