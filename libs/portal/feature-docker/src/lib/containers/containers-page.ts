import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  signal,
  untracked,
} from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import {
  ContainersApi,
  EngineApi,
  RegistriesApi,
  type StatusMap,
  type JsonSocketHandle,
  type LiveState,
  WEBSOCKET_FACTORY,
  errorMessage,
  openJsonSocket,
} from '@capstan/portal-data-access';
import {
  CellDef,
  DataTable,
  Dialog,
  ListPage,
  Selection,
  type SortDir,
  type TableColumn,
  ToastService,
  confirmedAction,
  formatTime,
  nextSort,
  sortRows,
} from '@capstan/portal-ui';
import { UpdateBadge } from '../updates/update-badge';

import {
  type ContainerSummary,
  OWNERSHIP_LABELS,
  containerIp,
  containerName,
  healthOf,
  ownershipOf,
  stateBadge,
} from '../shared/docker-models';
import { EnvironmentContext } from '../shell/environment-context';
import { NodeFilter, UnreachableNodes, agentNode, nodeNamesOf } from '../swarm/node-column';
import {
  type BulkItem,
  CONTAINER_ACTIONS,
  type ContainerAction,
  type ContainerActionDef,
  runBulk,
  runContainerAction,
} from './container-actions';

/** Row height of the virtual table, in px. */
export const ROW_HEIGHT = 44;
const POLL_MS = 10_000;
/** Performance mark set when the list response has arrived (the benchmark measures first rows from it). */
export const MARK_DATA = 'capstan:containers:data';

export type SortKey = 'name' | 'state' | 'image' | 'created' | 'ip' | 'ownership';

interface Row {
  readonly c: ContainerSummary;
  readonly id: string;
  readonly name: string;
  readonly state: string;
  readonly health: string | null;
  readonly image: string;
  readonly ip: string;
  readonly ownership: string;
  /** The agent's `Portainer.Agent.NodeName` (Swarm through an agent), else ''. */
  readonly node: string;
  readonly owned: boolean;
  readonly ports: { label: string; href: string | null }[];
  /** The details page (plain hrefs: a RouterLink per cell costs too much while scrolling fast). */
  readonly link: string;
  readonly badgeClass: string;
  readonly created: string;
  /** Lower-cased text the search matches. */
  readonly haystack: string;
}

/** The table's columns; on wide screens they fit the 1010 px a 1280 px screen leaves beside the sidebar. */
const COLUMNS: readonly TableColumn<Row>[] = [
  { key: 'name', label: 'Name', sortable: true },
  { key: 'state', label: 'State', sortable: true, width: '6.5rem' },
  { key: 'quick', label: 'Quick', width: '7.5rem' },
  { key: 'image', label: 'Image', sortable: true, secondary: true },
  {
    key: 'created',
    label: 'Created',
    sortable: true,
    secondary: true,
    width: '9.75rem',
    firstDir: 'desc',
    value: (r) => r.c.Created,
  },
  { key: 'ports', label: 'Ports', secondary: true, width: '8rem' },
  { key: 'ip', label: 'IP', sortable: true, secondary: true, width: '6.5rem' },
  { key: 'ownership', label: 'Ownership', sortable: true, secondary: true, width: '6.5rem' },
];

const SORTS = COLUMNS.filter((c) => c.sortable) as (TableColumn<Row> & { key: SortKey })[];
const byName = (a: Row, b: Row): number => a.name.localeCompare(b.name);

/**
 * Containers of one environment: a sortable, searchable list on the shared table in virtual mode (stays smooth
 * with thousands of rows), selection (shift-click for ranges, select all), bulk lifecycle actions with a result
 * per container, quick links (logs, inspect, stats, console), live updates from the events WebSocket or a
 * 10 s poll while the page is visible.
 */
