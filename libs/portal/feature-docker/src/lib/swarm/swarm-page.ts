import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import { SwarmApi, errorMessage } from '@capstan/portal-data-access';
import {
  Alert,
  CellDef,
  ConfirmService,
  DataTable,
  Dialog,
  PageHeader,
  SearchShortcut,
  ToastService,
  type TableColumn,
  formatTime,
} from '@capstan/portal-ui';

import { KeyValueEditor } from '../resources/shared/key-value-editor';
import { reloadOnEnvironment } from '../resources/shared/reload';
import { EnvironmentContext } from '../shell/environment-context';
import {
  type EnvRow,
  type NodeSpec,
  type SwarmInfo,
  type SwarmNode,
  nodeLabels,
  nodeMatches,
  nodeName,
  nodeSpecWith,
} from './swarm-models';

/**
 * The Swarm: id, managers and workers, join tokens (administrators), and its nodes (filter, sort) with their
 * actions (availability, promote/demote, labels) for environment administrators.
 */
@Component({
  selector: 'cap-swarm-page',
  imports: [Alert, CellDef, DataTable, Dialog, KeyValueEditor, PageHeader, RouterLink, SearchShortcut],
  template: `
    <cap-page-header title="Swarm" subtitle="The cluster and its nodes.">
      <button type="button" class="btn btn-ghost" data-testid="swarm-refresh" (click)="load()">
        ↻ Refresh
      </button>
    </cap-page-header>
    @if (error(); as message) {
      <cap-alert kind="error">{{ message }}</cap-alert>
    }
    @if (swarm(); as s) {
      <section class="card overview" data-testid="swarm-overview" aria-label="Cluster">
        <dl class="facts">
          <div class="fact id">
            <dt>Cluster id</dt>
            <dd class="mono" data-testid="swarm-id">{{ s.ID }}</dd>
          </div>
          <div class="fact">
            <dt>Managers</dt>
            <dd data-testid="swarm-managers">{{ managers() }}</dd>
          </div>
          <div class="fact">
            <dt>Workers</dt>
            <dd data-testid="swarm-workers">{{ workers() }}</dd>
          </div>
          <div class="fact">
            <dt>Created</dt>
            <dd>{{ time(s.CreatedAt) }}</dd>
          </div>
        </dl>
        @if (s.JoinTokens && ctx.can(P.ResourcesManageAll)) {
          <details data-testid="swarm-join-tokens">
            <summary>Join tokens</summary>
            <p class="muted">Anyone holding a token can join a node to this cluster.</p>
            <dl class="tokens">
              <dt>Worker</dt>
              <dd>
                <code class="mono token">{{ s.JoinTokens.Worker }}</code>
              </dd>
              <dt>Manager</dt>
              <dd>
                <code class="mono token">{{ s.JoinTokens.Manager }}</code>
              </dd>
            </dl>
          </details>
        }
      </section>
    }

    <h2>Nodes</h2>
    <div class="toolbar">
      <label class="grow">
        <span class="sr-only">Search nodes</span>
        <input
          class="input"
          type="search"
          placeholder="Search by name, role, status, address or label (press /)"
          capSearchShortcut
          data-testid="nodes-search"
          [value]="query()"
          (input)="query.set($any($event.target).value)"
        />
      </label>
    </div>
    <cap-data-table
      data-testid="swarm-nodes"
      caption="Nodes"
      [columns]="columns()"
      [rows]="filtered()"
      [loading]="loading()"
      [rowTestId]="rowTestId"
      [pageSize]="25"
      [emptyMessage]="nodes().length ? 'No node matches the search.' : 'No nodes.'"
      emptyTestId="nodes-empty"
    >
      <ng-template capCell="name" [capCellOf]="filtered()" let-n>
        <span class="mono">{{ name(n) }}</span>
        @if (ctx.isAgent() && n.Description?.Hostname; as host) {
          <a
            class="host-link"
            [routerLink]="['/environments', ctx.envId(), 'docker', 'host']"
            [queryParams]="{ node: host }"
            [attr.data-testid]="'node-host-' + name(n)"
            [attr.aria-label]="'Host view of ' + host"
            >host</a
          >
        }
        <!-- On a phone the Role and Status columns are hidden: the same facts under the name. -->
        <span class="phone-only">
          {{ n.Spec.Role }}
          @if (n.ManagerStatus?.Leader) {
            <span class="badge badge-accent">leader</span>
          }
          <span
            class="badge"
            [class.badge-success]="n.Status?.State === 'ready'"
            [class.badge-danger]="n.Status?.State !== 'ready'"
            >{{ n.Status?.State }}</span
          >
        </span>
      </ng-template>
      <ng-template capCell="role" [capCellOf]="filtered()" let-n>
        <span class="nowrap" [attr.data-testid]="'node-role-' + name(n)"
          >{{ n.Spec.Role }}
          @if (n.ManagerStatus?.Leader) {
            <span class="badge badge-accent">leader</span>
          }
        </span>
      </ng-template>
      <ng-template capCell="availability" [capCellOf]="filtered()" let-n>
        @if (canManage()) {
          <select
            class="input availability"
            [attr.aria-label]="'Availability of ' + name(n)"
            [attr.data-testid]="'node-availability-' + name(n)"
            [value]="n.Spec.Availability"
            (change)="update(n, { Availability: $any($event.target).value })"
          >
            <option value="active">active</option>
            <option value="pause">pause</option>
            <option value="drain">drain</option>
          </select>
        } @else {
          {{ n.Spec.Availability }}
        }
      </ng-template>
      <ng-template capCell="status" [capCellOf]="filtered()" let-n>
        <span
          class="badge"
          [class.badge-success]="n.Status?.State === 'ready'"
          [class.badge-danger]="n.Status?.State !== 'ready'"
          [attr.data-testid]="'node-status-' + name(n)"
          >{{ n.Status?.State }}</span
        >
      </ng-template>
      <ng-template capCell="address" [capCellOf]="filtered()" let-n>
        <span class="mono">{{ n.Status?.Addr }}</span>
      </ng-template>
      <ng-template capCell="labels" [capCellOf]="filtered()" let-n>
        <span class="labels">
          @for (l of labelsOf(n); track l) {
            <span class="badge mono">{{ l }}</span>
          } @empty {
            <span class="muted">—</span>
          }
        </span>
      </ng-template>
      <ng-template capCell="actions" [capCellOf]="filtered()" let-n>
        <div class="row-actions">
          @if (n.Spec.Role === 'worker') {
            <button
              type="button"
              class="btn-link"
              [attr.data-testid]="'node-promote-' + name(n)"
              (click)="setRole(n, 'manager')"
            >
              Promote
            </button>
          } @else {
            <button
              type="button"
              class="btn-link"
              [attr.data-testid]="'node-demote-' + name(n)"
              (click)="setRole(n, 'worker')"
            >
              Demote
            </button>
          }
          <button
            type="button"
            class="btn-link"
            [attr.data-testid]="'node-labels-' + name(n)"
            (click)="editLabels(n)"
          >
            Labels
          </button>
        </div>
      </ng-template>
    </cap-data-table>

    @if (labelling(); as n) {
      <cap-dialog [title]="'Labels of ' + name(n)" testId="node-labels-dialog" (closed)="labelling.set(null)">
        <cap-key-value-editor
          legend="Labels"
          testId="node-label"
          keyLabel="key"
          addLabel="Add label"
          [(pairs)]="labelRows"
        />
        <div dialog-actions>
          <button type="button" class="btn" (click)="labelling.set(null)">Cancel</button>
          <button
            type="button"
            class="btn btn-primary"
            data-testid="node-labels-save"
            (click)="saveLabels(n)"
          >
            Save
          </button>
        </div>
      </cap-dialog>
    }
  `,
  styles: `
    .overview {
      padding: 0.75rem 1rem;
      margin-bottom: 1rem;
    }
    .facts {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 2rem;
      margin: 0;
    }
    .fact {
      min-width: 0;
    }
    .fact.id {
      max-width: 100%;
    }
    dt {
      font-size: 0.8rem;
      color: var(--text-muted);
    }
    dd {
      margin: 0.1rem 0 0;
      font-weight: 600;
      overflow-wrap: anywhere;
    }
    .fact.id dd {
      font-weight: 400;
    }
    details {
      margin-top: 0.75rem;
    }
    summary {
      cursor: pointer;
    }
    .tokens {
      display: grid;
      grid-template-columns: max-content minmax(0, 1fr);
      gap: 0.35rem 1rem;
      margin: 0;
    }
    .tokens dt {
      font-size: inherit;
    }
    .tokens dd {
      margin: 0;
      font-weight: 400;
    }
    .token {
      overflow-wrap: anywhere;
    }
    h2 {
      font-size: 1.1rem;
    }
    .grow {
      flex: 1 1 16rem;
      max-width: 28rem;
    }
    .host-link {
      margin-left: 0.5rem;
      font-size: 0.85em;
    }
    .nowrap {
      white-space: nowrap;
    }
    .availability {
      width: auto;
      padding-block: 0.25rem;
    }
    .labels {
      display: inline-flex;
      flex-wrap: wrap;
      gap: 0.25rem;
    }
    .phone-only {
      display: none;
    }
    /* The data table hides its secondary columns (Role, Status, …) at the same width. */
    @media (max-width: 768px) {
      .phone-only {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.25rem 0.4rem;
        margin-top: 0.3rem;
        font-size: 0.85rem;
        color: var(--text-muted);
      }
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SwarmPage {
  protected readonly ctx = inject(EnvironmentContext);
  private readonly swarmApi = inject(SwarmApi);
  private readonly toasts = inject(ToastService);
  private readonly confirm = inject(ConfirmService);
  protected readonly P = Permission;
  protected readonly time = formatTime;
  protected readonly name = nodeName;

  protected readonly swarm = signal<SwarmInfo | null>(null);
  protected readonly nodes = signal<SwarmNode[]>([]);
  protected readonly query = signal('');
  protected readonly filtered = computed(() => this.nodes().filter((n) => nodeMatches(n, this.query())));
  protected readonly loading = signal(true);
  protected readonly error = signal<string | null>(null);
  protected readonly labelling = signal<SwarmNode | null>(null);
  protected readonly labelRows = signal<EnvRow[]>([]);
  protected readonly managers = computed(() => this.nodes().filter((n) => n.Spec.Role === 'manager').length);
  protected readonly workers = computed(() => this.nodes().filter((n) => n.Spec.Role === 'worker').length);
  /** Node changes are environment-administrator operations on the server. */
  protected readonly canManage = computed(() => this.ctx.canAct(Permission.ResourcesManageAll));
  protected readonly columns = computed((): TableColumn<SwarmNode>[] => {
    const columns: TableColumn<SwarmNode>[] = [
      { key: 'name', label: 'Name', sortable: true, value: nodeName },
      { key: 'role', label: 'Role', sortable: true, secondary: true, value: (n) => n.Spec.Role },
      { key: 'availability', label: 'Availability', sortable: true, value: (n) => n.Spec.Availability },
      { key: 'status', label: 'Status', sortable: true, secondary: true, value: (n) => n.Status?.State },
      {
        key: 'engine',
        label: 'Engine',
        sortable: true,
        secondary: true,
        value: (n) => n.Description?.Engine?.EngineVersion,
      },
      { key: 'address', label: 'Address', sortable: true, secondary: true, value: (n) => n.Status?.Addr },
      { key: 'labels', label: 'Labels', secondary: true, value: (n) => nodeLabels(n).join(', ') },
    ];
    return this.canManage() ? [...columns, { key: 'actions', label: 'Actions' }] : columns;
  });
  protected readonly rowTestId = (n: SwarmNode): string => `node-row-${nodeName(n)}`;

  constructor() {
    reloadOnEnvironment(this.ctx, () => this.load());
  }

  async load(): Promise<void> {
    this.loading.set(true);
    try {
      const [swarm, nodes] = await Promise.all([
        this.swarmApi.inspect<SwarmInfo>(this.ctx.envId()),
        this.swarmApi.nodes<SwarmNode>(this.ctx.envId()),
      ]);
      this.ctx.noteSource(nodes.snapshotTime);
      this.swarm.set(swarm);
      this.nodes.set([...nodes.body].sort((a, b) => nodeName(a).localeCompare(nodeName(b))));
      this.error.set(null);
    } catch (error) {
      this.error.set(`Could not load the Swarm: ${errorMessage(error)}`);
    } finally {
      this.loading.set(false);
    }
  }

  protected readonly labelsOf = nodeLabels;

  protected async setRole(n: SwarmNode, role: NodeSpec['Role']): Promise<void> {
    const ok = await this.confirm.ask({
      title: role === 'manager' ? 'Promote node' : 'Demote node',
      message:
        role === 'manager'
          ? `Make ${nodeName(n)} a manager? Managers take part in the Raft consensus.`
          : `Make ${nodeName(n)} a worker? Keep an odd number of managers for the quorum.`,
      confirmLabel: role === 'manager' ? 'Promote' : 'Demote',
    });
    if (ok) await this.update(n, { Role: role });
  }

  protected editLabels(n: SwarmNode): void {
    this.labelRows.set(Object.entries(n.Spec.Labels ?? {}).map(([key, value]) => ({ key, value })));
    this.labelling.set(n);
  }

  protected async saveLabels(n: SwarmNode): Promise<void> {
    const labels: Record<string, string> = {};
    for (const r of this.labelRows()) if (r.key.trim()) labels[r.key.trim()] = r.value;
    if (await this.update(n, { Labels: labels })) this.labelling.set(null);
  }

  /** `POST /nodes/{id}/update?version=` with the whole spec changed in one field. */
  async update(n: SwarmNode, change: Partial<NodeSpec>): Promise<boolean> {
    try {
      await this.swarmApi.updateNode(this.ctx.envId(), n.ID, n.Version.Index, nodeSpecWith(n.Spec, change));
      this.toasts.success(`Node ${nodeName(n)} updated`);
      await this.load();
      return true;
    } catch (error) {
      this.toasts.error(`Could not update ${nodeName(n)}: ${errorMessage(error)}`);
      await this.load();
      return false;
    }
  }
}
