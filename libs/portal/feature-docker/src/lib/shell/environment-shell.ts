import { DatePipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  signal,
  untracked,
} from '@angular/core';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { DockerApi } from '@capstan/portal-data-access';
import { Alert, Spinner } from '@capstan/portal-ui';

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

/**
 * The frame of every page of one Docker/Podman environment: its name and status, the section nav, the
 * "browsing a snapshot" banner, and the `EnvironmentContext` the pages below inject.
 */
@Component({
  selector: 'cap-environment-shell',
  imports: [Alert, DatePipe, RouterLink, RouterLinkActive, RouterOutlet, Spinner],
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
      <nav class="env-nav" aria-label="Environment sections">
        @for (s of sections(); track s.path) {
          <a
            [routerLink]="s.path ? s.path : '.'"
            routerLinkActive="active"
            [routerLinkActiveOptions]="{ exact: s.path === '' || s.path === 'swarm' }"
            [attr.data-testid]="s.testId"
            ariaCurrentWhenActive="page"
            >{{ s.label }}</a
          >
        }
      </nav>
    </header>

    @if (ctx.error(); as message) {
      <cap-alert kind="error">{{ message }}</cap-alert>
    }
    @if (ctx.snapshotTime(); as time) {
      <cap-alert kind="warning" testId="snapshot-banner">
        Environment unreachable — showing the snapshot of {{ time | date: 'medium' }}, read-only.
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
    .env-nav {
      display: flex;
      gap: 0.25rem;
      overflow-x: auto;
      border-bottom: 1px solid var(--border);
      scrollbar-width: thin;
    }
    .env-nav a {
      padding: 0.5rem 0.8rem;
      color: var(--text-muted);
      text-decoration: none;
      border-bottom: 2px solid transparent;
      white-space: nowrap;
      font-weight: 500;
    }
    .env-nav a:hover {
      color: var(--text);
    }
    .env-nav a.active {
      color: var(--accent-strong);
      border-bottom-color: var(--accent);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EnvironmentShell {
  protected readonly ctx = inject(EnvironmentContext);
  private readonly docker = inject(DockerApi);
  /** `/info`'s Swarm.ControlAvailable once known; null until then (or when the engine is unreachable). */
  private readonly swarmManager = signal<boolean | null>(null);
  protected readonly unreachableText = computed(() => {
    const nodes = this.ctx.snapshotUnreachable();
    return `${nodes.length === 1 ? 'Node' : 'Nodes'} ${nodeList(nodes)}`;
  });
  protected readonly sections = computed(() => [
    ...ENVIRONMENT_SECTIONS,
    ...(this.ctx.isAgent() ? AGENT_SECTIONS : []),
    ...((this.swarmManager() ?? this.ctx.snapshot()?.Swarm === true) ? SWARM_SECTIONS : []),
  ]);

  constructor() {
    effect(() => {
      const id = this.ctx.env()?.Id;
      if (id) untracked(() => void this.checkSwarm(id));
    });
  }

  private async checkSwarm(id: number): Promise<void> {
    this.swarmManager.set(null);
    try {
      const info = await this.docker.get<{ Swarm?: { ControlAvailable?: boolean } }>(id, '/info');
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
