import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import {
  ContainersApi,
  EngineApi,
  type JsonSocketHandle,
  WEBSOCKET_FACTORY,
  errorMessage,
  openJsonSocket,
  shortId,
} from '@capstan/portal-data-access';
import { Alert, ConfirmService, ImageRef, Spinner, ToastService, formatTime } from '@capstan/portal-ui';

import { type ContainerInspect, OWNERSHIP_LABELS, ownershipOf, stateBadge } from '../../shared/docker-models';
import { EnvironmentContext } from '../../shell/environment-context';
import {
  CONTAINER_ACTIONS,
  type ContainerAction,
  type ContainerActionDef,
  runContainerAction,
} from '../container-actions';
import { ContainerConsole } from './console-tab';
import { ContainerInspectView } from './inspect-tab';
import { ContainerLogs } from './logs-tab';
import { ContainerProcesses } from './processes-tab';
import { ContainerStats } from './stats-tab';
import { ContainerSummaryView } from './container-summary';

export type DetailsTab = 'inspect' | 'logs' | 'console' | 'stats' | 'processes';

const TABS: { key: DetailsTab; label: string; running?: boolean }[] = [
  // The summary, with the raw inspect tree below it.
  { key: 'inspect', label: 'Overview' },
  { key: 'logs', label: 'Logs' },
  { key: 'console', label: 'Console', running: true },
  { key: 'stats', label: 'Stats', running: true },
  { key: 'processes', label: 'Processes', running: true },
];

/** What the state badge says while an action is under way (a stop can take the whole stop timeout). */
const PENDING_LABEL: Record<ContainerAction, string> = {
  start: 'starting…',
  stop: 'stopping…',
  restart: 'restarting…',
  kill: 'killing…',
  pause: 'pausing…',
  resume: 'resuming…',
  remove: 'removing…',
};

/**
 * One container: state and lifecycle actions, then overview (summary and inspect), logs, console, stats and
 * processes tabs.
 */
