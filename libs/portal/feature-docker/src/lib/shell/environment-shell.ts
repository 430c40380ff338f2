import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  Injector,
  afterNextRender,
  computed,
  effect,
  inject,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { EngineApi } from '@capstan/portal-data-access';
import { Alert, Spinner, TimePipe } from '@capstan/portal-ui';

import { nodeList } from '../swarm/node-column';
import { ENV_STATUS_UP, EnvironmentContext } from './environment-context';

export interface EnvironmentSection {
  readonly label: string;
  /** Relative to `/environments/:envId/docker`. */
  readonly path: string;
  readonly testId: string;
}

export const ENVIRONMENT_SECTIONS: readonly EnvironmentSection[] = [
  { label: 'Dashboard', path: '', testId: 'env-nav-dashboard' },
  { label: 'Stacks', path: 'stacks', testId: 'env-nav-stacks' },
  { label: 'Templates', path: 'templates', testId: 'env-nav-templates' },
  { label: 'Containers', path: 'containers', testId: 'env-nav-containers' },
  { label: 'Images', path: 'images', testId: 'env-nav-images' },
  { label: 'Volumes', path: 'volumes', testId: 'env-nav-volumes' },
  { label: 'Networks', path: 'networks', testId: 'env-nav-networks' },
  { label: 'Events', path: 'events', testId: 'env-nav-events' },
  { label: 'Engine', path: 'engine', testId: 'env-nav-engine' },
];

/** Shown on agent environments: the host's hardware and files, which only the agent can read. */
export const AGENT_SECTIONS: readonly EnvironmentSection[] = [
  { label: 'Host', path: 'host', testId: 'env-nav-host' },
];

/** Shown when the environment is a Swarm manager (its `/info` says so, else its snapshot). */
export const SWARM_SECTIONS: readonly EnvironmentSection[] = [
  { label: 'Swarm', path: 'swarm', testId: 'env-nav-swarm' },
  { label: 'Services', path: 'swarm/services', testId: 'env-nav-services' },
  { label: 'Configs', path: 'swarm/configs', testId: 'env-nav-configs' },
  { label: 'Secrets', path: 'swarm/secrets', testId: 'env-nav-secrets' },
];

/** The nav's groups, each kept together on one row when the tabs wrap. */
export interface EnvironmentSectionGroup {
  /** Its accessible name (`role="group"`). */
  readonly label: string;
  readonly testId: string;
  readonly sections: readonly EnvironmentSection[];
}

/**
 * Scrolls `nav` sideways so that `link` is in view, centred when it can be, should the nav ever scroll; nothing
 * when it does not (the tabs wrap at every width).
 */
export function revealInNav(nav: HTMLElement, link: HTMLElement): void {
  if (nav.scrollWidth <= nav.clientWidth) return;
  const box = nav.getBoundingClientRect();
  const tab = link.getBoundingClientRect();
  const left = nav.scrollLeft + tab.left - box.left - (nav.clientWidth - tab.width) / 2;
  nav.scrollLeft = Math.max(0, Math.min(left, nav.scrollWidth - nav.clientWidth));
}

/**
 * The frame of every page of one Docker/Podman environment: its name and status, the section nav, the
 * "browsing a snapshot" banner, and the `EnvironmentContext` the pages below inject.
 */
