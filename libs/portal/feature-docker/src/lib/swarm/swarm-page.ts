import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import { DockerApi, errorMessage, formatTime } from '@capstan/portal-data-access';
import { Alert, ConfirmService, Dialog, PageHeader, ToastService } from '@capstan/portal-ui';

import { KeyValueEditor } from '../resources/shared/key-value-editor';
import { reloadOnEnvironment } from '../resources/shared/reload';
import { EnvironmentContext } from '../shell/environment-context';
import {
  type EnvRow,
  type NodeSpec,
  type SwarmInfo,
  type SwarmNode,
  nodeName,
  nodeSpecWith,
} from './swarm-models';

/** The Swarm: id, managers and workers, join tokens (administrators), and its nodes with their actions. */
@Component({
  selector: 'cap-swarm-page',
  imports: [Alert, Dialog, KeyValueEditor, PageHeader, RouterLink],
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
      <section class="card overview" data-testid="swarm-overview">
        <div>
          <span class="muted">Cluster id</span> <span class="mono" data-testid="swarm-id">{{ s.ID }}</span>
        </div>
        <div>
          <span class="muted">Managers</span> <strong data-testid="swarm-managers">{{ managers() }}</strong>
        </div>
        <div>
          <span class="muted">Workers</span> <strong data-testid="swarm-workers">{{ workers() }}</strong>
        </div>
        <div><span class="muted">Created</span> {{ time(s.CreatedAt) }}</div>
        @if (s.JoinTokens && ctx.can(P.ResourcesManageAll)) {
          <details data-testid="swarm-join-tokens">
            <summary>Join tokens</summary>
            <p class="muted">Anyone holding a token can join a node to this cluster.</p>
            <div>
              <span class="muted">Worker</span> <code class="mono token">{{ s.JoinTokens.Worker }}</code>
            </div>
            <div>
              <span class="muted">Manager</span> <code class="mono token">{{ s.JoinTokens.Manager }}</code>
            </div>
          </details>
        }
      </section>
    }

    <h2>Nodes</h2>
    <div class="wrap">
      <table data-testid="swarm-nodes">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Availability</th>
            <th scope="col">Status</th>
            <th scope="col">Engine</th>
            <th scope="col">Address</th>
            <th scope="col">Labels</th>
            @if (canManage()) {
              <th scope="col">Actions</th>
            }
          </tr>
        </thead>
        <tbody>
          @for (n of nodes(); track n.ID) {
            <tr [attr.data-testid]="'node-row-' + name(n)">
              <td class="mono">
                {{ name(n) }}
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
              </td>
              <td [attr.data-testid]="'node-role-' + name(n)">
                {{ n.Spec.Role }}
                @if (n.ManagerStatus?.Leader) {
                  <span class="badge badge-accent">leader</span>
                }
              </td>
              <td>
                @if (canManage()) {
                  <select
                    class="input"
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
              </td>
              <td>
                <span
                  class="badge"
                  [class.badge-success]="n.Status?.State === 'ready'"
                  [class.badge-danger]="n.Status?.State !== 'ready'"
                  [attr.data-testid]="'node-status-' + name(n)"
                  >{{ n.Status?.State }}</span
                >
              </td>
              <td>{{ n.Description?.Engine?.EngineVersion }}</td>
              <td class="mono">{{ n.Status?.Addr }}</td>
              <td>
                @for (l of labelsOf(n); track l) {
                  <span class="badge mono">{{ l }}</span>
                }
              </td>
              @if (canManage()) {
                <td class="actions">
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
                </td>
              }
            </tr>
          }
        </tbody>
      </table>
    </div>

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
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 1.5rem;
      padding: 0.75rem 1rem;
      margin-bottom: 1rem;
    }
    .overview details {
      flex-basis: 100%;
    }
    .token {
      overflow-wrap: anywhere;
    }
    .wrap {
      overflow-x: auto;
    }
    .host-link {
      margin-left: 0.5rem;
      font-family: inherit;
      font-size: 0.85em;
    }
    .actions {
      white-space: nowrap;
    }
    h2 {
      font-size: 1.1rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SwarmPage {
  protected readonly ctx = inject(EnvironmentContext);
  private readonly docker = inject(DockerApi);
  private readonly toasts = inject(ToastService);
  private readonly confirm = inject(ConfirmService);
  protected readonly P = Permission;
  protected readonly time = formatTime;
  protected readonly name = nodeName;

  protected readonly swarm = signal<SwarmInfo | null>(null);
  protected readonly nodes = signal<SwarmNode[]>([]);
  protected readonly error = signal<string | null>(null);
  protected readonly labelling = signal<SwarmNode | null>(null);
  protected readonly labelRows = signal<EnvRow[]>([]);
  protected readonly managers = computed(() => this.nodes().filter((n) => n.Spec.Role === 'manager').length);
  protected readonly workers = computed(() => this.nodes().filter((n) => n.Spec.Role === 'worker').length);
  /** Node changes are environment-administrator operations on the server. */
  protected readonly canManage = computed(() => this.ctx.canAct(Permission.ResourcesManageAll));

  constructor() {
    reloadOnEnvironment(this.ctx, () => this.load());
  }

  async load(): Promise<void> {
    try {
      const [swarm, nodes] = await Promise.all([
        this.docker.get<SwarmInfo>(this.ctx.envId(), '/swarm'),
        this.docker.getWithSource<SwarmNode[]>(this.ctx.envId(), '/nodes'),
      ]);
      this.ctx.noteSource(nodes.snapshotTime);
      this.swarm.set(swarm);
      this.nodes.set([...nodes.body].sort((a, b) => nodeName(a).localeCompare(nodeName(b))));
      this.error.set(null);
    } catch (error) {
      this.error.set(`Could not load the Swarm: ${errorMessage(error)}`);
    }
  }

  protected labelsOf(n: SwarmNode): string[] {
    return Object.entries(n.Spec.Labels ?? {}).map(([k, v]) => (v ? `${k}=${v}` : k));
  }

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
      await this.docker.post(
        this.ctx.envId(),
        `/nodes/${encodeURIComponent(n.ID)}/update`,
        nodeSpecWith(n.Spec, change),
        {
          version: n.Version.Index,
        },
      );
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
