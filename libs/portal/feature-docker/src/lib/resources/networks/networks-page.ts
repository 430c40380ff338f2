import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import {
  NetworksApi,
  DockerEnvironmentApi,
  SessionStore,
  type DockerNetwork,
  type KeyValue,
  type NetworkForm,
  type PortainerDecoration,
  LoadState,
  DialogForm,
  errorMessage,
  isSystemNetwork,
  networkCreateBody,
  networkFormErrors,
  shortId,
} from '@capstan/portal-data-access';
import {
  CellDef,
  DataTable,
  FormControlDirective,
  FormField,
  ListPage,
  ToastService,
  type TableColumn,
  confirmedAction,
  FormDialog,
} from '@capstan/portal-ui';

import { EnvironmentContext } from '../../shell/environment-context';
import {
  NodeFilter,
  UnreachableNodes,
  matchesNode,
  nodeNamesOf,
  withNodeColumn,
} from '../../swarm/node-column';
import { KeyValueEditor } from '../shared/key-value-editor';
import {
  type OwnershipForm,
  OwnershipChoice,
  PRIVATE_OWNERSHIP,
  applyOwnershipAfterCreate,
  ownershipError,
  ownershipLabel,
} from '../shared/ownership';
import { canManage } from '../shared/permissions';
import { reloadOnEnvironment } from '../shared/reload';

const DRIVERS = ['bridge', 'macvlan', 'ipvlan', 'overlay'];

/** First IPAM entry's subnet and gateway, for the list. */
export function ipamSummary(network: DockerNetwork): { subnet: string; gateway: string } {
  const config = network.IPAM?.Config ?? [];
  return {
    subnet: config
      .map((c) => c.Subnet)
      .filter(Boolean)
      .join(', '),
    gateway: config
      .map((c) => c.Gateway)
      .filter(Boolean)
      .join(', '),
  };
}