@Component({
  selector: 'cap-environment-shell',
  imports: [Alert, RouterLink, RouterLinkActive, RouterOutlet, Spinner, TimePipe],
  providers: [EnvironmentContext],
  template: `
    <header class="env-header">
      <div class="env-title">
        <a routerLink="/home" class="back" aria-label="All environments">←</a>
        <h1 class="env-name" data-testid="env-name">
          {{ ctx.env()?.Name ?? (ctx.loading() ? 'Loading…' : 'Environment ' + ctx.envId()) }}
        </h1>
        @if (ctx.env(); as env) {
          <span
            class="badge"
            data-testid="env-status"
            [class.badge-success]="env.Status === up"
            [class.badge-danger]="env.Status !== up"
            >{{ env.Status === up ? 'up' : 'down' }}</span
          >
          <span class="badge" data-testid="env-engine">{{ engineLabel() }}</span>
          @if (ctx.roleName(); as role) {
            <span class="muted role">{{ role }}</span>
          }
        }
      </div>
      <nav class="env-nav" aria-label="Environment sections" #nav>
        <div class="env-nav-groups">
          @for (group of groups(); track group.testId) {
            <div
              class="env-nav-group"
              role="group"
              [attr.aria-label]="group.label"
              [attr.data-testid]="group.testId"
            >
              @for (s of group.sections; track s.path) {
                <a
                  [routerLink]="s.path ? s.path : '.'"
                  routerLinkActive="active"
                  [routerLinkActiveOptions]="{ exact: s.path === '' || s.path === 'swarm' }"
                  [attr.data-testid]="s.testId"
                  ariaCurrentWhenActive="page"
                  #tab
                  (isActiveChange)="$event && revealTab(tab)"
                  >{{ s.label }}</a
                >
              }
            </div>
          }
        </div>
      </nav>
    </header>

    @if (ctx.error(); as message) {
      <cap-alert kind="error">{{ message }}</cap-alert>
    }
    @if (ctx.snapshotTime(); as time) {
      <cap-alert kind="warning" testId="snapshot-banner">
        Environment unreachable — showing the snapshot of {{ time | capTime }}, read-only.
      </cap-alert>
    }
    @if (ctx.snapshotUnreachable().length > 0) {
      <cap-alert kind="warning" testId="snapshot-unreachable">
        {{ unreachableText() }} did not answer the last snapshot: its counts miss
        {{ ctx.snapshotUnreachable().length === 1 ? 'that node' : 'those nodes' }}.
      </cap-alert>
    }
    @if (ctx.loading() && !ctx.env()) {
      <cap-spinner label="Loading the environment…" />
    } @else if (ctx.env()) {
      <router-outlet />
    }
  `,
  styles: `
    :host {
      display: block;
    }
    .env-header {
      margin-bottom: 1rem;
    }
    .env-title {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.5rem 0.75rem;
      margin-bottom: 0.75rem;
    }
    .env-name {
      margin: 0;
      font-size: 1.35rem;
      overflow-wrap: anywhere;
    }
    .back {
      text-decoration: none;
      font-size: 1.2rem;
    }
    .role {
      font-size: 0.88rem;
    }
    /*
     * The tabs wrap, a group at a time (a group wider than the row wraps inside), and every row of tabs gets its
     * own full-width rule — drawn by the nav's background every --tab-h, the height of a tab row. Every group has a
     * divider in the --sep of room before it; the groups' row starts --sep left of the nav, which clips it, so a
     * group that begins a row shows none. Phones too: a row that scrolled sideways hid most sections.
     */
    .env-nav {
      --tab-h: 2.5rem;
      --sep: 1.1rem;
      overflow: hidden;
      background: repeating-linear-gradient(
        to bottom,
        transparent 0 calc(var(--tab-h) - 1px),
        var(--border) calc(var(--tab-h) - 1px) var(--tab-h)
      );
    }
    .env-nav-groups {
      display: flex;
      flex-wrap: wrap;
      margin-left: calc(-1 * var(--sep));
    }
    .env-nav-group {
      position: relative;
      display: flex;
      flex-wrap: wrap;
      padding-left: var(--sep);
    }
    .env-nav-group::before {
      content: '';
      position: absolute;
      left: calc(var(--sep) / 2);
      top: calc(var(--tab-h) / 2 - 0.6rem);
      height: 1.2rem;
      border-left: 1px solid var(--border);
    }
    .env-nav a {
      display: inline-flex;
      align-items: center;
      height: var(--tab-h);
      padding: 0 0.6rem;
      color: var(--text-muted);
      text-decoration: none;
      white-space: nowrap;
      font-weight: 500;
    }
    .env-nav a:hover {
      color: var(--text);
    }
    .env-nav a:focus-visible {
      outline-offset: -2px;
      border-radius: var(--radius);
    }
    .env-nav a.active {
      color: var(--accent-strong);
      box-shadow: inset 0 -2px var(--accent);
    }
    @media (max-width: 768px) {
      .env-nav a {
        padding: 0 0.5rem;
      }
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EnvironmentShell {
  protected readonly ctx = inject(EnvironmentContext);
  private readonly engine = inject(EngineApi);
  /** `/info`'s Swarm.ControlAvailable once known; null until then (or when the engine is unreachable). */
  private readonly swarmManager = signal<boolean | null>(null);
  protected readonly unreachableText = computed(() => {
    const nodes = this.ctx.snapshotUnreachable();
    return `${nodes.length === 1 ? 'Node' : 'Nodes'} ${nodeList(nodes)}`;
  });
  protected readonly groups = computed<EnvironmentSectionGroup[]>(() => [
    { label: 'Engine', testId: 'env-nav-group-engine', sections: ENVIRONMENT_SECTIONS },
    ...(this.ctx.isAgent()
      ? [{ label: 'Agent host', testId: 'env-nav-group-host', sections: AGENT_SECTIONS }]
      : []),
    ...((this.swarmManager() ?? this.ctx.snapshot()?.Swarm === true)
      ? [{ label: 'Swarm', testId: 'env-nav-group-swarm', sections: SWARM_SECTIONS }]
      : []),
  ]);
  private readonly nav = viewChild.required<ElementRef<HTMLElement>>('nav');
  private readonly injector = inject(Injector);

  constructor() {
    effect(() => {
      const id = this.ctx.env()?.Id;
      if (id) untracked(() => void this.checkSwarm(id));
    });
    // Tabs that arrive late (Host, Swarm) move the scroll range: centre the active tab again once they are drawn.
    effect(() => {
      this.groups();
      afterNextRender(
        () => {
          const active = this.nav().nativeElement.querySelector<HTMLElement>('a.active');
          if (active) this.revealTab(active);
        },
        { injector: this.injector },
      );
    });
  }

  /** The active tab in view on a phone (RouterLinkActive reports it once its class is set, also for late tabs). */
  protected revealTab(tab: HTMLElement): void {
    revealInNav(this.nav().nativeElement, tab);
  }

  private async checkSwarm(id: number): Promise<void> {
    this.swarmManager.set(null);
    try {
      const { body: info } = await this.engine.info<{ Swarm?: { ControlAvailable?: boolean } }>(id);
      if (this.ctx.env()?.Id === id) this.swarmManager.set(info.Swarm?.ControlAvailable === true);
    } catch {
      // Unreachable: the snapshot decides.
    }
  }
  protected readonly up = ENV_STATUS_UP;
  protected readonly engineLabel = computed(() => {
    const env = this.ctx.env();
    const podman = env?.ContainerEngine === 'podman' || env?.Snapshots?.[0]?.IsPodman;
    const version = env?.Snapshots?.[0]?.DockerVersion;
    return `${podman ? 'Podman' : 'Docker'}${version ? ' ' + version : ''}`;
  });
}
