import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { ImageRef, RelativeTime, formatTime } from '@capstan/portal-ui';

import { type ContainerInspect, joinCommand } from '../../shared/docker-models';

/** One published port: the container side, and a link to the host side when the port is published. */
export interface PortView {
  readonly container: string;
  readonly host: string;
  readonly url: string | null;
}

/**
 * The published ports of a container (`NetworkSettings.Ports` while it runs, else the configured
 * `HostConfig.PortBindings`), one entry per container port and host port — IPv4 and IPv6 bindings of the same
 * port count once. TCP ports link to `http://<publishHost>:<port>`.
 */
export function portViews(c: ContainerInspect, publishHost: string): PortView[] {
  const map = c.NetworkSettings.Ports ?? c.HostConfig.PortBindings ?? {};
  const out: PortView[] = [];
  const seen = new Set<string>();
  for (const [port, bindings] of Object.entries(map)) {
    const published = (bindings ?? []).filter((b) => b.HostPort);
    if (published.length === 0) {
      if (!seen.has(port)) out.push({ container: port, host: '', url: null });
      seen.add(port);
      continue;
    }
    for (const b of published) {
      const key = `${port}>${b.HostPort}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const ip = b.HostIp && b.HostIp !== '0.0.0.0' && b.HostIp !== '::' ? b.HostIp : publishHost;
      const host = `${ip.includes(':') ? `[${ip}]` : ip}:${b.HostPort}`;
      out.push({ container: port, host, url: port.endsWith('/tcp') ? `http://${host}` : null });
    }
  }
  return out;
}

/** `["A=1", "B"]` → `[["A", "1"], ["B", ""]]`, sorted by name. */
export function envPairs(env: readonly string[] | null | undefined): [string, string][] {
  return (env ?? [])
    .map((line): [string, string] => {
      const i = line.indexOf('=');
      return i < 0 ? [line, ''] : [line.slice(0, i), line.slice(i + 1)];
    })
    .sort((a, b) => a[0].localeCompare(b[0]));
}

/** "unless-stopped", "on-failure (max 3)", "no". */
export function restartPolicyLabel(
  policy: ContainerInspect['HostConfig']['RestartPolicy'] | undefined,
): string {
  const name = policy?.Name || 'no';
  return name === 'on-failure' && policy?.MaximumRetryCount
    ? `on-failure (max ${policy.MaximumRetryCount})`
    : name;
}

/**
 * What a Portainer user expects at the top of a container's page: status and health, ports as links, command,
 * restart policy, networks, mounts, environment and labels. The raw inspect tree follows it (the details page).
 */