@Component({
  selector: 'cap-container-details-page',
  imports: [
    Alert,
    ContainerConsole,
    ContainerInspectView,
    ContainerLogs,
    ContainerProcesses,
    ContainerStats,
    ContainerSummaryView,
    ImageRef,
    RouterLink,
    Spinner,
  ],
  template: `
    <a class="back" routerLink="../" data-testid="details-back">← Containers</a>
    @if (loadError(); as message) {
      <cap-alert kind="error">{{ message }}</cap-alert>
    }
    @if (container(); as c) {
      <header class="head">
        <div class="title">
          <h2 data-testid="details-name">{{ name() }}</h2>
          <span [class]="'badge badge-' + badge()" data-testid="details-state" aria-live="polite">{{
            stateLabel()
          }}</span>
          @if (c.State.Health; as h) {
            <span class="badge" [class.badge-danger]="h.Status === 'unhealthy'">{{ h.Status }}</span>
          }
        </div>
        <dl class="facts">
          <div>
            <dt>Image</dt>
            <dd><cap-image-ref [ref]="c.Config.Image" /></dd>
          </div>
          <div>
            <dt>Id</dt>
            <dd class="mono">{{ short(c.Id) }}</dd>
          </div>
          <div>
            <dt>Created</dt>
            <dd>{{ created() }}</dd>
          </div>
          <div>
            <dt>IP</dt>
            <dd class="mono">{{ ip() || '—' }}</dd>
          </div>
          <div>
            <dt>Ownership</dt>
            <dd>{{ ownership() }}</dd>
          </div>
          @if (!c.State.Running && c.State.FinishedAt && c.State.Status === 'exited') {
            <div>
              <dt>Exit code</dt>
              <dd>{{ c.State.ExitCode }}</dd>
            </div>
          }
        </dl>
        <div class="actions" role="toolbar" aria-label="Container actions">
          @for (a of actions(); track a.action) {
            <button
              type="button"
              class="btn btn-sm"
              [class.btn-danger]="a.action === 'remove'"
              [attr.data-testid]="'details-' + a.action"
              [disabled]="pending() !== null && !(a.action === 'kill' && stopping())"
              (click)="run(a)"
            >
              {{ a.label }}
            </button>
          }
          @if (ctx.canAct(perm.ResourcesCreate)) {
            <a
              class="btn btn-sm"
              [routerLink]="['../new']"
              [queryParams]="{ from: c.Id }"
              data-testid="details-duplicate"
              >Duplicate</a
            >
            @if (canOperate()) {
              <a
                class="btn btn-sm"
                [routerLink]="['../new']"
                [queryParams]="{ from: c.Id, recreate: 1 }"
                data-testid="details-edit"
                >Edit / recreate</a
              >
            }
          }
          <button type="button" class="btn btn-sm btn-ghost" data-testid="details-refresh" (click)="load()">
            ↻
          </button>
        </div>
      </header>

      @if (stopping()) {
        <p class="stopping" role="status" data-testid="details-stopping">
          Waiting for {{ name() }} to exit: Docker sent {{ stopSignal() }} and kills it after
          {{ stopTimeout() }} s if it has not exited.
          @if (canKill()) {
            <button
              type="button"
              class="btn btn-sm btn-danger"
              data-testid="details-kill-now"
              (click)="killNow()"
            >
              Kill now
            </button>
          }
        </p>
      }

      <div class="tabs" role="tablist" aria-label="Container views">
        @for (t of tabs(); track t.key) {
          <button
            type="button"
            role="tab"
            [id]="'tab-' + t.key"
            [attr.aria-selected]="activeTab() === t.key"
            [attr.aria-controls]="'panel-' + t.key"
            [attr.tabindex]="activeTab() === t.key ? 0 : -1"
            [attr.data-testid]="'tab-' + t.key"
            [class.active]="activeTab() === t.key"
            (click)="selectTab(t.key)"
            (keydown)="onTabKey($event)"
          >
            {{ t.label }}
          </button>
        }
      </div>
      <section
        class="panel"
        role="tabpanel"
        [id]="'panel-' + activeTab()"
        [attr.aria-labelledby]="'tab-' + activeTab()"
      >
        @switch (activeTab()) {
          @case ('inspect') {
            <cap-container-summary [data]="c" [publishHost]="ctx.publishHost()" />
            <h3 class="raw">Inspect</h3>
            <cap-container-inspect [data]="c" />
          }
          @case ('logs') {
            <cap-container-logs
              [envId]="ctx.envId()"
              [containerId]="c.Id"
              [containerName]="name()"
              [tty]="c.Config.Tty"
            />
          }
          @case ('console') {
            <cap-container-console [envId]="ctx.envId()" [containerId]="c.Id" />
          }
          @case ('stats') {
            <cap-container-stats [envId]="ctx.envId()" [containerId]="c.Id" />
          }
          @case ('processes') {
            <cap-container-processes [envId]="ctx.envId()" [containerId]="c.Id" />
          }
        }
      </section>
    } @else if (!loadError()) {
      <cap-spinner />
    }
  `,
  styles: `
    .back {
      display: inline-block;
      margin-bottom: 0.75rem;
      text-decoration: none;
    }
    .head {
      margin-bottom: 1rem;
    }
    .title {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      align-items: center;
    }
    h2 {
      margin: 0;
      font-size: 1.3rem;
      overflow-wrap: anywhere;
    }
    .facts {
      display: flex;
      flex-wrap: wrap;
      gap: 0.4rem 1.5rem;
      margin: 0.75rem 0;
      font-size: 0.9rem;
    }
    .facts div {
      display: grid;
      min-width: 0;
    }
    dt {
      color: var(--text-muted);
      font-size: 0.8rem;
      font-weight: 600;
    }
    dd {
      margin: 0;
      overflow-wrap: anywhere;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 0.4rem;
    }
    .badge-warning {
      background: var(--warning-bg);
      color: var(--warning);
      border-color: transparent;
    }
    .stopping {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      align-items: center;
      margin: 0 0 1rem;
      padding: 0.5rem 0.75rem;
      border-left: 3px solid var(--warning);
      background: var(--warning-bg);
      border-radius: var(--radius);
    }
    .raw {
      margin: 0 0 0.5rem;
      font-size: 0.95rem;
    }
    /* The tabs wrap on a phone rather than scroll out of sight. */
    .tabs {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem;
      border-bottom: 1px solid var(--border);
      margin-bottom: 1rem;
    }
    .tabs button {
      all: unset;
      cursor: pointer;
      padding: 0.45rem 0.8rem;
      border-bottom: 2px solid transparent;
      color: var(--text-muted);
      font-weight: 500;
      white-space: nowrap;
    }
    .tabs button.active {
      color: var(--accent-strong);
      border-bottom-color: var(--accent);
    }
    .tabs button:focus-visible {
      outline: 2px solid var(--focus);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ContainerDetailsPage {
  protected readonly ctx = inject(EnvironmentContext);
  private readonly engine = inject(EngineApi);
  private readonly containers = inject(ContainersApi);
  private readonly router = inject(Router);
  private readonly toasts = inject(ToastService);
  private readonly confirm = inject(ConfirmService);
  private readonly socketFactory = inject(WEBSOCKET_FACTORY);
  protected readonly perm = Permission;
  private events: JsonSocketHandle | null = null;
  private reloadTimer: ReturnType<typeof setTimeout> | null = null;

  /** Route parameter and `?tab=` (component input binding). */
  readonly id = input.required<string>();
  readonly tab = input<string | undefined>(undefined);

  readonly container = signal<ContainerInspect | null>(null);
  protected readonly loadError = signal<string | null>(null);
  /** The action under way, if any: its label replaces the state, and only Kill stays offered during a stop. */
  protected readonly pending = signal<ContainerAction | null>(null);
  protected readonly stopping = computed(() => this.pending() === 'stop' || this.pending() === 'restart');
  protected readonly stateLabel = computed(() => {
    const pending = this.pending();
    return pending ? PENDING_LABEL[pending] : (this.container()?.State.Status ?? '');
  });
  protected readonly stopSignal = computed(() => this.container()?.Config.StopSignal || 'SIGTERM');
  protected readonly stopTimeout = computed(() => this.container()?.Config.StopTimeout ?? 10);
  protected readonly canKill = computed(() => this.actions().some((a) => a.action === 'kill'));

  protected readonly name = computed(() => this.container()?.Name.replace(/^\//, '') ?? '');
  protected readonly badge = computed(() =>
    this.pending() ? 'warning' : stateBadge(this.container()?.State.Status ?? ''),
  );
  protected readonly created = computed(() => {
    const c = this.container();
    return c ? formatTime(c.Created) : '';
  });
  protected readonly ip = computed(() => {
    const nets = this.container()?.NetworkSettings.Networks ?? {};
    return Object.values(nets).find((n) => n.IPAddress)?.IPAddress ?? '';
  });
  protected readonly ownership = computed(() => {
    const c = this.container();
    return c ? OWNERSHIP_LABELS[ownershipOf(c)] : '';
  });
  private readonly owned = computed(() =>
    this.ctx.ownedByCaller(this.container()?.Portainer?.ResourceControl),
  );
  protected readonly canOperate = computed(() => this.ctx.canOperate(this.owned()));
  protected readonly actions = computed<ContainerActionDef[]>(() => {
    const state = this.container()?.State.Status ?? '';
    const canRemove =
      !this.ctx.readOnly() &&
      (this.ctx.can(Permission.ResourcesManageAll) ||
        (this.owned() && this.ctx.can(Permission.ResourcesManageOwned)));
    return CONTAINER_ACTIONS.filter((a) => {
      if (a.when && !a.when.includes(state)) return false;
      return a.action === 'remove' ? canRemove : this.canOperate();
    });
  });
  protected readonly tabs = computed(() => {
    const running = this.container()?.State.Running ?? false;
    return TABS.filter(
      (t) =>
        (!t.running || running) &&
        (t.key !== 'console' || this.ctx.canAct(Permission.ContainerConsole)) &&
        (!this.ctx.readOnly() || t.key === 'inspect'),
    );
  });
  readonly activeTab = computed<DetailsTab>(() => {
    const wanted = this.tab() as DetailsTab | undefined;
    const tabs = this.tabs();
    return tabs.find((t) => t.key === wanted)?.key ?? tabs[0]?.key ?? 'inspect';
  });

  constructor() {
    effect(() => {
      this.id();
      this.ctx.envId();
      untracked(() => void this.load());
    });
    // Live state: this container's events (start, die, pause, rename…) reload it; no socket, no live state.
    effect(() => {
      const envId = this.ctx.envId();
      const down = this.ctx.readOnly();
      untracked(() => {
        this.events?.close();
        this.events = null;
        if (!envId || down) return;
        this.events = openJsonSocket<{ Type?: string; Actor?: { ID?: string } }>(
          this.socketFactory,
          this.engine.eventsSocketUrl(envId),
          {
            message: (event) => {
              const id = this.container()?.Id;
              if (event.Type === 'container' && id && event.Actor?.ID === id) this.scheduleReload();
            },
          },
        );
      });
    });
    inject(DestroyRef).onDestroy(() => {
      this.events?.close();
      if (this.reloadTimer) clearTimeout(this.reloadTimer);
    });
  }

  private scheduleReload(): void {
    if (this.reloadTimer) return;
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = null;
      void this.load();
    }, 300);
  }

  async load(): Promise<void> {
    try {
      this.container.set(await this.containers.inspect<ContainerInspect>(this.ctx.envId(), this.id()));
      this.loadError.set(null);
    } catch (error) {
      this.loadError.set(`Could not read container ${this.id()}: ${errorMessage(error)}`);
    }
  }

  protected short = shortId;

  protected selectTab(tab: DetailsTab): void {
    void this.router.navigate([], { queryParams: { tab }, queryParamsHandling: 'merge', replaceUrl: true });
  }

  protected onTabKey(event: KeyboardEvent): void {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    const tabs = this.tabs();
    const i = tabs.findIndex((t) => t.key === this.activeTab());
    const next = tabs[(i + (event.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    this.selectTab(next.key);
    setTimeout(() => document.getElementById(`tab-${next.key}`)?.focus());
  }

  protected async run(def: ContainerActionDef): Promise<void> {
    const c = this.container();
    if (!c) return;
    let force = false;
    if (def.action === 'remove') {
      const ok = await this.confirm.ask({
        title: 'Remove container',
        message: `Remove ${this.name()}?${c.State.Running ? ' It is running: it will be stopped (force).' : ''} This cannot be undone.`,
        confirmLabel: 'Remove',
        danger: true,
      });
      if (!ok) return;
      force = c.State.Running;
    }
    // Kill while a stop waits: a second request beside the first, which then ends as the container dies.
    const beside = def.action === 'kill' && this.stopping();
    if (!beside) this.pending.set(def.action);
    try {
      await runContainerAction(this.containers, this.ctx.envId(), c.Id, def.action, {
        force,
        volumes: false,
      });
      this.toasts.success(`${this.name()} ${def.done}`);
      if (def.action === 'remove') {
        await this.router.navigate(['/environments', this.ctx.envId(), 'docker', 'containers']);
        return;
      }
      await this.load();
    } catch (error) {
      this.toasts.error(`${def.label} ${this.name()}: ${errorMessage(error)}`);
    } finally {
      if (!beside) this.pending.set(null);
    }
  }

  protected killNow(): void {
    const kill = CONTAINER_ACTIONS.find((a) => a.action === 'kill');
    if (kill) void this.run(kill);
  }
}
