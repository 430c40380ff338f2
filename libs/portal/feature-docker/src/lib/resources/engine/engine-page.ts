import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { EngineApi, bytesLabel, errorMessage } from '@capstan/portal-data-access';
import { Alert, PageHeader, Spinner } from '@capstan/portal-ui';

import { EnvironmentContext } from '../../shell/environment-context';
import { reloadOnEnvironment } from '../shared/reload';

/** `GET /info` (the fields shown). */
export interface DockerInfo {
  ID?: string;
  Name?: string;
  ServerVersion?: string;
  OperatingSystem?: string;
  OSType?: string;
  Architecture?: string;
  KernelVersion?: string;
  NCPU?: number;
  MemTotal?: number;
  Driver?: string;
  DriverStatus?: [string, string][] | null;
  DockerRootDir?: string;
  LoggingDriver?: string;
  CgroupDriver?: string;
  CgroupVersion?: string;
  DefaultRuntime?: string;
  Runtimes?: Record<string, { path?: string }> | null;
  Plugins?: {
    Volume?: string[] | null;
    Network?: string[] | null;
    Log?: string[] | null;
    Authorization?: string[] | null;
  };
  RegistryConfig?: {
    IndexConfigs?: Record<string, { Name: string; Mirrors?: string[]; Secure?: boolean; Official?: boolean }>;
    InsecureRegistryCIDRs?: string[] | null;
  };
  Swarm?: {
    LocalNodeState?: string;
    NodeID?: string;
    ControlAvailable?: boolean;
    Nodes?: number;
    Managers?: number;
  };
  Containers?: number;
  ContainersRunning?: number;
  ContainersPaused?: number;
  ContainersStopped?: number;
  Images?: number;
  SecurityOptions?: string[] | null;
  HttpProxy?: string;
  HttpsProxy?: string;
  NoProxy?: string;
  Labels?: string[] | null;
  Warnings?: string[] | null;
}

/** `GET /version`. */
export interface DockerVersion {
  Version?: string;
  ApiVersion?: string;
  MinAPIVersion?: string;
  GitCommit?: string;
  GoVersion?: string;
  Os?: string;
  Arch?: string;
  KernelVersion?: string;
  BuildTime?: string;
  Components?: { Name: string; Version: string }[];
}

interface Row {
  label: string;
  value: string;
}

interface Section {
  id: string;
  title: string;
  rows: Row[];
}

/** Podman answers the Docker API too; it says so in its version components and its info. */
export function isPodman(info: DockerInfo | null, version: DockerVersion | null): boolean {
  return (
    !!version?.Components?.some((c) => /podman/i.test(c.Name)) || /podman/i.test(info?.OperatingSystem ?? '')
  );
}

/** The engine's `/info` and `/version` as labelled sections. Missing values are left out. */
export function engineSections(info: DockerInfo | null, version: DockerVersion | null): Section[] {
  const list = (values: string[] | null | undefined) => (values ?? []).join(', ');
  const row = (label: string, value: string | number | boolean | null | undefined): Row[] =>
    value === undefined || value === null || value === '' ? [] : [{ label, value: String(value) }];
  const registries = Object.values(info?.RegistryConfig?.IndexConfigs ?? {}).map(
    (r) =>
      `${r.Name}${r.Secure === false ? ' (insecure)' : ''}${r.Mirrors?.length ? ` → ${r.Mirrors.join(', ')}` : ''}`,
  );
  const swarm = info?.Swarm;
  return [
    {
      id: 'engine',
      title: 'Engine',
      rows: [
        ...row('Engine', isPodman(info, version) ? 'Podman (Docker-compatible API)' : 'Docker'),
        ...row('Version', version?.Version ?? info?.ServerVersion),
        ...row('API version', version?.ApiVersion),
        ...row('Minimum API version', version?.MinAPIVersion),
        ...row('Git commit', version?.GitCommit),
        ...row('Go version', version?.GoVersion),
        ...row('Built', version?.BuildTime),
        ...row('Components', (version?.Components ?? []).map((c) => `${c.Name} ${c.Version}`).join(', ')),
      ],
    },
    {
      id: 'host',
      title: 'Host',
      rows: [
        ...row('Name', info?.Name),
        ...row('Operating system', info?.OperatingSystem),
        ...row('OS type', info?.OSType ?? version?.Os),
        ...row('Architecture', info?.Architecture ?? version?.Arch),
        ...row('Kernel', info?.KernelVersion ?? version?.KernelVersion),
        ...row('CPUs', info?.NCPU),
        ...row('Memory', info?.MemTotal !== undefined ? bytesLabel(info.MemTotal) : undefined),
        ...row('Proxy', [info?.HttpProxy, info?.HttpsProxy].filter(Boolean).join(', ')),
      ],
    },
    {
      id: 'resources',
      title: 'Resources',
      rows: [
        ...row(
          'Containers',
          info?.Containers !== undefined
            ? `${info.Containers} (${info.ContainersRunning ?? 0} running, ${info.ContainersPaused ?? 0} paused, ${info.ContainersStopped ?? 0} stopped)`
            : undefined,
        ),
        ...row('Images', info?.Images),
      ],
    },
    {
      id: 'storage',
      title: 'Storage and runtime',
      rows: [
        ...row('Storage driver', info?.Driver),
        ...(info?.DriverStatus ?? []).flatMap(([k, v]) => row(`  ${k}`, v)),
        ...row('Root directory', info?.DockerRootDir),
        ...row('Logging driver', info?.LoggingDriver),
        ...row(
          'Cgroup',
          [info?.CgroupDriver, info?.CgroupVersion ? `v${info.CgroupVersion}` : ''].filter(Boolean).join(' '),
        ),
        ...row('Default runtime', info?.DefaultRuntime),
        ...row('Runtimes', Object.keys(info?.Runtimes ?? {}).join(', ')),
        ...row('Security options', list(info?.SecurityOptions)),
      ],
    },
    {
      id: 'plugins',
      title: 'Plugins',
      rows: [
        ...row('Volume', list(info?.Plugins?.Volume)),
        ...row('Network', list(info?.Plugins?.Network)),
        ...row('Log', list(info?.Plugins?.Log)),
        ...row('Authorization', list(info?.Plugins?.Authorization)),
      ],
    },
    {
      id: 'registries',
      title: 'Registries',
      rows: [
        ...row('Indexes', registries.join('; ')),
        ...row('Insecure CIDRs', list(info?.RegistryConfig?.InsecureRegistryCIDRs)),
      ],
    },
    {
      id: 'swarm',
      title: 'Swarm',
      rows: [
        ...row('State', swarm?.LocalNodeState || 'inactive'),
        ...row('Node id', swarm?.NodeID),
        ...row(
          'Manager',
          swarm?.LocalNodeState === 'active' ? (swarm.ControlAvailable ? 'yes' : 'no') : undefined,
        ),
        ...row('Nodes', swarm?.Nodes || undefined),
        ...row('Managers', swarm?.Managers || undefined),
      ],
    },
  ].filter((s) => s.rows.length > 0);
}

