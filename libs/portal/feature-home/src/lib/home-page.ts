import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  signal,
  untracked,
} from '@angular/core';
import { RouterLink } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import {
  AuthApi,
  type Environment,
  type EnvironmentGroup,
  type EnvironmentQuery,
  type EnvironmentStatus,
  type EnvironmentTag,
  EnvironmentsApi,
  type LocalEngine,
  type OutdatedSummary,
  RegistriesApi,
  SessionStore,
  type SystemStatus,
  connectionKind,
  errorMessage,
} from '@capstan/portal-data-access';
import {
  Alert,
  EmptyState,
  PageHeader,
  RelativeTime,
  SearchShortcut,
  Spinner,
  ToastService,
} from '@capstan/portal-ui';

import { EnvironmentCard } from './environment-card';
import { EnvironmentList } from './environment-list';

/** Connection kinds the server cannot filter on: the page asks for every match and filters itself. */
export type KindFilter = '' | 'docker' | 'podman' | 'socket' | 'api' | 'tls' | 'agent';
type View = 'cards' | 'list';

const SEARCH_DEBOUNCE_MS = 300;
const DOWN_REFRESH_MS = 30_000;
/** "2 min ago" moves on without refetching. */
const PAGE_SIZE = 12;
const VIEW_KEY = 'capstan.home.view';

export function matchesKind(env: Environment, kind: KindFilter): boolean {
  switch (kind) {
    case '':
      return true;
    case 'docker':
      return env.ContainerEngine !== 'podman';
    case 'podman':
      return env.ContainerEngine === 'podman';
    case 'socket':
    case 'api':
    case 'tls':
    case 'agent':
      return connectionKind(env) === kind;
  }
}

/**
 * Home: the environments the user may use, as cards or rows, searched and filtered on the server, with the
 * system status. Administrators can snapshot everything now and, on a fresh install, add the local engine
 * in one click.
 */
