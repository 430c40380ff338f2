import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { EnvironmentType } from '@capstan/contracts-api';
import {
  EDGE_STACK_ERROR,
  EDGE_STACK_RUNNING,
  EdgeComputeApi,
  EnvironmentsApi,
  LoadState,
  ThemeService,
  edgeDeviceStates,
  errorMessage,
  type EdgeDeviceState,
  type EdgeGroup,
  type EdgeStack,
} from '@capstan/portal-data-access';
import {
  Alert,
  CellDef,
  DataTable,
  ListPage,
  RelativeTime,
  ToastService,
  YamlEditor,
  type TableColumn,
  confirmedAction,
} from '@capstan/portal-ui';
import { toggleId } from './id-set';

const STARTER = 'services:\n  app:\n    image: nginx:alpine\n';

/** Per stack: how many devices run it, failed, wait; and drift (devices on another version). */
function counts(s: EdgeStack): { running: number; failed: number; waiting: number } {
  const states = edgeDeviceStates(s);
  const running = states.filter((d) => d.type === EDGE_STACK_RUNNING).length;
  const failed = states.filter((d) => d.type === EDGE_STACK_ERROR).length;
  return { running, failed, waiting: states.length - running - failed };
}

/**
 * Edge stacks: create one for edge groups, the list with per-stack counts, and one stack's device × status matrix
 * (its last report per device, the version it is about, the error text) that can be narrowed to failures.
 */
