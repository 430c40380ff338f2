import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import {
  EdgeApi,
  EnvironmentsApi,
  LoadState,
  errorMessage,
  type EdgeCommand,
  type EdgeStatus,
  type Environment,
} from '@capstan/portal-data-access';
import {
  Alert,
  CellDef,
  DataTable,
  FormControlDirective,
  FormField,
  PageHeader,
  RelativeTime,
  ToastService,
  type TableColumn,
} from '@capstan/portal-ui';

/** One edge environment: check-in and heartbeat, tunnel or async mode, its intervals, its queued commands. */
@Component({
  selector: 'cap-edge-status-page',
  imports: [Alert, CellDef, DataTable, FormControlDirective, FormField, PageHeader, RelativeTime, RouterLink],
  template: `
    <cap-page-header [title]="(env()?.Name ?? 'Edge environment') + ' · edge'" subtitle="Edge agent status">
      <button type="button" class="btn" data-testid="edge-status-refresh" (click)="load()">Refresh</button>
      <a class="btn" [routerLink]="['/environments', id(), 'edit']">Edit</a>
    </cap-page-header>
    @if (state.error(); as message) {
      <cap-alert kind="error">{{ message }}</cap-alert>
    }
    @if (status(); as s) {
      <dl class="card facts" data-testid="edge-status">
        <div>
          <dt>Heartbeat</dt>
          <dd>
            <span
              class="badge"
              [class.badge-success]="s.Heartbeat"
              [class.badge-danger]="!s.Heartbeat"
              data-testid="edge-heartbeat"
              >{{ s.Heartbeat ? 'Up' : 'Not checking in' }}</span
            >
          </dd>
        </div>
        <div>
          <dt>Last check-in</dt>
          <dd><cap-time [value]="s.LastCheckInDate" /></dd>
        </div>
        <div>
          <dt>Mode</dt>
          <dd data-testid="edge-mode">
            {{ s.Mode === 'async' ? 'Async (snapshots and commands)' : 'Standard (tunnel on demand)' }}
          </dd>
        </div>
        @if (s.Mode === 'standard') {
          <div>
            <dt>Tunnel</dt>
            <dd data-testid="edge-tunnel">{{ s.TunnelOpen ? 'Open' : 'Idle' }}</dd>
          </div>
        } @else {
          <div>
            <dt>Commands waiting</dt>
            <dd>{{ s.OpenCommands }}</dd>
          </div>
        }
        <div>
          <dt>Edge id</dt>
          <dd class="mono">{{ env()?.EdgeID || '— (no agent yet)' }}</dd>
        </div>
      </dl>
    }

    <form class="card form" novalidate (submit)="saveIntervals($event)">
      <h2 class="h">Intervals (seconds)</h2>
      <p class="muted">Poll: 0 uses the settings. Async: -1 uses the settings, 0 turns it off.</p>
      <div class="row">
        <cap-form-field label="Poll">
          <input
            capControl
            class="input narrow"
            type="number"
            min="0"
            data-testid="edge-int-checkin"
            [value]="checkin()"
            (input)="checkin.set(+$any($event.target).value)"
          />
        </cap-form-field>
        <cap-form-field label="Ping">
          <input
            capControl
            class="input narrow"
            type="number"
            min="-1"
            data-testid="edge-int-ping"
            [value]="ping()"
            (input)="ping.set(+$any($event.target).value)"
          />
        </cap-form-field>
        <cap-form-field label="Snapshot">
          <input
            capControl
            class="input narrow"
            type="number"
            min="-1"
            data-testid="edge-int-snapshot"
            [value]="snapshot()"
            (input)="snapshot.set(+$any($event.target).value)"
          />
        </cap-form-field>
        <cap-form-field label="Command">
          <input
            capControl
            class="input narrow"
            type="number"
            min="-1"
            data-testid="edge-int-command"
            [value]="command()"
            (input)="command.set(+$any($event.target).value)"
          />
        </cap-form-field>
      </div>
      <button type="submit" class="btn btn-primary" data-testid="edge-int-save" [disabled]="busy()">
        Save intervals
      </button>
    </form>

    @if (status()?.Mode === 'async') {
      <cap-data-table
        caption="Queued commands"
        [columns]="columns"
        [rows]="commands()"
        [loading]="state.loading()"
        [rowTestId]="rowTestId"
        emptyMessage="No command queued."
      >
        <ng-template capCell="Status" [capCellOf]="commands()" let-row>
          <span
            class="badge"
            [class.badge-success]="row.Status === 'confirmed'"
            [class.badge-danger]="row.Status === 'failed'"
            [attr.title]="row.Error ?? ''"
            >{{ row.Status }}</span
          >
        </ng-template>
        <ng-template capCell="Created" [capCellOf]="commands()" let-row>
          <cap-time [value]="row.Created" />
        </ng-template>
      </cap-data-table>
    }
  `,
  styles: `
    .facts {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr));
      gap: 0.75rem 1.5rem;
      margin: 0 0 1rem;
    }
    dt {
      font-weight: 600;
      font-size: 0.85rem;
      color: var(--text-muted, inherit);
    }
    dd {
      margin: 0.2rem 0 0;
      overflow-wrap: anywhere;
    }
    .form {
      margin-bottom: 1rem;
    }
    .h {
      font-size: 1rem;
      margin: 0 0 0.3rem;
    }
    .row {
      display: flex;
      flex-wrap: wrap;
      gap: 0 1rem;
    }
    .narrow {
      max-width: 7rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EdgeStatusPage {
  private readonly edge = inject(EdgeApi);
  private readonly environments = inject(EnvironmentsApi);
  private readonly toasts = inject(ToastService);
  /** Route parameter `:id` (component input binding). */
  readonly id = input.required<string>();
  protected readonly envId = computed(() => Number(this.id()));

  protected readonly state = new LoadState();
  protected readonly env = signal<Environment | null>(null);
  protected readonly status = signal<EdgeStatus | null>(null);
  protected readonly commands = signal<EdgeCommand[]>([]);
  protected readonly busy = signal(false);
  protected readonly checkin = signal(0);
  protected readonly ping = signal(-1);
  protected readonly snapshot = signal(-1);
  protected readonly command = signal(-1);
  protected readonly columns: TableColumn<EdgeCommand>[] = [
    { key: 'Summary', label: 'Command', sortable: true },
    { key: 'Status', label: 'State', sortable: true },
    { key: 'Created', label: 'Queued', sortable: true },
    { key: 'Error', label: 'Error', secondary: true, value: (c) => c.Error ?? '' },
  ];
  protected readonly rowTestId = (c: EdgeCommand): string => `edge-command-${c.Id}`;

  constructor() {
    queueMicrotask(() => void this.load());
  }

  async load(): Promise<void> {
    const id = this.envId();
    await this.state.run('the edge status', async () => {
      const [env, status] = await Promise.all([this.environments.get(id), this.edge.status(id)]);
      this.env.set(env);
      this.status.set(status);
      this.checkin.set(env.EdgeCheckinInterval ?? 0);
      this.ping.set(env.Edge?.PingInterval ?? -1);
      this.snapshot.set(env.Edge?.SnapshotInterval ?? -1);
      this.command.set(env.Edge?.CommandInterval ?? -1);
      this.commands.set(status.Mode === 'async' ? await this.edge.commands(id) : []);
    });
  }

  protected async saveIntervals(event: Event): Promise<void> {
    event.preventDefault();
    this.busy.set(true);
    try {
      await this.edge.setIntervals(this.envId(), {
        EdgeCheckinInterval: this.checkin(),
        PingInterval: this.ping(),
        SnapshotInterval: this.snapshot(),
        CommandInterval: this.command(),
      });
      this.toasts.success('Intervals saved');
    } catch (e) {
      this.toasts.error(errorMessage(e));
    } finally {
      this.busy.set(false);
    }
  }
}
