import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { ActivatedRoute } from '@angular/router';
import { ENVIRONMENT_ROLES, EnvironmentType, Permission } from '@capstan/contracts-api';
import {
  type DockerEnvironment,
  DockerEnvironmentApi,
  SessionStore,
  errorMessage,
} from '@capstan/portal-data-access';

/** Environment status: Portainer's numbering. */
export const ENV_STATUS_UP = 1;
export const ENV_STATUS_DOWN = 2;

/**
 * The environment that the pages under `/environments/:envId/docker` work in. The shell provides one per
 * environment (component-level provider); every page of that environment (containers here, images, volumes,
 * networks, events, engine in `resources/`) injects it instead of loading the environment again.
 *
 * Permissions come from the environment's `CapstanAccess` (the caller's effective role there). Until a server
 * sends it, administrators get everything and others only what their role id grants, from the catalog.
 */
@Injectable()
export class EnvironmentContext {
  private readonly api = inject(DockerEnvironmentApi);
  private readonly session = inject(SessionStore);

  private readonly envIdState = signal(0);
  private readonly envState = signal<DockerEnvironment | null>(null);
  private readonly loadingState = signal(true);
  private readonly errorState = signal<string | null>(null);
  private readonly snapshotState = signal<string | null>(null);

  readonly envId = this.envIdState.asReadonly();
  readonly env = this.envState.asReadonly();
  readonly loading = this.loadingState.asReadonly();
  readonly error = this.errorState.asReadonly();

  /** The environment's last snapshot summary (counts, engine version, CPU, memory). */
  readonly snapshot = computed(() => this.envState()?.Snapshots?.[0] ?? null);
  /** Docker through the Portainer agent (type 2): volume and host browsers, host facts, Swarm members. */
  readonly isAgent = computed(() => this.envState()?.Type === EnvironmentType.Agent);
  readonly isDown = computed(() => this.envState()?.Status === ENV_STATUS_DOWN);
  /** Swarm agent: the nodes whose agents did not answer the last snapshot (its counts miss them). */
  readonly snapshotUnreachable = computed<readonly string[]>(() => this.snapshot()?.UnreachableNodes ?? []);

  /**
   * ISO time of the snapshot being browsed when the engine is unreachable (from the proxy's
   * `X-Capstan-Snapshot` header, or the environment's last snapshot when it is known to be down); null
   * while the engine answers live.
   */
  readonly snapshotTime = computed(() => {
    const fromProxy = this.snapshotState();
    if (fromProxy) return fromProxy;
    if (!this.isDown()) return null;
    const t = this.snapshot()?.Time;
    return t ? new Date(t * 1000).toISOString() : null;
  });
  /**
   * The host a published port is reached on: the environment's public URL, else the host of its `tcp://`
   * address, else (a local socket) the host the portal was loaded from.
   */
  readonly publishHost = computed(() => {
    const env = this.envState();
    if (env?.PublicURL) return env.PublicURL.replace(/^\w+:\/\//, '').replace(/[:/].*$/, '');
    const url = env?.URL ?? '';
    if (/^tcp:\/\//.test(url)) return url.replace(/^tcp:\/\//, '').replace(/:.*$/, '');
    return globalThis.location?.hostname ?? 'localhost';
  });
  /** Browsing a snapshot: every action is disabled. */
  readonly readOnly = computed(() => this.snapshotTime() !== null);

  readonly permissions = computed<ReadonlySet<string>>(() => {
    const env = this.envState();
    if (!env) return new Set();
    if (env.CapstanAccess) return new Set(env.CapstanAccess.Permissions);
    if (this.session.isAdmin()) return new Set(Object.values(Permission));
    return new Set();
  });

  constructor() {
    const route = inject(ActivatedRoute, { optional: true });
    route?.paramMap.pipe(takeUntilDestroyed(inject(DestroyRef))).subscribe((params) => {
      const id = Number(params.get('envId'));
      if (id !== this.envIdState()) void this.load(id);
    });
  }

  /** Whether the caller's role here grants the permission (the server checks again). */
  can(permission: Permission | `${Permission}`): boolean {
    return this.permissions().has(permission);
  }

  /** `can()` and not browsing a snapshot: for buttons that change something. */
  canAct(permission: Permission | `${Permission}`): boolean {
    return !this.readOnly() && this.can(permission);
  }

  /** May the caller run lifecycle actions (start, stop…) on this resource? Lifecycle role or manage rights. */
  canOperate(ownedByCaller: boolean): boolean {
    return (
      this.canAct(Permission.ContainerLifecycle) ||
      this.canAct(Permission.ResourcesManageAll) ||
      (ownedByCaller && this.canAct(Permission.ResourcesManageOwned))
    );
  }

  /**
   * What the agent's volume browser lets the caller do here (`CapstanAccess.VolumeBrowse`, decided by the server
   * from role and the environment's AllowVolumeBrowserForRegularUsers). Older servers: administrators on agent
   * environments only.
   */
  readonly volumeBrowse = computed<'none' | 'read' | 'write'>(() => {
    const env = this.envState();
    if (!env) return 'none';
    if (env.CapstanAccess?.VolumeBrowse) return env.CapstanAccess.VolumeBrowse;
    return this.isAgent() && this.session.isAdmin() ? 'write' : 'none';
  });

  /** The role name for the header ("Environment administrator", …). */
  readonly roleName = computed(() => {
    const access = this.envState()?.CapstanAccess;
    if (!access) return this.session.isAdmin() ? 'Administrator' : '';
    return ENVIRONMENT_ROLES.find((r) => (r.id as number) === access.RoleId)?.name ?? '';
  });

  /** Pages report where a list came from (the `Sourced` answer of a data-access list): a snapshot time, or null when live. */
  noteSource(snapshotTime: string | null): void {
    this.snapshotState.set(snapshotTime);
  }

  async load(id = this.envIdState()): Promise<void> {
    this.envIdState.set(id);
    this.loadingState.set(true);
    try {
      this.envState.set(await this.api.get(id));
      this.errorState.set(null);
    } catch (error) {
      this.errorState.set(`Could not load environment ${id}: ${errorMessage(error)}`);
    } finally {
      this.loadingState.set(false);
    }
  }

  /** For specs and pages outside a route: use this environment. */
  setEnvironment(env: DockerEnvironment): void {
    this.envIdState.set(env.Id);
    this.envState.set(env);
    this.loadingState.set(false);
    this.errorState.set(null);
  }

  /** Is the caller one of the users the resource control names (i.e. an owner)? */
  ownedByCaller(rc: { UserAccesses: { UserId: number }[] } | undefined): boolean {
    const me = this.session.user()?.Id;
    return me !== undefined && !!rc?.UserAccesses.some((u) => u.UserId === me);
  }
}