@Component({
  selector: 'cap-home-page',
  imports: [
    Alert,
    EmptyState,
    PageHeader,
    SearchShortcut,
    Spinner,
    RouterLink,
    EnvironmentCard,
    EnvironmentList,
    RelativeTime,
  ],
  template: `
    <cap-page-header title="Home" [subtitle]="'Welcome, ' + (session.user()?.Username ?? '') + '.'">
      @if (isAdmin()) {
        <a class="btn" routerLink="/environments/new" data-testid="home-add-environment">+ Add environment</a>
        <button
          type="button"
          class="btn btn-primary"
          data-testid="home-refresh"
          [disabled]="refreshing()"
          (click)="refreshAll()"
        >
          @if (refreshing()) {
            <cap-spinner label="Taking snapshots" /> Refreshing…
          } @else {
            ⟳ Refresh
          }
        </button>
      }
    </cap-page-header>

    <section class="card status" aria-labelledby="status-title" data-testid="system-status">
      <h2 id="status-title">System status</h2>
      @if (statusError(); as message) {
        <cap-alert kind="error">{{ message }}</cap-alert>
      } @else if (status(); as s) {
        <dl>
          <div>
            <dt>Server</dt>
            <dd><span class="badge badge-success">Up</span></dd>
          </div>
          <div>
            <dt>Version</dt>
            <dd data-testid="status-version">{{ s.Version }}</dd>
          </div>
          <div class="instance">
            <dt>Instance ID</dt>
            <dd class="mono">{{ s.InstanceID }}</dd>
          </div>
          <div>
            <dt>Environments</dt>
            <dd data-testid="status-environments">{{ available() }}</dd>
          </div>
          @if (outdated(); as o) {
            <div>
              <dt>Out-of-date containers</dt>
              <dd data-testid="status-outdated">
                @if (o.CheckedAt) {
                  <span [class.badge]="o.Outdated > 0" [class.badge-warning]="o.Outdated > 0">{{
                    o.Outdated
                  }}</span>
                  <small class="muted">checked <cap-time [value]="o.CheckedAt * 1000" /></small>
                } @else {
                  <span class="muted">not checked yet</span>
                }
                <button
                  type="button"
                  class="btn-link"
                  data-testid="status-outdated-check"
                  [disabled]="checkingOutdated()"
                  (click)="checkOutdated()"
                >
                  {{ checkingOutdated() ? 'Checking…' : 'Check now' }}
                </button>
              </dd>
            </div>
          }
        </dl>
      } @else {
        <cap-spinner label="Loading the system status" />
      }
    </section>

    <section aria-labelledby="env-title" class="environments">
      <div class="env-head">
        <h2 id="env-title">Environments</h2>
        <label class="search">
          <span class="sr-only">Search environments</span>
          <input
            class="input"
            type="search"
            placeholder="Search environments (press /)"
            capSearchShortcut
            data-testid="home-search"
            [value]="query()"
            (input)="query.set($any($event.target).value)"
          />
        </label>
      </div>

      <div class="filters" role="group" aria-label="Filters">
        <label>
          <span>Group</span>
          <select class="input" data-testid="filter-group" (change)="setGroup(+$any($event.target).value)">
            <option value="0" [selected]="groupId() === 0">All groups</option>
            @for (g of groups(); track g.Id) {
              <option [value]="g.Id" [selected]="groupId() === g.Id">{{ g.Name }}</option>
            }
          </select>
        </label>
        <label>
          <span>Tag</span>
          <select class="input" data-testid="filter-tag" (change)="setTag(+$any($event.target).value)">
            <option value="0" [selected]="tagId() === 0">All tags</option>
            @for (t of tags(); track t.ID) {
              <option [value]="t.ID" [selected]="tagId() === t.ID">{{ t.Name }}</option>
            }
          </select>
        </label>
        <label>
          <span>Type</span>
          <select class="input" data-testid="filter-type" (change)="setKind($any($event.target).value)">
            <option value="" [selected]="kind() === ''">All types</option>
            <option value="docker" [selected]="kind() === 'docker'">Docker</option>
            <option value="podman" [selected]="kind() === 'podman'">Podman</option>
            <option value="socket" [selected]="kind() === 'socket'">Local socket</option>
            <option value="api" [selected]="kind() === 'api'">Docker API</option>
            <option value="tls" [selected]="kind() === 'tls'">Docker API + TLS</option>
            <option value="agent" [selected]="kind() === 'agent'">Agent</option>
          </select>
        </label>
        <label>
          <span>Status</span>
          <select class="input" data-testid="filter-status" (change)="setStatus(+$any($event.target).value)">
            <option value="0" [selected]="statusFilter() === 0">Any status</option>
            <option value="1" [selected]="statusFilter() === 1">Up</option>
            <option value="2" [selected]="statusFilter() === 2">Down</option>
          </select>
        </label>
        <div class="view" role="group" aria-label="View">
          <button
            type="button"
            class="btn btn-sm"
            data-testid="view-cards"
            [attr.aria-pressed]="view() === 'cards'"
            (click)="setView('cards')"
          >
            ▦ Cards
          </button>
          <button
            type="button"
            class="btn btn-sm"
            data-testid="view-list"
            [attr.aria-pressed]="view() === 'list'"
            (click)="setView('list')"
          >
            ☰ List
          </button>
        </div>
      </div>

      @if (loadError(); as message) {
        <cap-alert kind="error">{{ message }}</cap-alert>
      }

      @if (offer(); as engine) {
        <div class="card offer" data-testid="local-env-offer">
          <p><strong>Get started:</strong> Capstan found a {{ engineName(engine) }} engine on this host.</p>
          <button
            type="button"
            class="btn btn-primary"
            data-testid="local-env-add"
            [disabled]="adding()"
            (click)="addLocal(engine)"
          >
            {{ adding() ? 'Adding…' : offerLabel(engine) }}
          </button>
          @if (addError(); as message) {
            <cap-alert kind="error">{{ message }}</cap-alert>
          }
        </div>
      }

      @if (loading() && envs().length === 0) {
        <cap-spinner label="Loading environments" />
      } @else if (visible().length > 0) {
        @if (view() === 'cards') {
          <div class="grid" role="list" aria-label="Environments">
            @for (e of visible(); track e.Id) {
              <cap-environment-card
                role="listitem"
                [env]="e"
                [groupName]="groupNames()[e.GroupId] ?? ''"
                [tagNames]="tagsOf(e)"
                [showRole]="!isAdmin()"
              />
            }
          </div>
        } @else {
          <cap-environment-list [envs]="visible()" [groupNames]="groupNames()" [tagNames]="tagNames()" />
        }
        @if (pageCount() > 1) {
          <nav class="pager" aria-label="Pagination">
            <span class="muted" data-testid="home-range">{{ rangeText() }}</span>
            <button
              type="button"
              class="btn btn-sm"
              data-testid="home-prev"
              [disabled]="page() === 0"
              (click)="page.set(page() - 1)"
            >
              ‹ Prev
            </button>
            <span aria-live="polite">Page {{ page() + 1 }} of {{ pageCount() }}</span>
            <button
              type="button"
              class="btn btn-sm"
              data-testid="home-next"
              [disabled]="page() >= pageCount() - 1"
              (click)="page.set(page() + 1)"
            >
              Next ›
            </button>
          </nav>
        }
      } @else if (!loading() && !loadError()) {
        @if (filtered()) {
          <cap-empty-state
            icon="⌕"
            title="No environment matches"
            message="Change the search or the filters to see more."
          />
        } @else if (isAdmin()) {
          <cap-empty-state
            icon="⎈"
            title="No environment yet"
            message="Add a Docker or Podman engine — through its local socket or its API over TCP, with or without TLS — and it appears here."
          >
            <a class="btn" routerLink="/environments/new">Add an environment</a>
          </cap-empty-state>
        } @else {
          <cap-empty-state
            icon="⎈"
            title="No environment is available to you yet"
            message="An administrator gives you access to environments; they then appear here."
          />
        }
      }
    </section>
  `,
  styles: `
    :host {
      display: flex;
      flex-direction: column;
    }
    /* On a phone the environments come first: the status card below them, compact (no instance id). */
    @media (max-width: 600px) {
      .status {
        order: 1;
        margin-top: 1.5rem;
      }
      .status dl {
        grid-template-columns: repeat(3, auto);
      }
      .status .instance {
        display: none;
      }
    }
    .status dl {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr));
      gap: 0.75rem 1.5rem;
      margin: 0;
    }
    .status dt {
      font-size: 0.8rem;
      color: var(--text-muted);
    }
    .status dd {
      margin: 0;
      font-weight: 600;
      overflow-wrap: anywhere;
    }
    .environments {
      margin-top: 1.5rem;
    }
    .env-head {
      display: flex;
      flex-wrap: wrap;
      gap: 0.75rem;
      align-items: center;
      justify-content: space-between;
      margin-bottom: 0.75rem;
    }
    .env-head h2 {
      margin: 0;
      font-size: 1.15rem;
    }
    .search {
      flex: 1 1 16rem;
      max-width: 24rem;
    }
    .filters {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 0.75rem;
      align-items: end;
      margin-bottom: 1rem;
    }
    .filters label {
      display: grid;
      gap: 0.2rem;
      font-size: 0.8rem;
      color: var(--text-muted);
      flex: 1 1 9rem;
      max-width: 14rem;
    }
    .view {
      display: flex;
      gap: 0.25rem;
      margin-left: auto;
    }
    .view [aria-pressed='true'] {
      background: var(--accent-soft);
      border-color: var(--accent);
    }
    .offer {
      display: flex;
      flex-wrap: wrap;
      gap: 0.75rem;
      align-items: center;
      justify-content: space-between;
      margin-bottom: 1rem;
      border-color: var(--accent);
    }
    .offer p {
      margin: 0;
    }
    .grid {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(min(19rem, 100%), 1fr));
      gap: 1rem;
    }
    .pager {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 1rem;
      align-items: center;
      justify-content: flex-end;
      padding: 0.75rem 0;
      font-size: 0.9rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HomePage {
  protected readonly session = inject(SessionStore);
  private readonly authApi = inject(AuthApi);
  private readonly environmentsApi = inject(EnvironmentsApi);
  private readonly registriesApi = inject(RegistriesApi);
  private readonly toasts = inject(ToastService);
  /** The daily out-of-date check's last result (administrators of registries). */
  protected readonly outdated = signal<OutdatedSummary | null>(null);
  protected readonly checkingOutdated = signal(false);

  protected async checkOutdated(): Promise<void> {
    this.checkingOutdated.set(true);
    try {
      this.outdated.set(await this.registriesApi.checkOutdated());
    } catch (error) {
      this.toasts.error(`The out-of-date check failed: ${errorMessage(error)}`);
    } finally {
      this.checkingOutdated.set(false);
    }
  }

  protected readonly isAdmin = computed(() => this.session.can(Permission.EnvironmentsManage));
  protected readonly status = signal<SystemStatus | null>(null);
  protected readonly statusError = signal<string | null>(null);

  // What the user asked for.
  protected readonly query = signal('');
  private readonly search = signal('');
  protected readonly groupId = signal(0);
  protected readonly tagId = signal(0);
  protected readonly kind = signal<KindFilter>('');
  protected readonly statusFilter = signal<0 | EnvironmentStatus>(0);
  readonly page = signal(0);
  protected readonly view = signal<View>(readView());

  // What the server said.
  protected readonly envs = signal<Environment[]>([]);
  protected readonly total = signal(0);
  protected readonly available = signal(0);
  protected readonly loading = signal(true);
  protected readonly loadError = signal<string | null>(null);
  protected readonly groups = signal<EnvironmentGroup[]>([]);
  protected readonly tags = signal<EnvironmentTag[]>([]);
  protected readonly localEngine = signal<LocalEngine | null>(null);
  protected readonly refreshing = signal(false);
  protected readonly adding = signal(false);
  protected readonly addError = signal<string | null>(null);

  protected readonly filtered = computed(
    () =>
      this.search().trim() !== '' ||
      this.groupId() !== 0 ||
      this.tagId() !== 0 ||
      this.kind() !== '' ||
      this.statusFilter() !== 0,
  );
  protected readonly groupNames = computed<Partial<Record<number, string>>>(() =>
    Object.fromEntries(this.groups().map((g) => [g.Id, g.Name] as const)),
  );
  protected readonly tagNames = computed<Partial<Record<number, string>>>(() =>
    Object.fromEntries(this.tags().map((t) => [t.ID, t.Name] as const)),
  );

  /**
   * With a type filter the server cannot apply, every match is fetched and paged here; otherwise the server
   * pages and `envs` is the current page.
   */
  protected readonly visible = computed(() => {
    const kind = this.kind();
    if (kind === '') return this.envs();
    const start = this.page() * PAGE_SIZE;
    return this.matching().slice(start, start + PAGE_SIZE);
  });
  private readonly matching = computed(() => this.envs().filter((e) => matchesKind(e, this.kind())));
  private readonly count = computed(() => (this.kind() === '' ? this.total() : this.matching().length));
  protected readonly pageCount = computed(() => Math.max(1, Math.ceil(this.count() / PAGE_SIZE)));
  protected readonly rangeText = computed(() => {
    const start = this.page() * PAGE_SIZE + 1;
    return `${start}–${Math.min(this.count(), start + PAGE_SIZE - 1)} of ${this.count()}`;
  });

  /** The first-run offer: an administrator, no environment at all, and a local engine that answers. */
  protected readonly offer = computed(() => {
    const engine = this.localEngine();
    return this.isAdmin() && this.available() === 0 && !this.loading() && engine?.Available ? engine : null;
  });

  private readonly request = computed<EnvironmentQuery>(() => {
    const all = this.kind() !== '';
    return {
      search: this.search(),
      groupIds: this.groupId() ? [this.groupId()] : undefined,
      tagIds: this.tagId() ? [this.tagId()] : undefined,
      status: this.statusFilter() ? [this.statusFilter() as EnvironmentStatus] : undefined,
      start: all ? undefined : this.page() * PAGE_SIZE,
      limit: all ? undefined : PAGE_SIZE,
      sort: 'Name',
      order: 'asc',
    };
  });
  private generation = 0;
  private focusAfterLoad: string | null = null;

  constructor() {
    if (this.session.can(Permission.RegistriesManage))
      this.registriesApi
        .outdated()
        .then((o) => this.outdated.set(o))
        .catch(() => this.outdated.set(null));
    this.authApi
      .status()
      .then((s) => this.status.set(s))
      .catch((error: unknown) => this.statusError.set(`The server did not answer: ${errorMessage(error)}`));
    void this.loadLookups();

    // Debounced server-side search.
    effect((onCleanup) => {
      const q = this.query();
      const timer = setTimeout(() => {
        if (this.search() !== q) {
          this.search.set(q);
          this.page.set(0);
        }
      }, SEARCH_DEBOUNCE_MS);
      onCleanup(() => clearTimeout(timer));
    });

    effect(() => {
      const request = this.request();
      untracked(() => void this.load(request));
    });

    // A down environment may come back: look again every 30 s while one is listed.
    effect((onCleanup) => {
      if (!this.envs().some((e) => e.Status !== 1)) return;
      const timer = setInterval(() => void this.load(this.request()), DOWN_REFRESH_MS);
      onCleanup(() => clearInterval(timer));
    });
  }

  protected setGroup(id: number): void {
    this.groupId.set(id);
    this.page.set(0);
  }

  protected setTag(id: number): void {
    this.tagId.set(id);
    this.page.set(0);
  }

  protected setKind(kind: KindFilter): void {
    this.kind.set(kind);
    this.page.set(0);
  }

  protected setStatus(status: number): void {
    this.statusFilter.set(status === 1 || status === 2 ? status : 0);
    this.page.set(0);
  }

  protected setView(view: View): void {
    this.view.set(view);
    try {
      localStorage.setItem(VIEW_KEY, view);
    } catch {
      // Private mode: the choice lasts for this page only.
    }
  }

  protected tagsOf(env: Environment): string[] {
    const names = this.tagNames();
    return env.TagIds.map((id) => names[id] ?? String(id));
  }

  protected engineName(engine: LocalEngine): string {
    return engine.Engine === 'podman' ? 'Podman' : 'Docker';
  }

  protected offerLabel(engine: LocalEngine): string {
    const version = engine.Version ? `, ${this.engineName(engine)} ${engine.Version}` : '';
    return `Add the local ${this.engineName(engine)} environment (${engine.URL}${version})`;
  }

  protected async addLocal(engine: LocalEngine): Promise<void> {
    this.adding.set(true);
    this.addError.set(null);
    try {
      const env = await this.environmentsApi.create({
        name: 'local',
        engine: engine.Engine ?? 'docker',
        url: engine.URL,
      });
      this.toasts.success(`Environment ${env.Name} added`);
      this.localEngine.set(null);
      this.focusAfterLoad = env.Name;
      await this.load(this.request());
    } catch (error) {
      this.addError.set(errorMessage(error));
    } finally {
      this.adding.set(false);
    }
  }

  protected async refreshAll(): Promise<void> {
    this.refreshing.set(true);
    try {
      const outcomes = await this.environmentsApi.snapshotAll();
      const down = outcomes.filter((o) => o.status !== 1).length;
      const message = `${outcomes.length - down} up, ${down} down`;
      if (down > 0) this.toasts.error(`Snapshots taken: ${message}`);
      else this.toasts.success(`Snapshots taken: ${message}`);
      await this.load(this.request());
    } catch (error) {
      this.toasts.error(`Could not take the snapshots: ${errorMessage(error)}`);
    } finally {
      this.refreshing.set(false);
    }
  }

  private async load(request: EnvironmentQuery): Promise<void> {
    const generation = ++this.generation;
    this.loading.set(true);
    try {
      const page = await this.environmentsApi.list(request);
      if (generation !== this.generation) return;
      this.envs.set(page.items);
      this.total.set(page.total);
      this.available.set(page.available);
      this.loadError.set(null);
      if (page.available === 0 && this.isAdmin() && !this.localEngine()) void this.checkLocalEngine();
    } catch (error) {
      if (generation === this.generation)
        this.loadError.set(`Could not load the environments: ${errorMessage(error)}`);
    } finally {
      if (generation === this.generation) this.loading.set(false);
    }
    this.focusNewCard();
  }

  private async checkLocalEngine(): Promise<void> {
    try {
      this.localEngine.set(await this.environmentsApi.localEngine());
    } catch {
      // No offer then; adding an environment by hand still works.
    }
  }

  private async loadLookups(): Promise<void> {
    const [groups, tags] = await Promise.allSettled([
      this.environmentsApi.groups(),
      this.environmentsApi.tags(),
    ]);
    if (groups.status === 'fulfilled') this.groups.set(groups.value);
    if (tags.status === 'fulfilled') this.tags.set(tags.value);
  }

  /** After the one-click add, the new card gets the focus (the user "lands" on it). */
  private focusNewCard(): void {
    const name = this.focusAfterLoad;
    if (!name) return;
    this.focusAfterLoad = null;
    setTimeout(() => {
      const card = Array.from(document.querySelectorAll<HTMLElement>('[data-testid^="env-card-"]')).find(
        (el) => el.dataset['testid'] === `env-card-${name}`,
      );
      card?.focus();
    });
  }
}

function readView(): View {
  try {
    return localStorage.getItem(VIEW_KEY) === 'list' ? 'list' : 'cards';
  } catch {
    return 'cards';
  }
}
