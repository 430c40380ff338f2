import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { ActivatedRoute, RouterLink } from '@angular/router';
import {
  EDGE_JOB_LOGS_COLLECTED,
  EDGE_JOB_LOGS_PENDING,
  EdgeJobsApi,
  EnvironmentsApi,
  LoadState,
  ThemeService,
  bytesLabel,
  edgeJobLogsLabel,
  errorMessage,
  type EdgeJob,
  type EdgeJobTask,
} from '@capstan/portal-data-access';
import {
  Alert,
  CellDef,
  DataTable,
  PageHeader,
  RelativeTime,
  ToastService,
  YamlEditor,
  type TableColumn,
} from '@capstan/portal-ui';

import { scheduleLabel, targetsLabel } from './edge-job-labels';

/** How often the page looks again while a log was asked for and has not arrived. */
const PENDING_REFRESH_MS = 3_000;

/**
 * One edge job: schedule, targets, script, and one row per device (direct or through a group) with its log state;
 * ask a device for its log (it comes with the device's next poll), read it, clear it.
 */
@Component({
  selector: 'cap-edge-job-details-page',
  imports: [Alert, CellDef, DataTable, PageHeader, RelativeTime, RouterLink, YamlEditor],
  template: `
    <cap-page-header [title]="job()?.Name ?? 'Edge job'" [subtitle]="subtitle()">
      <a class="btn" routerLink="/edge/jobs">‹ Edge jobs</a>
      <a class="btn" routerLink="edit" data-testid="edge-job-edit">Edit</a>
    </cap-page-header>
    @if (state.error(); as e) {
      <cap-alert kind="error">{{ e }}</cap-alert>
    }

    <h2 class="section">Results per environment</h2>
    <cap-data-table
      caption="Results per environment"
      [columns]="columns"
      [rows]="tasks()"
      [loading]="state.loading()"
      [rowTestId]="rowTestId"
      emptyMessage="No environment runs this job."
    >
      <ng-template capCell="EndpointId" [capCellOf]="tasks()" let-row>
        <span class="name">{{ envName(row.EndpointId) }}</span>
        @if (!row.Explicit) {
          <span class="badge" title="Through an edge group">group</span>
        }
      </ng-template>
      <ng-template capCell="LogsStatus" [capCellOf]="tasks()" let-row>
        <span
          class="badge"
          [class.ok]="row.LogsStatus === COLLECTED"
          [attr.data-testid]="'edge-job-logs-status-' + row.EndpointId"
          >{{ logsLabel(row.LogsStatus) }}</span
        >
        @if (row.LogsDate) {
          <cap-time [value]="row.LogsDate" />
        }
      </ng-template>
      <ng-template capCell="actions" [capCellOf]="tasks()" let-row>
        <button
          type="button"
          class="btn-link"
          [disabled]="row.LogsStatus === PENDING || busy() === row.EndpointId"
          [attr.data-testid]="'edge-job-collect-' + row.EndpointId"
          (click)="collect(row)"
        >
          {{ row.LogsStatus === PENDING ? 'Waiting for the device…' : 'Collect logs' }}
        </button>
        @if (row.LogsStatus === COLLECTED) {
          <button
            type="button"
            class="btn-link"
            [attr.data-testid]="'edge-job-view-' + row.EndpointId"
            (click)="view(row)"
          >
            View
          </button>
          <button
            type="button"
            class="btn-link danger"
            [attr.data-testid]="'edge-job-clear-' + row.EndpointId"
            (click)="clear(row)"
          >
            Clear
          </button>
        }
      </ng-template>
    </cap-data-table>

    @if (shown(); as log) {
      <section class="card" data-testid="edge-job-log">
        <div class="log-head">
          <h2>Log of {{ envName(log.env) }}</h2>
          <button type="button" class="btn-link" (click)="shown.set(null)">Close</button>
        </div>
        <pre class="log" tabindex="0">{{ log.text || '(empty: the job has not written anything yet)' }}</pre>
      </section>
    }

    <h2 class="section">Script</h2>
    <cap-yaml-editor
      testId="edge-job-script"
      label="Script"
      [dark]="dark()"
      [readOnly]="true"
      [value]="script()"
    />
  `,
  styles: `
    .section {
      font-size: 1rem;
      margin: 1.25rem 0 0.5rem;
    }
    .name {
      overflow-wrap: anywhere;
      margin-right: 0.4rem;
    }
    .badge.ok {
      color: var(--ok, #1a7f37);
    }
    .log-head {
      display: flex;
      justify-content: space-between;
      align-items: center;
      gap: 0.5rem;
    }
    .log-head h2 {
      font-size: 1rem;
      margin: 0;
    }
    .log {
      max-height: 50vh;
      overflow: auto;
      white-space: pre-wrap;
      overflow-wrap: anywhere;
      font-size: 0.85rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EdgeJobDetailsPage {
  private readonly api = inject(EdgeJobsApi);
  private readonly environments = inject(EnvironmentsApi);
  private readonly toasts = inject(ToastService);
  private readonly theme = inject(ThemeService);
  private readonly id = Number(inject(ActivatedRoute).snapshot.paramMap.get('id'));
  protected readonly dark = computed(() => this.theme.effective() === 'dark');
  protected readonly PENDING = EDGE_JOB_LOGS_PENDING;
  protected readonly COLLECTED = EDGE_JOB_LOGS_COLLECTED;
  protected readonly logsLabel = edgeJobLogsLabel;

  protected readonly job = signal<EdgeJob | null>(null);
  protected readonly tasks = signal<EdgeJobTask[]>([]);
  protected readonly script = signal('');
  private readonly names = signal(new Map<number, string>());
  protected readonly shown = signal<{ env: number; text: string } | null>(null);
  protected readonly busy = signal<number | null>(null);
  protected readonly state = new LoadState();
  protected readonly subtitle = computed(() => {
    const j = this.job();
    return j ? `${scheduleLabel(j)} · ${targetsLabel(j)} · version ${j.Version}` : '';
  });
  protected readonly columns: TableColumn<EdgeJobTask>[] = [
    { key: 'EndpointId', label: 'Environment', sortable: true, value: (t) => this.envName(t.EndpointId) },
    { key: 'LogsStatus', label: 'Logs', sortable: true },
    {
      key: 'LogsSize',
      label: 'Size',
      secondary: true,
      value: (t) => (t.LogsSize ? bytesLabel(t.LogsSize) : '—'),
    },
    { key: 'actions', label: 'Actions' },
  ];
  protected readonly rowTestId = (t: EdgeJobTask): string => `edge-job-task-${t.EndpointId}`;
  private timer?: ReturnType<typeof setTimeout>;

  constructor() {
    inject(DestroyRef).onDestroy(() => clearTimeout(this.timer));
    void this.load();
  }

  protected envName(id: number): string {
    return this.names().get(id) ?? `Environment ${id}`;
  }

  async load(): Promise<void> {
    clearTimeout(this.timer);
    await this.state.run('the edge job', async () => {
      const [job, tasks, script, envs] = await Promise.all([
        this.api.get(this.id),
        this.api.tasks(this.id),
        this.api.script(this.id),
        this.environments.list({ types: [4, 7] }),
      ]);
      this.job.set(job);
      this.tasks.set(tasks);
      this.script.set(script);
      this.names.set(new Map(envs.items.map((e) => [e.Id, e.Name])));
    });
    if (this.tasks().some((t) => t.LogsStatus === EDGE_JOB_LOGS_PENDING))
      this.timer = setTimeout(() => void this.load(), PENDING_REFRESH_MS);
  }

  protected async collect(task: EdgeJobTask): Promise<void> {
    await this.act(task, 'Asked the device for its log', () =>
      this.api.collectLogs(this.id, task.EndpointId),
    );
  }

  protected async clear(task: EdgeJobTask): Promise<void> {
    await this.act(task, 'Log cleared', () => this.api.clearLogs(this.id, task.EndpointId));
    if (this.shown()?.env === task.EndpointId) this.shown.set(null);
  }

  protected async view(task: EdgeJobTask): Promise<void> {
    try {
      this.shown.set({ env: task.EndpointId, text: await this.api.logs(this.id, task.EndpointId) });
    } catch (e) {
      this.toasts.error(`Could not read the log: ${errorMessage(e)}`);
    }
  }

  private async act(task: EdgeJobTask, done: string, run: () => Promise<void>): Promise<void> {
    this.busy.set(task.EndpointId);
    try {
      await run();
      this.toasts.success(done);
      await this.load();
    } catch (e) {
      this.toasts.error(`${this.envName(task.EndpointId)}: ${errorMessage(e)}`);
    } finally {
      this.busy.set(null);
    }
  }
}