/** Networks: list with IPAM, create (driver, IPAM, internal, attachable, labels), remove (not system ones). */
@Component({
  selector: 'cap-networks-page',
  imports: [
    FormDialog,
    NodeFilter,
    UnreachableNodes,
    CellDef,
    DataTable,
    FormField,
    FormControlDirective,
    KeyValueEditor,
    OwnershipChoice,
    ListPage,
    RouterLink,
  ],
  template: `
    <cap-list-page
      title="Networks"
      subtitle="Networks on this engine and their address ranges."
      [error]="state.error()"
      searchLabel="Search networks"
      searchPlaceholder="Search by name, driver or subnet (press /)"
      searchTestId="network-search"
      [(query)]="query"
      refreshTestId="network-refresh"
      (refresh)="load()"
    >
      @if (ctx.canAct(P.ResourcesCreate)) {
        <button
          listActions
          type="button"
          class="btn btn-primary"
          data-testid="network-create"
          (click)="openCreate()"
        >
          + Add network
        </button>
      }
      <cap-unreachable-nodes
        listNotices
        what="networks"
        testId="network-unreachable"
        [nodes]="unreachable()"
      />
      <cap-node-filter listFilters testId="network-node-filter" [nodes]="nodes()" [(value)]="node" />
    </cap-list-page>

    <cap-data-table
      caption="Networks"
      [columns]="shownColumns()"
      [rows]="filtered()"
      [loading]="state.loading()"
      [rowTestId]="rowTestId"
      [pageSize]="25"
      emptyMessage="No networks."
    >
      <ng-template capCell="Name" [capCellOf]="filtered()" let-row>
        <a
          class="name"
          [routerLink]="['..', 'networks', row.Id]"
          [attr.data-testid]="'network-link-' + row.Name"
        >
          {{ row.Name }}
        </a>
        @if (system(row)) {
          <span class="badge" [attr.data-testid]="'network-system-' + row.Name">System</span>
        }
      </ng-template>
      <ng-template capCell="subnet" [capCellOf]="filtered()" let-row>
        <span class="mono">{{ ipam(row).subnet || '—' }}</span>
      </ng-template>
      <ng-template capCell="gateway" [capCellOf]="filtered()" let-row>
        <span class="mono">{{ ipam(row).gateway || '—' }}</span>
      </ng-template>
      <ng-template capCell="flags" [capCellOf]="filtered()" let-row>
        @if (row.Internal) {
          <span class="badge">Internal</span>
        }
        @if (row.Attachable) {
          <span class="badge">Attachable</span>
        }
      </ng-template>
      <ng-template capCell="actions" [capCellOf]="filtered()" let-row>
        @if (!system(row) && manage(row)) {
          <button
            type="button"
            class="btn-link danger"
            [attr.data-testid]="'network-remove-' + row.Name"
            (click)="remove(row)"
          >
            Remove
          </button>
        }
      </ng-template>
    </cap-data-table>

    @if (dialog.open()) {
      <cap-form-dialog
        title="Add a network"
        testId="network-dialog"
        formId="network-form"
        submitTestId="network-save"
        label="Create"
        busyLabel="Creating…"
        [busy]="dialog.busy()"
        [error]="dialog.error()"
        (submitted)="create()"
        (closed)="dialog.close()"
      >
        <cap-form-field label="Name" [required]="true" [error]="shown().name">
          <input
            capControl
            class="input mono"
            name="name"
            autocomplete="off"
            data-testid="network-name"
            [value]="name()"
            (input)="name.set($any($event.target).value)"
          />
        </cap-form-field>
        <cap-form-field label="Driver">
          <select
            capControl
            class="input"
            name="driver"
            data-testid="network-driver"
            (change)="driver.set($any($event.target).value)"
          >
            @for (d of drivers; track d) {
              <option [value]="d" [selected]="driver() === d">{{ d }}</option>
            }
          </select>
        </cap-form-field>
        <fieldset class="ipam">
          <legend>Addresses (IPAM)</legend>
          <cap-form-field
            label="Subnet"
            hint="CIDR, e.g. 172.28.0.0/16; empty: the engine picks one."
            [error]="shown().subnet"
          >
            <input
              capControl
              class="input mono"
              name="subnet"
              autocomplete="off"
              data-testid="network-subnet"
              [value]="subnet()"
              (input)="subnet.set($any($event.target).value)"
            />
          </cap-form-field>
          <div class="grid-2">
            <cap-form-field label="Gateway" [error]="shown().gateway">
              <input
                capControl
                class="input mono"
                name="gateway"
                autocomplete="off"
                data-testid="network-gateway"
                [value]="gateway()"
                (input)="gateway.set($any($event.target).value)"
              />
            </cap-form-field>
            <cap-form-field label="IP range" [error]="shown().ipRange">
              <input
                capControl
                class="input mono"
                name="ipRange"
                autocomplete="off"
                data-testid="network-ip-range"
                [value]="ipRange()"
                (input)="ipRange.set($any($event.target).value)"
              />
            </cap-form-field>
          </div>
        </fieldset>
        <label class="check">
          <input
            type="checkbox"
            data-testid="network-internal"
            [checked]="internal()"
            (change)="internal.set($any($event.target).checked)"
          />
          Internal (no outside access)
        </label>
        <label class="check">
          <input
            type="checkbox"
            data-testid="network-attachable"
            [checked]="attachable()"
            (change)="attachable.set($any($event.target).checked)"
          />
          Attachable (containers can join it manually)
        </label>
        <cap-key-value-editor
          legend="Labels"
          testId="network-label"
          addLabel="Add label"
          [(pairs)]="labels"
        />
        <cap-ownership-choice testId="network-ownership" [error]="ownershipShown()" [(value)]="ownership" />
      </cap-form-dialog>
    }
  `,
  styles: `
    .name {
      margin-right: 0.4rem;
      overflow-wrap: anywhere;
    }
    .ipam {
      border: 1px solid var(--border);
      border-radius: var(--radius);
      padding: 0.75rem 0.75rem 0;
      margin: 0 0 1rem;
    }
    legend {
      font-weight: 600;
      font-size: 0.9rem;
      padding: 0 0.3rem;
    }
    .check {
      display: flex;
      gap: 0.5rem;
      align-items: baseline;
      margin: 0 0 0.75rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NetworksPage {
  protected readonly ctx = inject(EnvironmentContext);
  private readonly networksApi = inject(NetworksApi);
  private readonly toasts = inject(ToastService);
  private readonly act = confirmedAction();
  protected readonly P = Permission;
  protected readonly drivers = DRIVERS;
  protected readonly ipam = ipamSummary;
  protected readonly system = isSystemNetwork;

  protected readonly columns: TableColumn<DockerNetwork>[] = [
    { key: 'Name', label: 'Name', sortable: true },
    { key: 'Driver', label: 'Driver', sortable: true },
    { key: 'Scope', label: 'Scope', sortable: true, secondary: true },
    { key: 'subnet', label: 'Subnet', sortable: true, value: (n) => ipamSummary(n).subnet },
    { key: 'gateway', label: 'Gateway', secondary: true, value: (n) => ipamSummary(n).gateway },
    { key: 'flags', label: 'Options', secondary: true },
    { key: 'ownership', label: 'Ownership', sortable: true, secondary: true, value: ownershipLabel },
    { key: 'actions', label: 'Actions' },
  ];
  protected readonly rowTestId = (n: DockerNetwork): string => `network-row-${n.Name}`;

  protected readonly networks = signal<DockerNetwork[]>([]);
  /** Swarm nodes missing from the last list (their agents did not answer). */
  protected readonly unreachable = signal<string[]>([]);
  protected readonly state = new LoadState();
  protected readonly query = signal('');
  protected readonly filtered = computed(() => {
    const node = this.node();
    const q = this.query().trim().toLowerCase();
    if (!q) return this.networks().filter((x) => matchesNode(x, node));
    return this.networks()
      .filter((x) => matchesNode(x, node))
      .filter(
        (n) =>
          n.Name.toLowerCase().includes(q) ||
          n.Driver.toLowerCase().includes(q) ||
          shortId(n.Id).includes(q) ||
          ipamSummary(n).subnet.includes(q),
      );
  });
  protected readonly node = signal('');
  protected readonly nodes = computed(() => nodeNamesOf(this.networks()));
  protected readonly shownColumns = computed(() => withNodeColumn(this.columns, this.nodes().length > 0));

  protected readonly dialog = new DialogForm();
  protected readonly name = signal('');
  protected readonly driver = signal('bridge');
  protected readonly subnet = signal('');
  protected readonly gateway = signal('');
  protected readonly ipRange = signal('');
  protected readonly internal = signal(false);
  protected readonly attachable = signal(false);
  protected readonly labels = signal<KeyValue[]>([]);
  protected readonly ownership = signal<OwnershipForm>(PRIVATE_OWNERSHIP);
  protected readonly ownershipShown = computed(() =>
    this.dialog.submitted() ? ownershipError(this.ownership()) : null,
  );
  private readonly envApi = inject(DockerEnvironmentApi);
  private readonly session = inject(SessionStore);
  private readonly form = computed<NetworkForm>(() => ({
    name: this.name(),
    driver: this.driver(),
    subnet: this.subnet(),
    gateway: this.gateway(),
    ipRange: this.ipRange(),
    internal: this.internal(),
    attachable: this.attachable(),
    labels: this.labels(),
  }));
  protected readonly shown = computed(() => (this.dialog.submitted() ? networkFormErrors(this.form()) : {}));

  constructor() {
    reloadOnEnvironment(this.ctx, () => this.load());
  }

  async load(): Promise<void> {
    await this.state.run('the networks', async () => {
      const result = await this.networksApi.list(this.ctx.envId());
      this.ctx.noteSource(result.snapshotTime);
      this.unreachable.set(result.unreachableNodes);
      this.networks.set(result.body);
    });
  }

  protected manage(network: DockerNetwork): boolean {
    return canManage(this.ctx, network);
  }

  protected openCreate(): void {
    this.dialog.show(() => {
      this.name.set('');
      this.driver.set('bridge');
      this.subnet.set('');
      this.gateway.set('');
      this.ipRange.set('');
      this.internal.set(false);
      this.attachable.set(false);
      this.labels.set([]);
      this.ownership.set(PRIVATE_OWNERSHIP);
    });
  }

  protected async create(): Promise<void> {
    await this.dialog.submit(
      () => Object.keys(this.shown()).length > 0 || !!this.ownershipShown(),
      async () => {
        const body = networkCreateBody(this.form());
        const created = await this.networksApi.create(this.ctx.envId(), body);
        this.toasts.success(`Network ${body.Name} created`);
        this.dialog.close();
        await this.setOwnership(created, body.Name);
        await this.load();
      },
    );
  }

  private setOwnership(created: PortainerDecoration, name: string): Promise<void> {
    const me = this.session.user()?.Id ?? 0;
    return applyOwnershipAfterCreate(this.envApi, this.toasts, created, this.ownership(), me, name);
  }

  protected async remove(network: DockerNetwork): Promise<void> {
    await this.act({
      title: 'Remove network',
      message: `Remove the network ${network.Name}? The engine refuses while containers are connected.`,
      confirmLabel: 'Remove',
      run: () => this.networksApi.remove(this.ctx.envId(), network.Id),
      done: `Network ${network.Name} removed`,
      then: () => this.load(),
      failed: (error) => `Could not remove ${network.Name}: ${errorMessage(error)}`,
    });
  }
}
