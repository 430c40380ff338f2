import { ChangeDetectionStrategy, Component, computed, inject, signal, viewChild } from '@angular/core';
import { ActivatedRoute } from '@angular/router';
import { AuthLogResult } from '@capstan/contracts-api';
import {
  type ActivityLog,
  AdminApi,
  type AuthLog,
  type LogFilter,
  type LogKind,
  errorMessage,
} from '@capstan/portal-data-access';
import {
  CellDef,
  DataTable,
  FormControlDirective,
  FormField,
  ListPage,
  type PageRequest,
  SearchShortcut,
  type TableColumn,
  formatTime,
} from '@capstan/portal-ui';

type LogRow = AuthLog | ActivityLog;

/** `datetime-local` value → unix seconds, or undefined when empty. */
export function toUnixSeconds(local: string): number | undefined {
  if (!local) return undefined;
  const ms = new Date(local).getTime();
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

const AUTH_COLUMNS: TableColumn<LogRow>[] = [
  { key: 'timestamp', label: 'Time', value: (r) => formatTime(r.timestamp, { seconds: true }) },
  { key: 'username', label: 'User' },
  { key: 'type', label: 'Result' },
  { key: 'context', label: 'Method', secondary: true },
  { key: 'origin', label: 'Origin', secondary: true },
];

const ACTIVITY_COLUMNS: TableColumn<LogRow>[] = [
  { key: 'timestamp', label: 'Time', value: (r) => formatTime(r.timestamp, { seconds: true }) },
  { key: 'username', label: 'User' },
  { key: 'action', label: 'Action' },
  { key: 'status', label: 'Status' },
  {
    key: 'environmentId',
    label: 'Environment',
    secondary: true,
    value: (r) => ('environmentId' in r && r.environmentId) || '',
  },
  { key: 'requestId', label: 'Request ID', secondary: true },
];

/**
 * The authentication log and the activity log (one page, two routes): filters by time range, user,
 * keyword and type, server-side paging (`offset`/`limit` with `totalCount`), CSV export of the filter.
 */
@Component({
  selector: 'cap-logs-page',
  imports: [CellDef, DataTable, FormField, FormControlDirective, ListPage, SearchShortcut],
  template: `
    <cap-list-page
      [title]="kind === 'auth' ? 'Authentication logs' : 'Activity logs'"
      [subtitle]="
        kind === 'auth'
          ? 'Logins, failed attempts and logouts.'
          : 'Every change made through the API: who, what, outcome.'
      "
      [error]="error()"
    >
      <a listActions class="btn" [href]="exportUrl()" download data-testid="logs-export">↓ Export CSV</a>
    </cap-list-page>

    <form class="card filters" novalidate (submit)="apply($event)" aria-label="Filters">
      <cap-form-field label="From">
        <input
          capControl
          class="input"
          type="datetime-local"
          name="after"
          [value]="after()"
          (input)="after.set($any($event.target).value)"
        />
      </cap-form-field>
      <cap-form-field label="To">
        <input
          capControl
          class="input"
          type="datetime-local"
          name="before"
          [value]="before()"
          (input)="before.set($any($event.target).value)"
        />
      </cap-form-field>
      <cap-form-field label="Username">
        <input
          capControl
          class="input"
          name="username"
          data-testid="logs-username"
          [value]="username()"
          (input)="username.set($any($event.target).value)"
        />
      </cap-form-field>
      <cap-form-field label="Keyword">
        <input
          capControl
          class="input"
          type="search"
          name="keyword"
          capSearchShortcut
          data-testid="logs-keyword"
          [value]="keyword()"
          (input)="keyword.set($any($event.target).value)"
        />
      </cap-form-field>
      @if (kind === 'auth') {
        <cap-form-field label="Result">
          <select
            capControl
            class="input"
            name="type"
            data-testid="logs-type"
            (change)="type.set($any($event.target).value)"
          >
            <option value="" [selected]="type() === ''">All</option>
            @for (t of authTypes; track t) {
              <option [value]="t" [selected]="type() === t">{{ t }}</option>
            }
          </select>
        </cap-form-field>
      }
      <div class="filter-actions">
        <button type="submit" class="btn btn-primary" data-testid="logs-apply">Apply</button>
        <button type="button" class="btn" (click)="clear()">Clear</button>
      </div>
    </form>

    <cap-data-table
      #table
      [caption]="kind === 'auth' ? 'Authentication log' : 'Activity log'"
      [columns]="columns"
      [rows]="rows()"
      [totalCount]="total()"
      [pageSize]="limit()"
      [loading]="loading()"
      [rowTestId]="rowTestId"
      emptyMessage="No log entries match these filters."
      (pageChange)="page($event)"
    >
      <ng-template capCell="type" [capCellOf]="rows()" let-row>
        <span
          class="badge"
          [class.badge-success]="typeOf(row) === 'success'"
          [class.badge-danger]="typeOf(row) === 'failure' || typeOf(row) === 'throttled'"
        >
          {{ typeOf(row) }}
        </span>
      </ng-template>
      <ng-template capCell="action" [capCellOf]="rows()" let-row>
        <!-- What happened in words; the request it was stays below as the detail. -->
        @if (descriptionOf(row); as text) {
          <span class="what" [attr.data-testid]="'log-description-' + row.id">{{ text }}</span>
        }
        <code
          class="request"
          [class.detail]="descriptionOf(row)"
          [attr.data-testid]="'log-request-' + row.id"
          >{{ actionOf(row) }}</code
        >
      </ng-template>
      <ng-template capCell="status" [capCellOf]="rows()" let-row>
        <span
          class="badge"
          [class.badge-success]="statusOf(row) < 400"
          [class.badge-danger]="statusOf(row) >= 400"
          >{{ statusOf(row) }}</span
        >
      </ng-template>
    </cap-data-table>
  `,
  styles: `
    .filters {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(min(13rem, 100%), 1fr));
      gap: 0 1rem;
      margin-bottom: 1rem;
      align-items: start;
    }
    .what {
      display: block;
      font-weight: 500;
    }
    .request {
      overflow-wrap: anywhere;
    }
    .request.detail {
      display: block;
      color: var(--text-muted);
      font-size: 0.8rem;
    }
    .filter-actions {
      display: flex;
      gap: 0.5rem;
      margin-bottom: 1rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LogsPage {
  private readonly adminApi = inject(AdminApi);
  protected readonly kind: LogKind =
    inject(ActivatedRoute).snapshot.data['kind'] === 'activity' ? 'activity' : 'auth';
  protected readonly columns = this.kind === 'auth' ? AUTH_COLUMNS : ACTIVITY_COLUMNS;
  protected readonly authTypes = Object.values(AuthLogResult);
  protected readonly rowTestId = (r: LogRow): string => `log-row-${r.id}`;
  private readonly table = viewChild.required<DataTable<LogRow>>('table');

  protected readonly after = signal('');
  protected readonly before = signal('');
  protected readonly username = signal('');
  protected readonly keyword = signal('');
  protected readonly type = signal('');
  /** The filter last applied (the export uses it too). */
  private readonly applied = signal<LogFilter>({});
  protected readonly offset = signal(0);
  protected readonly limit = signal(25);

  protected readonly rows = signal<LogRow[]>([]);
  protected readonly total = signal(0);
  protected readonly loading = signal(true);
  protected readonly error = signal<string | null>(null);
  protected readonly exportUrl = computed(() => this.adminApi.exportUrl(this.kind, this.applied()));

  constructor() {
    void this.load();
  }

  protected apply(event?: Event): void {
    event?.preventDefault();
    this.applied.set({
      after: toUnixSeconds(this.after()),
      before: toUnixSeconds(this.before()),
      username: this.username().trim() || undefined,
      keyword: this.keyword().trim() || undefined,
      type: this.kind === 'auth' ? (this.type() as AuthLogResult) || undefined : undefined,
    });
    this.offset.set(0);
    this.table().reset();
    void this.load();
  }

  protected clear(): void {
    this.after.set('');
    this.before.set('');
    this.username.set('');
    this.keyword.set('');
    this.type.set('');
    this.apply();
  }

  protected page(request: PageRequest): void {
    this.offset.set(request.offset);
    this.limit.set(request.limit);
    void this.load();
  }

  protected typeOf(row: LogRow): string {
    return 'type' in row ? row.type : '';
  }

  protected actionOf(row: LogRow): string {
    return 'method' in row ? `${row.method} ${row.path}` : '';
  }

  protected descriptionOf(row: LogRow): string {
    return 'description' in row ? row.description : '';
  }

  protected statusOf(row: LogRow): number {
    return 'status' in row ? row.status : 0;
  }

  private async load(): Promise<void> {
    this.loading.set(true);
    const filter: LogFilter = { ...this.applied(), offset: this.offset(), limit: this.limit() };
    try {
      const page =
        this.kind === 'auth'
          ? await this.adminApi.authLogs(filter)
          : await this.adminApi.activityLogs(filter);
      this.rows.set(page.logs);
      this.total.set(page.totalCount);
      this.error.set(null);
    } catch (error) {
      this.error.set(`Could not load the log: ${errorMessage(error)}`);
    } finally {
      this.loading.set(false);
    }
  }
}