@Component({
  selector: 'cap-edge-stacks-page',
  imports: [Alert, CellDef, DataTable, ListPage, RelativeTime, RouterLink, YamlEditor],
  template: `
    <cap-list-page
      title="Edge stacks"
      subtitle="One compose file delivered to every device of its edge groups."
      [error]="state.error()"
    >
      <a listActions class="btn" routerLink="/environments/edge-groups" data-testid="edge-groups-link"
        >Edge groups</a
      >
      <button
        listActions
        type="button"
        class="btn btn-primary"
        data-testid="edge-stack-new"
        (click)="creating.set(!creating())"
      >
        + Add edge stack
      </button>
    </cap-list-page>

    @if (creating()) {
      <form class="card form" novalidate (submit)="create($event)" data-testid="edge-stack-form">
        <label>
          <span>Name</span>
          <input
            class="input"
            data-testid="edge-stack-name"
            [value]="name()"
            (input)="name.set($any($event.target).value)"
          />
        </label>
        <fieldset class="picks" data-testid="edge-stack-groups">
          <legend>Edge groups</legend>
          @for (g of groups(); track g.Id) {
            <label>
              <input type="checkbox" [checked]="groupIds().has(g.Id)" (change)="toggleGroup(g.Id)" />
              {{ g.Name }} ({{ g.Endpoints.length }})
            </label>
          } @empty {
            <span class="muted"
              >No edge group yet: <a routerLink="/environments/edge-groups">create one</a>.</span
            >
          }
        </fieldset>
        <cap-yaml-editor
          testId="edge-stack-editor"
          label="Compose file"
          [dark]="dark()"
          [(value)]="content"
        />
        @if (formError(); as message) {
          <cap-alert kind="error">{{ message }}</cap-alert>
        }
        <button
          type="submit"
          class="btn btn-primary"
          data-testid="edge-stack-create"
          [disabled]="busy() || !name().trim()"
        >
          Deploy to the groups
        </button>
      </form>
    }

    <cap-data-table
      caption="Edge stacks"
      [columns]="columns"
      [rows]="stacks()"
      [loading]="state.loading()"
      [rowTestId]="rowTestId"
      emptyMessage="No edge stack yet."
    >
      <ng-template capCell="Name" [capCellOf]="stacks()" let-row>
        <button
          type="button"
          class="btn-link"
          [attr.data-testid]="'edge-stack-open-' + row.Name"
          (click)="selected.set(row.Id)"
        >
          {{ row.Name }}
        </button>
      </ng-template>
      <ng-template capCell="actions" [capCellOf]="stacks()" let-row>
        <button
          type="button"
          class="btn-link danger"
          [attr.data-testid]="'edge-stack-delete-' + row.Name"
          (click)="remove(row)"
        >
          Delete
        </button>
      </ng-template>
    </cap-data-table>

    @if (current(); as s) {
      <section class="card matrix" data-testid="edge-stack-matrix">
        <header class="row">
          <h2>{{ s.Name }} · version {{ s.Version }}</h2>
          <label class="inline">
            <input
              type="checkbox"
              data-testid="edge-stack-failures"
              [checked]="failuresOnly()"
              (change)="failuresOnly.set(!failuresOnly())"
            />
            Failures only
          </label>
        </header>
        <cap-data-table
          caption="Devices"
          [columns]="deviceColumns"
          [rows]="devices()"
          [rowTestId]="deviceTestId"
          [emptyMessage]="failuresOnly() ? 'No device failed.' : 'No device targeted yet.'"
        >
          <ng-template capCell="label" [capCellOf]="devices()" let-row>
            <span class="badge" [class.ok]="row.type === running" [class.bad]="row.type === failed">{{
              row.label
            }}</span>
          </ng-template>
          <ng-template capCell="time" [capCellOf]="devices()" let-row
            ><cap-time [value]="row.time"
          /></ng-template>
          <ng-template capCell="error" [capCellOf]="devices()" let-row>
            <pre class="error">{{ row.error }}</pre>
          </ng-template>
        </cap-data-table>
      </section>
    }
  `,
  styles: `
    .form {
      display: grid;
      gap: 0.75rem;
      margin-bottom: 1rem;
    }
    .picks {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 1rem;
      border: 0;
      padding: 0;
    }
    .row {
      display: flex;
      flex-wrap: wrap;
      justify-content: space-between;
      align-items: center;
      gap: 0.5rem;
    }
    .inline {
      display: flex;
      gap: 0.5rem;
      align-items: center;
    }
    .matrix {
      margin-top: 1rem;
    }
    .badge.ok {
      color: var(--ok, #1a7f37);
    }
    .badge.bad {
      color: var(--danger, #cf222e);
    }
    .error {
      white-space: pre-wrap;
      word-break: break-word;
      margin: 0;
      max-height: 8rem;
      overflow: auto;
      font-size: 0.8rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EdgeStacksPage {
  private readonly api = inject(EdgeComputeApi);
  private readonly environments = inject(EnvironmentsApi);
  private readonly toasts = inject(ToastService);
  private readonly theme = inject(ThemeService);
  private readonly act = confirmedAction();

  protected readonly running = EDGE_STACK_RUNNING;
  protected readonly failed = EDGE_STACK_ERROR;
  protected readonly dark = computed(() => this.theme.effective() === 'dark');
  protected readonly stacks = signal<EdgeStack[]>([]);
  protected readonly groups = signal<EdgeGroup[]>([]);
  private readonly envNames = signal(new Map<number, string>());
  protected readonly state = new LoadState();
  protected readonly creating = signal(false);
  protected readonly name = signal('');
  protected readonly content = signal(STARTER);
  protected readonly groupIds = signal(new Set<number>());
  protected readonly busy = signal(false);
  protected readonly formError = signal<string | null>(null);
  protected readonly selected = signal<number | null>(null);
  protected readonly failuresOnly = signal(false);
  protected readonly current = computed(() => this.stacks().find((s) => s.Id === this.selected()));
  protected readonly devices = computed(() => {
    const s = this.current();
    if (!s) return [];
    const all = edgeDeviceStates(s);
    return this.failuresOnly() ? all.filter((d) => d.type === EDGE_STACK_ERROR) : all;
  });
  protected readonly columns: TableColumn<EdgeStack>[] = [
    { key: 'Name', label: 'Name', sortable: true },
    { key: 'Version', label: 'Version', sortable: true },
    { key: 'devices', label: 'Devices', value: (s) => Object.keys(s.Status).length },
    { key: 'running', label: 'Running', sortable: true, value: (s) => counts(s).running },
    { key: 'failed', label: 'Failed', sortable: true, value: (s) => counts(s).failed },
    { key: 'waiting', label: 'Waiting', secondary: true, value: (s) => counts(s).waiting },
    { key: 'drift', label: 'Drift', secondary: true, value: (s) => s.Drift.length },
    { key: 'actions', label: 'Actions' },
  ];
  protected readonly deviceColumns: TableColumn<EdgeDeviceState>[] = [
    {
      key: 'device',
      label: 'Device',
      sortable: true,
      value: (d) => this.envNames().get(d.environmentId) ?? `#${d.environmentId}`,
    },
    { key: 'label', label: 'Status', sortable: true, value: (d) => d.label },
    { key: 'version', label: 'Version', sortable: true },
    { key: 'time', label: 'Reported', secondary: true, value: (d) => d.time },
    { key: 'error', label: 'Error' },
  ];
  protected readonly rowTestId = (s: EdgeStack): string => `edge-stack-row-${s.Name}`;
  protected readonly deviceTestId = (d: EdgeDeviceState): string => `edge-device-${d.environmentId}`;

  constructor() {
    void this.load();
  }

  protected toggleGroup(id: number): void {
    toggleId(this.groupIds, id);
  }

  protected async create(event: Event): Promise<void> {
    event.preventDefault();
    if (this.busy() || !this.name().trim()) return;
    this.busy.set(true);
    this.formError.set(null);
    try {
      const s = await this.api.createStack({
        name: this.name(),
        content: this.content(),
        groupIds: [...this.groupIds()],
      });
      this.toasts.success(`Edge stack ${s.Name} created`);
      this.creating.set(false);
      this.name.set('');
      this.selected.set(s.Id);
      await this.load();
    } catch (error) {
      this.formError.set(errorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }

  protected async remove(s: EdgeStack): Promise<void> {
    await this.act({
      title: 'Delete edge stack',
      message: `Delete ${s.Name}? Every device removes it at its next poll.`,
      confirmLabel: 'Delete',
      run: () => this.api.removeStack(s.Id),
      done: `Edge stack ${s.Name} deleted`,
      then: () => this.load(),
      failed: (error) => `Could not delete ${s.Name}: ${errorMessage(error)}`,
    });
  }

  private async load(): Promise<void> {
    await this.state.run('the edge stacks', async () => {
      const [stacks, groups, envs] = await Promise.all([
        this.api.stacks(),
        this.api.groups(),
        this.environments.list({ types: [EnvironmentType.EdgeAgent, EnvironmentType.EdgeKubernetes] }),
      ]);
      this.stacks.set(stacks);
      this.groups.set(groups);
      this.envNames.set(new Map(envs.items.map((e) => [e.Id, e.Name])));
    });
  }
}
