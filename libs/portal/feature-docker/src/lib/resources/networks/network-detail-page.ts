import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import {
  ContainersApi,
  LoadState,
  NetworksApi,
  type DockerContainerSummary,
  type DockerNetwork,
  errorMessage,
  isIpv4,
  isSystemNetwork,
} from '@capstan/portal-data-access';
import {
  Alert,
  CellDef,
  DataTable,
  FormControlDirective,
  FormField,
  PageHeader,
  Spinner,
  ToastService,
  type TableColumn,
  confirmedAction,
  formatTime,
} from '@capstan/portal-ui';

import { EnvironmentContext } from '../../shell/environment-context';
import { canManage } from '../shared/permissions';
import { containerName } from '../../shared/docker-models';
import { PairLines, removeAndLeave } from '../shared/detail-page';
import { reloadOnEnvironment } from '../shared/reload';

interface Attached {
  id: string;
  name: string;
  ipv4: string;
  ipv6: string;
  mac: string;
}

/** One network: IPAM and options, connected containers, connect (optional IPv4) / disconnect, remove. */
@Component({
  selector: 'cap-network-detail-page',
  imports: [
    Alert,
    CellDef,
    DataTable,
    FormField,
    FormControlDirective,
    PageHeader,
    PairLines,
    RouterLink,
    Spinner,
  ],
  template: `
    <cap-page-header [title]="network()?.Name ?? 'Network'" subtitle="Network">
      <a class="btn" routerLink="../../networks" data-testid="network-back">← Networks</a>
      @if (network(); as n) {
        @if (!system() && manageable()) {
          <button
            type="button"
            class="btn btn-danger"
            data-testid="network-detail-remove"
            (click)="remove(n)"
          >
            Remove
          </button>
        }
      }
    </cap-page-header>
    @if (state.error(); as message) {
      <cap-alert kind="error">{{ message }}</cap-alert>
    }
    @if (state.loading() && !network()) {
      <cap-spinner />
    }
    @if (network(); as n) {
      <div class="grid-2">
        <section class="card" data-testid="network-inspect">
          <h2>Details</h2>
          <dl>
            <dt>Id</dt>
            <dd class="mono">{{ n.Id }}</dd>
            <dt>Driver</dt>
            <dd>
              {{ n.Driver }}
              @if (system()) {
                <span class="badge">System</span>
              }
            </dd>
            <dt>Scope</dt>
            <dd>{{ n.Scope }}</dd>
            <dt>Created</dt>
            <dd>{{ time(n.Created) }}</dd>
            <dt>Internal</dt>
            <dd>{{ n.Internal ? 'yes' : 'no' }}</dd>
            <dt>Attachable</dt>
            <dd>{{ n.Attachable ? 'yes' : 'no' }}</dd>
            <dt>IPv6</dt>
            <dd>{{ n.EnableIPv6 ? 'enabled' : 'no' }}</dd>
            @for (c of n.IPAM?.Config ?? []; track $index) {
              <dt>Subnet</dt>
              <dd class="mono" data-testid="network-subnet-value">{{ c.Subnet ?? '—' }}</dd>
              <dt>Gateway</dt>
              <dd class="mono">{{ c.Gateway ?? '—' }}</dd>
              @if (c.IPRange) {
                <dt>IP range</dt>
                <dd class="mono">{{ c.IPRange }}</dd>
              }
            }
            <dt>Options</dt>
            <dd>
              <cap-pair-lines [map]="n.Options" [small]="true" />
            </dd>
            <dt>Labels</dt>
            <dd>
              <cap-pair-lines [map]="n.Labels" [small]="true" />
            </dd>
          </dl>
        </section>

        @if (canConnect()) {
          <section class="card" data-testid="network-connect">
            <h2>Connect a container</h2>
            <form novalidate (submit)="connect($event)">
              <cap-form-field label="Container" [required]="true" [error]="connectErrors().container">
                <select
                  capControl
                  class="input"
                  name="container"
                  data-testid="network-connect-container"
                  (change)="target.set($any($event.target).value)"
                >
                  <option value="" [selected]="!target()">Choose a container…</option>
                  @for (c of candidates(); track c.Id) {
                    <option [value]="c.Id" [selected]="target() === c.Id">
                      {{ containerName(c) }} ({{ c.State }})
                    </option>
                  }
                </select>
              </cap-form-field>
              <cap-form-field
                label="IPv4 address"
                hint="Optional; must be inside a subnet set on the network."
                [error]="connectErrors().ipv4"
              >
                <input
                  capControl
                  class="input mono"
                  name="ipv4"
                  autocomplete="off"
                  data-testid="network-connect-ipv4"
                  [value]="ipv4()"
                  (input)="ipv4.set($any($event.target).value)"
                />
              </cap-form-field>
              @if (connectError(); as message) {
                <cap-alert kind="error">{{ message }}</cap-alert>
              }
              <div class="form-actions">
                <button
                  type="submit"
                  class="btn btn-primary"
                  data-testid="network-connect-submit"
                  [disabled]="busy()"
                >
                  {{ busy() ? 'Connecting…' : 'Connect' }}
                </button>
              </div>
            </form>
          </section>
        }
      </div>

      <h2 class="section">Connected containers</h2>
      <cap-data-table
        caption="Connected containers"
        [columns]="columns"
        [rows]="attached()"
        [rowTestId]="attachedTestId"
        emptyMessage="No running container is connected."
      >
        <ng-template capCell="ipv4" [capCellOf]="attached()" let-row>
          <span class="mono">{{ row.ipv4 || '—' }}</span>
        </ng-template>
        <ng-template capCell="mac" [capCellOf]="attached()" let-row>
          <span class="mono">{{ row.mac || '—' }}</span>
        </ng-template>
        <ng-template capCell="actions" [capCellOf]="attached()" let-row>
          @if (canConnect()) {
            <button
              type="button"
              class="btn-link danger"
              [attr.data-testid]="'network-disconnect-' + row.name"
              (click)="disconnect(row)"
            >
              Disconnect
            </button>
          }
        </ng-template>
      </cap-data-table>
    }
  `,
  styleUrl: '../shared/detail-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NetworkDetailPage {
  private readonly ctx = inject(EnvironmentContext);
  private readonly networks = inject(NetworksApi);
  private readonly containersApi = inject(ContainersApi);
  private readonly act = confirmedAction();
  private readonly toasts = inject(ToastService);
  private readonly removeThenLeave = removeAndLeave();
  /** The `:id` route parameter (network id or name). */
  readonly id = input.required<string>();

  protected readonly network = signal<DockerNetwork | null>(null);
  protected readonly containers = signal<DockerContainerSummary[]>([]);
  protected readonly state = new LoadState();
  protected readonly system = computed(() => {
    const n = this.network();
    return !!n && isSystemNetwork(n);
  });
  protected readonly manageable = computed(() => {
    const n = this.network();
    return !!n && canManage(this.ctx, n);
  });
  /** host and none take no extra containers; system networks' ownership is public, the engine decides. */
  protected readonly canConnect = computed(
    () => this.manageable() && !['host', 'none'].includes(this.network()?.Name ?? ''),
  );
  protected readonly attached = computed<Attached[]>(() =>
    Object.entries(this.network()?.Containers ?? {}).map(([id, c]) => ({
      id,
      name: c.Name,
      ipv4: c.IPv4Address ?? '',
      ipv6: c.IPv6Address ?? '',
      mac: c.MacAddress ?? '',
    })),
  );
  protected readonly candidates = computed(() => {
    const connected = new Set(Object.keys(this.network()?.Containers ?? {}));
    return this.containers().filter((c) => !connected.has(c.Id));
  });
  protected readonly columns: TableColumn<Attached>[] = [
    { key: 'name', label: 'Container', sortable: true },
    { key: 'ipv4', label: 'IPv4', sortable: true },
    { key: 'ipv6', label: 'IPv6', secondary: true },
    { key: 'mac', label: 'MAC', secondary: true },
    { key: 'actions', label: 'Actions' },
  ];
  protected readonly attachedTestId = (a: Attached): string => `network-container-${a.name}`;
  protected readonly time = formatTime;
  protected readonly containerName = containerName;

  protected readonly target = signal('');
  protected readonly ipv4 = signal('');
  protected readonly busy = signal(false);
  protected readonly connectError = signal<string | null>(null);
  private readonly submitted = signal(false);
  protected readonly connectErrors = computed(() => {
    if (!this.submitted()) return {};
    const errors: { container?: string; ipv4?: string } = {};
    if (!this.target()) errors.container = 'Choose a container.';
    if (this.ipv4().trim() && !isIpv4(this.ipv4())) errors.ipv4 = 'Use an IPv4 address, e.g. 172.28.5.10.';
    return errors;
  });

  constructor() {
    reloadOnEnvironment(this.ctx, () => this.load());
  }

  protected load(): Promise<void> {
    const envId = this.ctx.envId();
    return this.state.run('the network', async () => {
      const [network, containers] = await Promise.all([
        this.networks.inspect(envId, this.id()),
        this.containersApi.all(envId),
      ]);
      this.network.set(network);
      this.containers.set(containers);
    });
  }

  protected async connect(event: Event): Promise<void> {
    event.preventDefault();
    const network = this.network();
    if (!network || this.busy()) return;
    this.submitted.set(true);
    if (Object.keys(this.connectErrors()).length) return;
    const ipv4 = this.ipv4().trim();
    this.busy.set(true);
    this.connectError.set(null);
    try {
      await this.networks.connect(this.ctx.envId(), network.Id, this.target(), ipv4);
      const name = this.containers().find((c) => c.Id === this.target());
      this.toasts.success(
        `Connected ${name ? this.containerName(name) : 'the container'} to ${network.Name}`,
      );
      this.target.set('');
      this.ipv4.set('');
      this.submitted.set(false);
      await this.load();
    } catch (error) {
      this.connectError.set(errorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }

  protected async disconnect(container: Attached): Promise<void> {
    const network = this.network();
    if (!network) return;
    await this.act({
      title: 'Disconnect container',
      message: `Disconnect ${container.name} from ${network.Name}?`,
      confirmLabel: 'Disconnect',
      run: () => this.networks.disconnect(this.ctx.envId(), network.Id, container.id),
      done: `Disconnected ${container.name}`,
      then: () => this.load(),
      failed: (error) => `Could not disconnect ${container.name}: ${errorMessage(error)}`,
    });
  }

  protected remove(network: DockerNetwork): Promise<void> {
    return this.removeThenLeave({
      title: 'Remove network',
      message: `Remove the network ${network.Name}?`,
      name: network.Name,
      done: `Network ${network.Name} removed`,
      back: '../../networks',
      remove: () => this.networks.remove(this.ctx.envId(), network.Id),
    });
  }
}