@Component({
  selector: 'cap-containers-page',
  imports: [CellDef, DataTable, ListPage, Dialog, NodeFilter, RouterLink, UnreachableNodes, UpdateBadge],
  template: `
    <cap-list-page
      title="Containers"
      [subtitle]="subtitle()"
      [error]="loadError()"
      searchLabel="Search containers"
      searchPlaceholder="Search name, image, state, IP (press /)"
      searchTestId="containers-search"
      [(query)]="query"
    >
      <span listActions class="live muted" data-testid="containers-live">{{ liveLabel() }}</span>
      <button
        listActions
        type="button"
        class="btn"
        data-testid="containers-refresh"
        [disabled]="loading()"
        (click)="load(); loadUpdates()"
      >
        ↻ Refresh
      </button>
      @if (ctx.canAct(perm.ResourcesCreate)) {
        <a listActions class="btn btn-primary" routerLink="new" data-testid="container-create"
          >+ Add container</a
        >
      }
      <cap-unreachable-nodes
        listNotices
        what="containers"
        testId="container-unreachable"
        [nodes]="unreachable()"
      />
      <cap-node-filter listFilters testId="containers-node-filter" [nodes]="nodes()" [(value)]="node" />
      <label listFilters class="sort-select">
        <span class="sr-only">Sort by</span>
        <select class="input" data-testid="containers-sort" (change)="sortBy($any($event.target).value)">
          @for (s of sorts; track s.key) {
            <option [value]="s.key" [selected]="sortKey() === s.key">Sort: {{ s.label }}</option>
          }
        </select>
      </label>
    </cap-list-page>

    @if (canBulk()) {
      <div class="bulk" role="toolbar" aria-label="Actions on the selected containers" data-testid="bulk-bar">
        <span class="muted" data-testid="selection-count">{{ selectedCount() }} selected</span>
        @for (a of bulkActions(); track a.action) {
          <button
            type="button"
            class="btn btn-sm"
            [class.btn-danger]="a.danger && a.action === 'remove'"
            [attr.data-testid]="'bulk-' + a.action"
            [disabled]="selectedCount() === 0 || bulkBusy()"
            (click)="bulk(a)"
          >
            {{ a.label }}
          </button>
        }
      </div>
    }

    @if (bulkResults(); as results) {
      <section class="results card" data-testid="bulk-results" aria-live="polite">
        <div class="results-head">
          <h2>{{ bulkTitle() }}</h2>
          <button type="button" class="btn btn-sm btn-ghost" (click)="bulkResults.set(null)">Dismiss</button>
        </div>
        <ul>
          @for (item of results; track item.id) {
            <li [attr.data-testid]="'bulk-item-' + item.name" [class]="'st-' + item.state">
              <span class="mono">{{ item.name }}</span>
              <span>{{ itemLabel(item) }}</span>
            </li>
          }
        </ul>
      </section>
    }

    <cap-data-table
      caption="Containers"
      [columns]="columns"
      [rows]="rows()"
      [sorted]="true"
      [(sortKey)]="sortKey"
      [(sortDir)]="sortDir"
      [rowHeight]="rowHeight"
      minWidth="62.25rem"
      viewportTestId="containers-viewport"
      [rowKey]="rowId"
      [rowTestId]="rowTestId"
      [selection]="selection"
      [selectTestId]="selectTestId"
      [selectLabel]="selectLabel"
      selectAllTestId="select-all"
      selectAllLabel="Select all shown containers"
      [loading]="loading()"
      [emptyMessage]="emptyMessage()"
      emptyTestId="containers-empty"
    >
      <ng-template capCell="name" [capCellOf]="rows()" let-row>
        <a [href]="row.link" data-nav [attr.data-testid]="'container-link-' + row.name" [title]="row.name">{{
          row.name
        }}</a>
        @if (row.node) {
          <span class="node-tag muted" [attr.data-testid]="'node-' + row.name">{{ row.node }}</span>
        }
      </ng-template>
      <ng-template capCell="state" [capCellOf]="rows()" let-row>
        <span [class]="row.badgeClass" [attr.data-testid]="'state-' + row.name">{{ row.state }}</span>
        @if (row.health) {
          <span class="health" [class.bad]="row.health === 'unhealthy'" [title]="row.health">♥</span>
        }
      </ng-template>
      <ng-template capCell="quick" [capCellOf]="rows()" let-row>
        <span class="quick">
          <a
            [href]="row.link + '?tab=logs'"
            data-nav
            title="Logs"
            aria-label="Logs"
            [attr.data-testid]="'quick-logs-' + row.name"
            >☰</a
          >
          <a [href]="row.link + '?tab=inspect'" data-nav title="Inspect" aria-label="Inspect">{{ '{}' }}</a>
          @if (row.state === 'running') {
            <a [href]="row.link + '?tab=stats'" data-nav title="Stats" aria-label="Stats">∿</a>
            @if (canConsole()) {
              <a
                [href]="row.link + '?tab=console'"
                data-nav
                title="Console"
                aria-label="Console"
                [attr.data-testid]="'quick-console-' + row.name"
                >›_</a
              >
            }
          }
        </span>
      </ng-template>
      <ng-template capCell="image" [capCellOf]="rows()" let-row>
        <span class="image-cell">
          <span class="image-name" [title]="row.image">{{ row.image }}</span>
          @if (updates()[row.id]; as u) {
            <cap-update-badge [status]="u.Status" [message]="u.Message" [testId]="'update-' + row.name" />
            @if (u.Status === 'outdated' && canRecreate(row)) {
              <button
                type="button"
                class="btn-link"
                [attr.data-testid]="'recreate-' + row.name"
                [disabled]="recreating() === row.id"
                (click)="recreate(row)"
              >
                {{ recreating() === row.id ? 'Recreating…' : 'Recreate with new image' }}
              </button>
            }
          }
        </span>
      </ng-template>
      <ng-template capCell="created" [capCellOf]="rows()" let-row>{{ row.created }}</ng-template>
      <ng-template capCell="ports" [capCellOf]="rows()" let-row>
        <span class="ports" [title]="portsTitle(row)">
          @for (p of row.ports; track p.label) {
            @if (p.href) {
              <a [href]="p.href" target="_blank" rel="noopener">{{ p.label }}</a>
            } @else {
              <span>{{ p.label }}</span>
            }
          }
        </span>
      </ng-template>
    </cap-data-table>
    <p class="muted count" data-testid="containers-count">
      {{ rows().length }} of {{ containers().length }} shown
    </p>

    @if (removeAsk(); as ask) {
      <cap-dialog title="Remove containers" testId="remove-dialog" (closed)="removeAsk.set(null)">
        <p>Remove {{ ask.length }} container{{ ask.length === 1 ? '' : 's' }}? This cannot be undone.</p>
        <label class="check">
          <input
            type="checkbox"
            data-testid="remove-force"
            [checked]="removeForce()"
            (change)="removeForce.set($any($event.target).checked)"
          />
          Force (stop running containers first)
        </label>
        <label class="check">
          <input
            type="checkbox"
            [checked]="removeVolumes()"
            (change)="removeVolumes.set($any($event.target).checked)"
          />
          Also remove anonymous volumes
        </label>
        <div dialog-actions>
          <button type="button" class="btn" (click)="removeAsk.set(null)">Cancel</button>
          <button type="button" class="btn btn-danger" data-testid="remove-confirm" (click)="confirmRemove()">
            Remove
          </button>
        </div>
      </cap-dialog>
    }
  `,
  styles: `
    .sort-select {
      display: none;
    }
    .live {
      align-self: center;
      font-size: 0.85rem;
    }
    .bulk {
      display: flex;
      flex-wrap: wrap;
      gap: 0.4rem;
      align-items: center;
      margin-bottom: 0.75rem;
    }
    .results {
      margin-bottom: 1rem;
      padding: 0.75rem 1rem;
    }
    .results-head {
      display: flex;
      justify-content: space-between;
      align-items: center;
    }
    .results h2 {
      margin: 0;
      font-size: 1rem;
    }
    .results ul {
      list-style: none;
      margin: 0.5rem 0 0;
      padding: 0;
      max-height: 12rem;
      overflow: auto;
      font-size: 0.9rem;
    }
    .results li {
      display: flex;
      gap: 0.75rem;
      justify-content: space-between;
    }
    .st-failed {
      color: var(--danger-text);
    }
    .st-done {
      color: var(--success);
    }
    .node-tag {
      margin-left: 0.4rem;
      font-size: 0.75rem;
    }
    .image-cell {
      display: inline-flex;
      flex-wrap: wrap;
      gap: 0.25rem 0.4rem;
      align-items: center;
      min-width: 0;
    }
    .image-name {
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .quick a {
      text-decoration: none;
      padding: 0.2rem 0.25rem;
      font-family: var(--mono);
    }
    .ports a,
    .ports span {
      margin-right: 0.4rem;
    }
    .health {
      margin-left: 0.3rem;
      color: var(--success);
    }
    .health.bad {
      color: var(--danger);
    }
    .badge-warning {
      background: var(--warning-bg);
      color: var(--warning);
      border-color: transparent;
    }
    .count {
      font-size: 0.85rem;
      margin: 0.5rem 0 0;
    }
    .check {
      display: flex;
      gap: 0.5rem;
      align-items: center;
      margin: 0.5rem 0;
    }
    @media (max-width: 768px) {
      .sort-select {
        display: block;
      }
    }
  `,
  host: { '(click)': 'onLinkClick($event)' },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ContainersPage {
  protected readonly ctx = inject(EnvironmentContext);
  private readonly engine = inject(EngineApi);
  private readonly containersApi = inject(ContainersApi);
  private readonly registriesApi = inject(RegistriesApi);
  private readonly act = confirmedAction();
  /** Image update status per container id (roles that see every container; else none shown). */
  protected readonly updates = signal<StatusMap>({});
  protected readonly recreating = signal<string | null>(null);
  private readonly router = inject(Router);
  private readonly toasts = inject(ToastService);
  private readonly socketFactory = inject(WEBSOCKET_FACTORY);
  private readonly destroyRef = inject(DestroyRef);
  protected readonly perm = Permission;
  protected readonly rowHeight = ROW_HEIGHT;
  protected readonly sorts = SORTS;
  protected readonly columns = COLUMNS;
  protected readonly rowId = (row: Row): string => row.id;
  protected readonly rowTestId = (row: Row): string => `container-row-${row.name}`;
  protected readonly selectTestId = (row: Row): string => `select-${row.name}`;
  protected readonly selectLabel = (row: Row): string => `Select ${row.name}`;

  readonly containers = signal<ContainerSummary[]>([]);
  protected readonly loading = signal(true);
  protected readonly loadError = signal<string | null>(null);
  /** Swarm nodes missing from the last list (their agents did not answer). */
  protected readonly unreachable = signal<string[]>([]);
  readonly query = signal('');
  /** Node filter (agent-fronted Swarm lists only). */
  readonly node = signal('');
  protected readonly nodes = computed(() => nodeNamesOf(this.containers()));
  readonly sortKey = signal<string | null>('name');
  readonly sortDir = signal<SortDir>('asc');
  readonly selection = new Selection<string>();
  protected readonly live = signal<LiveState | 'polling'>('connecting');

  protected readonly bulkResults = signal<BulkItem[] | null>(null);
  protected readonly bulkTitle = signal('');
  protected readonly bulkBusy = signal(false);
  protected readonly removeAsk = signal<Row[] | null>(null);
  protected readonly removeForce = signal(false);
  protected readonly removeVolumes = signal(false);

  private socket: JsonSocketHandle | null = null;
  private pollTimer: ReturnType<typeof setInterval> | null = null;
  private reloadTimer: ReturnType<typeof setTimeout> | null = null;
  private loadSeq = 0;

  private readonly publishHost = this.ctx.publishHost;

  private readonly allRows = computed<Row[]>(() => {
    const host = this.publishHost();
    const base = `/environments/${this.ctx.envId()}/docker/containers/`;
    return this.containers().map((c) => {
      const name = containerName(c);
      const ownership = OWNERSHIP_LABELS[ownershipOf(c)];
      const ip = containerIp(c);
      const seen = new Set<string>();
      const ports: Row['ports'] = [];
      for (const p of c.Ports ?? []) {
        const label = p.PublicPort
          ? `${p.PublicPort}:${p.PrivatePort}/${p.Type}`
          : `${p.PrivatePort}/${p.Type}`;
        if (seen.has(label)) continue; // IPv4 and IPv6 bindings of the same port
        seen.add(label);
        ports.push({
          label,
          href: p.PublicPort && p.Type === 'tcp' ? `http://${host}:${p.PublicPort}` : null,
        });
      }
      return {
        c,
        id: c.Id,
        name,
        state: c.State,
        health: healthOf(c.Status ?? ''),
        image: c.Image,
        ip,
        ownership,
        node: agentNode(c),
        owned: this.ctx.ownedByCaller(c.Portainer?.ResourceControl),
        ports,
        link: base + c.Id,
        badgeClass: `badge badge-${stateBadge(c.State)}`,
        created: formatTime(c.Created),
        haystack:
          `${name} ${c.Image} ${c.State} ${c.Status} ${ip} ${c.Id.slice(0, 12)} ${ownership} ${agentNode(c)}`.toLowerCase(),
      };
    });
  });

  /** Filtered and sorted (the table's order, which shift-click ranges and bulk actions follow): what it shows. */
  readonly rows = computed<Row[]>(() => {
    const terms = this.query().trim().toLowerCase().split(/\s+/).filter(Boolean);
    const node = this.node();
    const onNode = node ? this.allRows().filter((r) => r.node === node) : this.allRows();
    const filtered = terms.length ? onNode.filter((r) => terms.every((t) => r.haystack.includes(t))) : onNode;
    return sortRows(filtered, COLUMNS, { key: this.sortKey(), dir: this.sortDir() }, byName);
  });

  /** Selected containers that are still listed and shown. */
  readonly selectedRows = computed(() => this.rows().filter((r) => this.selection.has(r.id)));
  protected readonly selectedCount = computed(() => this.selectedRows().length);
  protected readonly allSelected = computed(
    () => this.rows().length > 0 && this.selectedCount() === this.rows().length,
  );

  protected readonly canBulk = computed(
    () =>
      !this.ctx.readOnly() &&
      (this.ctx.can(Permission.ContainerLifecycle) ||
        this.ctx.can(Permission.ResourcesManageAll) ||
        this.ctx.can(Permission.ResourcesManageOwned)),
  );
  protected readonly bulkActions = computed(() =>
    CONTAINER_ACTIONS.filter(
      (a) =>
        a.action !== 'remove' ||
        this.ctx.can(Permission.ResourcesManageAll) ||
        this.ctx.can(Permission.ResourcesManageOwned),
    ),
  );

  protected readonly subtitle = computed(() => {
    const all = this.containers();
    const running = all.filter((c) => c.State === 'running').length;
    return `${all.length} ${all.length === 1 ? 'container' : 'containers'}, ${running} running`;
  });
  protected readonly liveLabel = computed(() => {
    switch (this.live()) {
      case 'open':
        return '● live';
      case 'polling':
        return 'auto-refresh 10 s';
      case 'connecting':
        return '';
      case 'closed':
      case 'failed':
        return 'not live';
    }
  });

  constructor() {
    effect(() => {
      const id = this.ctx.envId();
      const readOnly = this.ctx.isDown();
      if (!id) return;
      untracked(() => {
        void this.load();
        void this.loadUpdates();
        this.connect(id, readOnly);
      });
    });
    const onVisible = () => {
      if (document.visibilityState === 'visible' && this.live() === 'polling') void this.load();
    };
    document.addEventListener('visibilitychange', onVisible);
    this.destroyRef.onDestroy(() => {
      document.removeEventListener('visibilitychange', onVisible);
      this.disconnect();
    });
  }

  protected readonly canConsole = computed(() => this.ctx.canAct(Permission.ContainerConsole));

  /** Row links are plain hrefs: a plain left click navigates inside the app (others open tabs as usual). */
  protected onLinkClick(event: MouseEvent): void {
    const link = (event.target as HTMLElement).closest?.('a[data-nav]');
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey)
      return;
    event.preventDefault();
    void this.router.navigateByUrl(link.getAttribute('href') ?? '');
  }

  protected readonly emptyMessage = computed(() =>
    this.containers().length ? 'No container matches the search.' : 'No containers in this environment.',
  );

  protected portsTitle(row: Row): string {
    return row.ports.map((p) => p.label).join(', ');
  }

  async load(): Promise<void> {
    const envId = this.ctx.envId();
    const seq = ++this.loadSeq;
    this.loading.set(true);
    try {
      const { body, snapshotTime, unreachableNodes } = await this.containersApi.list<ContainerSummary>(envId);
      if (seq !== this.loadSeq) return;
      performance.mark(MARK_DATA);
      this.ctx.noteSource(snapshotTime);
      this.unreachable.set(unreachableNodes);
      this.containers.set(body ?? []);
      this.loadError.set(null);
    } catch (error) {
      if (seq === this.loadSeq) this.loadError.set(`Could not list the containers: ${errorMessage(error)}`);
    } finally {
      if (seq === this.loadSeq) this.loading.set(false);
    }
  }

  /** Update statuses (the server asks each registry once per image:tag and caches the answer for a minute). */
  async loadUpdates(): Promise<void> {
    if (!this.ctx.can(Permission.ResourcesReadAll) || this.ctx.isDown()) return;
    try {
      this.updates.set(await this.registriesApi.containerStatuses(this.ctx.envId()));
    } catch {
      this.updates.set({});
    }
  }

  protected canRecreate(row: Row): boolean {
    return (
      !this.ctx.readOnly() &&
      (this.ctx.can(Permission.ResourcesManageAll) ||
        (row.owned && this.ctx.can(Permission.ResourcesManageOwned)))
    );
  }

  /** Portainer's "Recreate" with a fresh pull: same settings and name, the registry's current image. */
  protected async recreate(row: Row): Promise<void> {
    await this.act({
      title: 'Recreate with the new image',
      message: `Pull ${row.image} again and recreate ${row.name} with the same settings? It restarts; a failed pull changes nothing.`,
      confirmLabel: 'Recreate',
      run: async () => {
        this.recreating.set(row.id);
        try {
          await this.registriesApi.recreate(this.ctx.envId(), row.id, true);
        } finally {
          this.recreating.set(null);
        }
      },
      done: `${row.name} recreated with the registry's image`,
      then: async () => {
        await this.load();
        await this.loadUpdates();
      },
      failed: (error) => `Could not recreate ${row.name}: ${errorMessage(error)}`,
    });
  }

  /** Sorts as a click on the column's header does (the phones' "Sort" select, which has no header). */
  sortBy(key: SortKey): void {
    const col = COLUMNS.find((c) => c.key === key);
    if (!col) return;
    const next = nextSort({ key: this.sortKey(), dir: this.sortDir() }, col);
    this.sortKey.set(next.key);
    this.sortDir.set(next.dir);
  }

  protected itemLabel(item: BulkItem): string {
    switch (item.state) {
      case 'pending':
        return 'waiting';
      case 'running':
        return 'working…';
      case 'done':
        return 'done';
      case 'skipped':
      case 'failed':
        return item.message;
    }
  }

  protected bulk(def: ContainerActionDef): void {
    const rows = this.selectedRows();
    if (!rows.length) return;
    if (def.action === 'remove') {
      this.removeForce.set(rows.some((r) => r.state === 'running'));
      this.removeVolumes.set(false);
      this.removeAsk.set(rows);
      return;
    }
    void this.execute(def.action, rows);
  }

  protected confirmRemove(): void {
    const rows = this.removeAsk();
    this.removeAsk.set(null);
    if (rows) void this.execute('remove', rows);
  }

  private allowed(action: ContainerAction, row: Row): boolean {
    if (action === 'remove')
      return (
        this.ctx.can(Permission.ResourcesManageAll) ||
        (row.owned && this.ctx.can(Permission.ResourcesManageOwned))
      );
    return this.ctx.canOperate(row.owned);
  }

  async execute(action: ContainerAction, rows: Row[]): Promise<void> {
    const def = CONTAINER_ACTIONS.find((a) => a.action === action) ?? CONTAINER_ACTIONS[0];
    const items: BulkItem[] = rows.map((r) => ({
      id: r.id,
      name: r.name,
      state: this.allowed(action, r) ? 'pending' : 'skipped',
      message: this.allowed(action, r) ? '' : 'not permitted for your role',
    }));
    this.bulkTitle.set(`${def.label}: ${rows.length} container${rows.length === 1 ? '' : 's'}`);
    this.bulkResults.set(items);
    this.bulkBusy.set(true);
    const envId = this.ctx.envId();
    const options = { force: this.removeForce(), volumes: this.removeVolumes() };
    await runBulk(
      items,
      (item) => runContainerAction(this.containersApi, envId, item.id, action, options),
      (next) => this.bulkResults.set(next),
    );
    this.bulkBusy.set(false);
    const failed = items.filter((i) => i.state === 'failed').length;
    const done = items.filter((i) => i.state === 'done').length;
    if (failed) this.toasts.error(`${def.label}: ${failed} failed, ${done} ${def.done}`);
    else this.toasts.success(`${done} container${done === 1 ? '' : 's'} ${def.done}`);
    if (action === 'remove') {
      this.selection.setMany(
        items.filter((i) => i.state === 'done').map((i) => i.id),
        false,
      );
    }
    await this.load();
  }

  /** Live updates: container events → reload (debounced); no socket → poll every 10 s while visible. */
  private connect(envId: number, down: boolean): void {
    this.disconnect();
    if (down) {
      this.startPolling();
      return;
    }
    this.socket = openJsonSocket<{ Type?: string }>(this.socketFactory, this.engine.eventsSocketUrl(envId), {
      message: (event) => {
        if (event.Type === 'container') this.scheduleReload();
      },
      state: (state) => {
        if (state === 'open') {
          this.stopPolling();
          this.live.set('open');
        } else if (state === 'failed' || state === 'closed') {
          this.socket = null;
          this.startPolling();
        } else this.live.set(state);
      },
    });
  }

  private scheduleReload(): void {
    if (this.reloadTimer) return;
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = null;
      void this.load();
    }, 300);
  }

  private startPolling(): void {
    this.live.set('polling');
    if (this.pollTimer) return;
    this.pollTimer = setInterval(() => {
      if (document.visibilityState === 'visible') void this.load();
    }, POLL_MS);
  }

  private stopPolling(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
  }

  private disconnect(): void {
    this.socket?.close();
    this.socket = null;
    this.stopPolling();
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = null;
  }
}
