import { CdkVirtualScrollViewport, ScrollingModule } from '@angular/cdk/scrolling';
import {
  ChangeDetectionStrategy,
  afterRenderEffect,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import {
  ContainersApi,
  EngineApi,
  type JsonSocketHandle,
  type LiveState,
  WEBSOCKET_FACTORY,
  errorMessage,
  openJsonSocket,
} from '@capstan/portal-data-access';
import { Dialog, ListPage, Selection, ToastService, compareCells, formatTime } from '@capstan/portal-ui';

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

/** Row height of the virtual list, in px (CSS uses the same). */
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

const SORTS: { key: SortKey; label: string }[] = [
  { key: 'name', label: 'Name' },
  { key: 'state', label: 'State' },
  { key: 'image', label: 'Image' },
  { key: 'created', label: 'Created' },
  { key: 'ip', label: 'IP' },
  { key: 'ownership', label: 'Ownership' },
];

/**
 * Containers of one environment: a virtual-scrolling, sortable, searchable list (stays smooth with
 * thousands of rows), selection (shift-click for ranges, select all), bulk lifecycle actions with a result
 * per container, quick links (logs, inspect, stats, console), live updates from the events WebSocket or a
 * 10 s poll while the page is visible.
 */
@Component({
  selector: 'cap-containers-page',
  imports: [ListPage, Dialog, NodeFilter, RouterLink, ScrollingModule, UnreachableNodes],
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
        (click)="load()"
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

    <div class="list" role="table" aria-label="Containers" [attr.aria-rowcount]="rows().length + 1">
      <div class="row head" role="row">
        <span class="c-check" role="columnheader">
          <input
            type="checkbox"
            aria-label="Select all shown containers"
            data-testid="select-all"
            [checked]="allSelected()"
            [indeterminate]="selectedCount() > 0 && !allSelected()"
            (change)="toggleAll($any($event.target).checked)"
          />
        </span>
        @for (col of headerCols; track col.cls) {
          <span role="columnheader" [class]="col.cls" [attr.aria-sort]="ariaSort(col.key)">
            @if (col.key) {
              <button
                type="button"
                class="sort"
                [attr.data-testid]="'sort-' + col.key"
                (click)="sortBy(col.key)"
              >
                {{ col.label }}
                <span aria-hidden="true">{{
                  sortKey() === col.key ? (sortDir() === 1 ? '▲' : '▼') : ''
                }}</span>
              </button>
            } @else {
              {{ col.label }}
            }
          </span>
        }
      </div>
      <cdk-virtual-scroll-viewport
        class="viewport"
        [style.--rows-height]="rows().length * rowHeight + 'px'"
        [itemSize]="rowHeight"
        minBufferPx="600"
        maxBufferPx="1200"
        data-testid="containers-viewport"
      >
        <div
          *cdkVirtualFor="let row of rows(); trackBy: trackRow; let i = index"
          class="row"
          role="row"
          [class.selected]="selection.has(row.id)"
          [attr.data-testid]="'container-row-' + row.name"
        >
          <span class="c-check" role="cell">
            <input
              type="checkbox"
              [attr.aria-label]="'Select ' + row.name"
              [attr.data-testid]="'select-' + row.name"
              [checked]="selection.has(row.id)"
              (click)="toggle(row, i, $event)"
            />
          </span>
          <span class="c-name" role="cell">
            <a
              [href]="row.link"
              data-nav
              [attr.data-testid]="'container-link-' + row.name"
              [title]="row.name"
              >{{ row.name }}</a
            >
            @if (row.node) {
              <span class="node-tag muted" [attr.data-testid]="'node-' + row.name">{{ row.node }}</span>
            }
          </span>
          <span class="c-state" role="cell">
            <span [class]="row.badgeClass" [attr.data-testid]="'state-' + row.name">{{ row.state }}</span>
            @if (row.health) {
              <span class="health" [class.bad]="row.health === 'unhealthy'" [title]="row.health">♥</span>
            }
          </span>
          <span class="c-quick" role="cell">
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
          <span class="c-image secondary" role="cell" [title]="row.image">{{ row.image }}</span>
          <span class="c-created secondary" role="cell">{{ row.created }}</span>
          <span class="c-ports secondary" role="cell" [title]="portsTitle(row)">
            @for (p of row.ports; track p.label) {
              @if (p.href) {
                <a [href]="p.href" target="_blank" rel="noopener">{{ p.label }}</a>
              } @else {
                <span>{{ p.label }}</span>
              }
            }
          </span>
          <span class="c-ip secondary" role="cell">{{ row.ip }}</span>
          <span class="c-owner secondary" role="cell">{{ row.ownership }}</span>
        </div>
      </cdk-virtual-scroll-viewport>
      @if (!loading() && rows().length === 0) {
        <p class="empty muted" data-testid="containers-empty">
          {{
            containers().length ? 'No container matches the search.' : 'No containers in this environment.'
          }}
        </p>
      }
    </div>
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
    .list {
      border: 1px solid var(--border);
      border-radius: var(--radius-lg);
      background: var(--surface);
      overflow-x: auto;
    }
    .row {
      display: grid;
      /* Fits the 1010 px a 1280 px screen leaves beside the sidebar (62rem), Ownership included. */
      grid-template-columns:
        2.5rem minmax(9rem, 2fr) 6.5rem 7.5rem minmax(8rem, 2fr) 9.75rem minmax(6rem, 1fr)
        6.5rem 6.5rem;
      align-items: center;
      height: 44px;
      min-width: 62.25rem;
      border-bottom: 1px solid var(--border);
      font-size: 0.9rem;
    }
    .row > span {
      padding: 0 0.5rem;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .node-tag {
      margin-left: 0.4rem;
      font-size: 0.75rem;
    }
    .row.head {
      background: var(--surface-2);
      font-weight: 600;
      color: var(--text-muted);
    }
    .row.selected {
      background: var(--accent-soft);
    }
    .row:not(.head):hover {
      background: var(--surface-2);
    }
    .viewport {
      height: min(var(--rows-height), max(18rem, calc(100vh - 22rem)));
      min-width: 62.25rem;
    }
    .c-check {
      display: grid;
      place-items: center;
    }
    .c-check input {
      width: 1.05rem;
      height: 1.05rem;
    }
    .c-quick a {
      text-decoration: none;
      padding: 0.2rem 0.25rem;
      font-family: var(--mono);
    }
    .c-ports a,
    .c-ports span {
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
    .sort {
      all: unset;
      cursor: pointer;
    }
    .sort:focus-visible {
      outline: 2px solid var(--focus);
    }
    .empty {
      text-align: center;
      padding: 1.5rem;
      margin: 0;
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
      .row,
      .viewport {
        min-width: 0;
      }
      .row {
        grid-template-columns: 2.25rem minmax(0, 1fr) 5.75rem 7.25rem;
      }
      .secondary {
        display: none;
      }
      .viewport {
        height: min(var(--rows-height), max(18rem, calc(100vh - 24rem)));
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
  private readonly router = inject(Router);
  private readonly toasts = inject(ToastService);
  private readonly socketFactory = inject(WEBSOCKET_FACTORY);
  private readonly destroyRef = inject(DestroyRef);
  protected readonly perm = Permission;
  protected readonly rowHeight = ROW_HEIGHT;
  protected readonly sorts = SORTS;
  protected readonly headerCols: { key: SortKey | ''; label: string; cls: string }[] = [
    { key: 'name', label: 'Name', cls: 'c-name' },
    { key: 'state', label: 'State', cls: 'c-state' },
    { key: '', label: 'Quick', cls: 'c-quick' },
    { key: 'image', label: 'Image', cls: 'c-image secondary' },
    { key: 'created', label: 'Created', cls: 'c-created secondary' },
    { key: '', label: 'Ports', cls: 'c-ports secondary' },
    { key: 'ip', label: 'IP', cls: 'c-ip secondary' },
    { key: 'ownership', label: 'Ownership', cls: 'c-owner secondary' },
  ];

  readonly containers = signal<ContainerSummary[]>([]);
  protected readonly loading = signal(true);
  protected readonly loadError = signal<string | null>(null);
  /** Swarm nodes missing from the last list (their agents did not answer). */
  protected readonly unreachable = signal<string[]>([]);
  readonly query = signal('');
  /** Node filter (agent-fronted Swarm lists only). */
  readonly node = signal('');
  protected readonly nodes = computed(() => nodeNamesOf(this.containers()));
  readonly sortKey = signal<SortKey>('name');
  /** 1 ascending, -1 descending. */
  readonly sortDir = signal<1 | -1>(1);
  readonly selection = new Selection<string>();
  private anchor: number | null = null;
  protected readonly live = signal<LiveState | 'polling'>('connecting');

  protected readonly bulkResults = signal<BulkItem[] | null>(null);
  protected readonly bulkTitle = signal('');
  protected readonly bulkBusy = signal(false);
  protected readonly removeAsk = signal<Row[] | null>(null);
  protected readonly removeForce = signal(false);
  protected readonly removeVolumes = signal(false);

  private readonly viewport = viewChild(CdkVirtualScrollViewport);
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

  /** Filtered and sorted: what the list shows, in order. */
  readonly rows = computed<Row[]>(() => {
    const terms = this.query().trim().toLowerCase().split(/\s+/).filter(Boolean);
    const node = this.node();
    const onNode = node ? this.allRows().filter((r) => r.node === node) : this.allRows();
    const filtered = terms.length
      ? onNode.filter((r) => terms.every((t) => r.haystack.includes(t)))
      : [...onNode];
    const key = this.sortKey();
    const dir = this.sortDir();
    const value = (r: Row): string | number =>
      key === 'created' ? r.c.Created : key === 'name' ? r.name : key === 'ownership' ? r.ownership : r[key];
    return filtered.sort((a, b) => (compareCells(value(a), value(b)) || a.name.localeCompare(b.name)) * dir);
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
        this.connect(id, readOnly);
      });
    });
    // The viewport's height follows the number of rows (no empty box under a short list): re-measure it.
    afterRenderEffect(() => {
      this.rows();
      this.viewport()?.checkViewportSize();
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

  protected readonly trackRow = (_: number, row: Row): string => row.id;
  protected readonly canConsole = computed(() => this.ctx.canAct(Permission.ContainerConsole));

  /** Row links are plain hrefs: a plain left click navigates inside the app (others open tabs as usual). */
  protected onLinkClick(event: MouseEvent): void {
    const link = (event.target as HTMLElement).closest?.('a[data-nav]');
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey)
      return;
    event.preventDefault();
    void this.router.navigateByUrl(link.getAttribute('href') ?? '');
  }

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

  sortBy(key: SortKey): void {
    if (this.sortKey() === key) this.sortDir.update((d) => (d === 1 ? -1 : 1));
    else {
      this.sortKey.set(key);
      this.sortDir.set(key === 'created' ? -1 : 1);
    }
    this.anchor = null;
  }

  protected ariaSort(key: SortKey | ''): string | null {
    if (!key || this.sortKey() !== key) return null;
    return this.sortDir() === 1 ? 'ascending' : 'descending';
  }

  /** Click on a row's checkbox: toggles it; with Shift, sets the range from the last click to the same state. */
  toggle(row: Row, index: number, event: MouseEvent): void {
    const checked = (event.target as HTMLInputElement).checked;
    if (event.shiftKey && this.anchor !== null) {
      const [from, to] = this.anchor < index ? [this.anchor, index] : [index, this.anchor];
      this.selection.setMany(
        this.rows()
          .slice(from, to + 1)
          .map((r) => r.id),
        checked,
      );
    } else this.selection.toggle(row.id, checked);
    this.anchor = index;
  }

  toggleAll(checked: boolean): void {
    this.selection.setAll(
      this.rows().map((r) => r.id),
      checked,
    );
    this.anchor = null;
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