/** Engine information: `/info` and `/version`, in readable sections. */
@Component({
  selector: 'cap-engine-page',
  imports: [Alert, PageHeader, Spinner],
  template: `
    <cap-page-header title="Engine" subtitle="Version, host and configuration of the container engine.">
      <button type="button" class="btn btn-ghost" data-testid="engine-refresh" (click)="load()">
        ↻ Refresh
      </button>
    </cap-page-header>
    @if (error(); as message) {
      <cap-alert kind="error">{{ message }}</cap-alert>
    }
    @for (w of info()?.Warnings ?? []; track $index) {
      <cap-alert kind="warning">{{ w }}</cap-alert>
    }
    @if (loading() && !sections().length) {
      <cap-spinner />
    }
    <div class="grid-2">
      @for (s of sections(); track s.id) {
        <section class="card" [attr.data-testid]="'engine-' + s.id">
          <h2>{{ s.title }}</h2>
          <dl class="facts">
            @for (r of s.rows; track $index) {
              <dt>{{ r.label }}</dt>
              <dd [attr.data-testid]="'engine-' + s.id + '-' + slug(r.label)">{{ r.value }}</dd>
            }
          </dl>
        </section>
      }
    </div>
  `,
  styles: `
    /* Side by side: no stacking gap between the cards of the grid (the global .card + .card adds one). */
    .grid-2 > .card + .card {
      margin-top: 0;
    }
    .grid-2 {
      grid-template-columns: repeat(auto-fit, minmax(min(24rem, 100%), 1fr));
    }
    dt {
      white-space: pre;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EnginePage {
  private readonly ctx = inject(EnvironmentContext);
  private readonly engine = inject(EngineApi);

  protected readonly info = signal<DockerInfo | null>(null);
  protected readonly version = signal<DockerVersion | null>(null);
  protected readonly loading = signal(true);
  protected readonly error = signal<string | null>(null);
  protected readonly sections = computed(() =>
    this.info() || this.version() ? engineSections(this.info(), this.version()) : [],
  );

  constructor() {
    reloadOnEnvironment(this.ctx, () => this.load());
  }

  async load(): Promise<void> {
    const envId = this.ctx.envId();
    this.loading.set(true);
    try {
      const [info, version] = await Promise.all([
        this.engine.info<DockerInfo>(envId),
        this.engine.version<DockerVersion>(envId),
      ]);
      this.ctx.noteSource(info.snapshotTime);
      this.info.set(info.body);
      this.version.set(version);
      this.error.set(null);
    } catch (error) {
      this.error.set(`Could not read the engine information: ${errorMessage(error)}`);
    } finally {
      this.loading.set(false);
    }
  }

  protected slug(label: string): string {
    return label
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-');
  }
}