@Component({
  selector: 'cap-container-summary',
  imports: [ImageRef, RelativeTime],
  template: `
    @let c = data();
    <div class="grid" data-testid="container-summary">
      <section class="card" aria-labelledby="sum-status">
        <h3 id="sum-status">Status</h3>
        <dl class="facts">
          <dt>State</dt>
          <dd data-testid="summary-state">
            {{ c.State.Status }}
            @if (c.State.Running) {
              <span class="muted">since <cap-time [value]="c.State.StartedAt" /></span>
            } @else if (c.State.Status === 'exited') {
              <span class="muted"
                >(exit code {{ c.State.ExitCode }}, <cap-time [value]="c.State.FinishedAt" />)</span
              >
            }
          </dd>
          <dt>Health</dt>
          <dd data-testid="summary-health">
            @if (c.State.Health; as h) {
              <span
                class="badge"
                [class.badge-success]="h.Status === 'healthy'"
                [class.badge-danger]="h.Status === 'unhealthy'"
                >{{ h.Status }}</span
              >
              @if (h.FailingStreak) {
                <span class="muted">
                  {{ h.FailingStreak }} failed check{{ h.FailingStreak === 1 ? '' : 's' }} in a row</span
                >
              }
              @if (lastCheck(); as last) {
                <div class="mono small check">{{ last }}</div>
              }
            } @else {
              <span class="muted">no health check</span>
            }
          </dd>
          <dt>Created</dt>
          <dd>{{ created() }}</dd>
          <dt>Restart policy</dt>
          <dd data-testid="summary-restart">
            {{ restart() }}
            @if (c.RestartCount) {
              <span class="muted">· restarted {{ c.RestartCount }}×</span>
            }
          </dd>
        </dl>
      </section>

      <section class="card" aria-labelledby="sum-command">
        <h3 id="sum-command">Command</h3>
        <dl class="facts">
          <dt>Image</dt>
          <dd><cap-image-ref [ref]="c.Config.Image" /></dd>
          <dt>Command</dt>
          <dd class="mono" data-testid="summary-command">{{ command() || '—' }}</dd>
          <dt>Entrypoint</dt>
          <dd class="mono" data-testid="summary-entrypoint">{{ entrypoint() || '—' }}</dd>
          @if (c.Config.WorkingDir) {
            <dt>Working dir</dt>
            <dd class="mono">{{ c.Config.WorkingDir }}</dd>
          }
          @if (c.Config.User) {
            <dt>User</dt>
            <dd class="mono">{{ c.Config.User }}</dd>
          }
        </dl>
      </section>

      <section class="card" aria-labelledby="sum-ports">
        <h3 id="sum-ports">Ports</h3>
        @if (ports().length === 0) {
          <p class="muted">No published port.</p>
        } @else {
          <ul class="plain" data-testid="summary-ports">
            @for (p of ports(); track p.container + p.host) {
              <li class="mono">
                @if (p.url) {
                  <a
                    [href]="p.url"
                    target="_blank"
                    rel="noopener"
                    [attr.data-testid]="'summary-port-' + p.container"
                    >{{ p.host }}</a
                  >
                } @else if (p.host) {
                  <span [attr.data-testid]="'summary-port-' + p.container">{{ p.host }}</span>
                }
                @if (p.host) {
                  →
                }
                {{ p.container }}
              </li>
            }
          </ul>
        }
      </section>

      <section class="card" aria-labelledby="sum-networks">
        <h3 id="sum-networks">Networks</h3>
        @if (networks().length === 0) {
          <p class="muted">Not attached ({{ c.HostConfig.NetworkMode }}).</p>
        } @else {
          <ul class="plain" data-testid="summary-networks">
            @for (n of networks(); track n.name) {
              <li>
                <strong>{{ n.name }}</strong>
                <span class="mono"> {{ n.ip || 'no address' }}</span>
                @if (n.gateway) {
                  <span class="muted small"> via {{ n.gateway }}</span>
                }
                @if (n.mac) {
                  <span class="muted small mono"> · {{ n.mac }}</span>
                }
              </li>
            }
          </ul>
        }
      </section>

      <section class="card wide" aria-labelledby="sum-mounts">
        <h3 id="sum-mounts">Mounts</h3>
        @if (c.Mounts.length === 0) {
          <p class="muted">No volume or bind mount.</p>
        } @else {
          <ul class="plain" data-testid="summary-mounts">
            @for (m of c.Mounts; track m.Destination) {
              <li>
                <span class="badge">{{ m.Type }}</span>
                <span class="mono"> {{ m.Type === 'volume' ? m.Name || m.Source : m.Source }}</span>
                → <span class="mono">{{ m.Destination }}</span>
                <span class="muted small"> {{ m.RW ? 'read-write' : 'read-only' }}</span>
              </li>
            }
          </ul>
        }
      </section>

      <section class="card wide" aria-labelledby="sum-env">
        <h3 id="sum-env">Environment</h3>
        @if (env().length === 0) {
          <p class="muted">No variable.</p>
        } @else {
          <dl class="facts kv" data-testid="summary-env">
            @for (e of env(); track e[0]) {
              <dt class="mono">{{ e[0] }}</dt>
              <dd class="mono">{{ e[1] }}</dd>
            }
          </dl>
        }
      </section>

      <section class="card wide" aria-labelledby="sum-labels">
        <h3 id="sum-labels">Labels</h3>
        @if (labels().length === 0) {
          <p class="muted">No label.</p>
        } @else {
          <dl class="facts kv" data-testid="summary-labels">
            @for (l of labels(); track l[0]) {
              <dt class="mono">{{ l[0] }}</dt>
              <dd class="mono">{{ l[1] }}</dd>
            }
          </dl>
        }
      </section>
    </div>
  `,
  styles: `
    .grid {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(min(100%, 22rem), 1fr));
      gap: 0.75rem;
      margin-bottom: 1rem;
    }
    /* Not the global .card: the grid spaces these, and a sibling's top margin would shift its row. */
    .card {
      margin: 0;
      min-width: 0;
      padding: 0.75rem 1rem;
      border: 1px solid var(--border);
      border-radius: var(--radius-lg);
      background: var(--surface);
    }
    .wide {
      grid-column: 1 / -1;
    }
    h3 {
      margin: 0 0 0.5rem;
      font-size: 0.95rem;
    }
    p {
      margin: 0;
    }
    .facts {
      font-size: 0.9rem;
    }
    .facts dd {
      overflow-wrap: anywhere;
    }
    .kv dt {
      font-weight: 500;
      overflow-wrap: anywhere;
    }
    .plain {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: 0.3rem;
      font-size: 0.9rem;
      overflow-wrap: anywhere;
    }
    .small {
      font-size: 0.8rem;
    }
    .check {
      margin-top: 0.25rem;
      white-space: pre-wrap;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ContainerSummaryView {
  readonly data = input.required<ContainerInspect>();
  /** The host that published ports are reached on (the environment's public URL, else its address). */
  readonly publishHost = input('localhost');

  protected readonly created = computed(() => formatTime(this.data().Created));
  protected readonly restart = computed(() => restartPolicyLabel(this.data().HostConfig.RestartPolicy));
  protected readonly command = computed(() => joinCommand(this.data().Config.Cmd));
  protected readonly entrypoint = computed(() => joinCommand(this.data().Config.Entrypoint));
  protected readonly ports = computed(() => portViews(this.data(), this.publishHost()));
  protected readonly env = computed(() => envPairs(this.data().Config.Env));
  protected readonly labels = computed(() =>
    Object.entries(this.data().Config.Labels ?? {}).sort((a, b) => a[0].localeCompare(b[0])),
  );
  protected readonly networks = computed(() =>
    Object.entries(this.data().NetworkSettings.Networks ?? {}).map(([name, n]) => ({
      name,
      ip: n.IPAddress ?? '',
      gateway: n.Gateway ?? '',
      mac: n.MacAddress ?? '',
    })),
  );
  /** The newest health check's output, trimmed (why it is unhealthy). */
  protected readonly lastCheck = computed(() => {
    const log = this.data().State.Health?.Log ?? [];
    return log.length ? log[log.length - 1].Output.trim().slice(0, 300) : '';
  });
}
