import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import { ENVIRONMENT_ROLES } from '@capstan/contracts-api';
import { type Environment, bytesLabel, environmentTypeLabel } from '@capstan/portal-data-access';
import { RelativeTime, formatTime } from '@capstan/portal-ui';

/** One environment on the home page: status, last snapshot, engine, resources; opens its dashboard. */
@Component({
  selector: 'cap-environment-card',
  imports: [RelativeTime, RouterLink],
  template: `
    @let e = env();
    <a
      class="card-link"
      [routerLink]="['/environments', e.Id, 'docker', 'dashboard']"
      [attr.data-testid]="'env-card-' + e.Name"
      [attr.aria-label]="e.Name + ', ' + (up() ? 'up' : 'down') + ', open its dashboard'"
    >
      <div class="head">
        <h3>{{ e.Name }}</h3>
        <span
          class="badge"
          [class.badge-success]="up()"
          [class.badge-danger]="!up()"
          [attr.data-testid]="'env-status-' + e.Name"
          >{{ up() ? 'Up' : 'Down' }}</span
        >
      </div>
      <p class="meta">
        <span class="badge">{{ typeLabel() }}</span>
        @if (roleName(); as role) {
          <span class="badge badge-accent" [attr.data-testid]="'env-role-' + e.Name">{{ role }}</span>
        }
        <span class="mono url">{{ e.URL }}</span>
      </p>
      @if (snapshot(); as s) {
        <p class="line muted">
          {{ s.IsPodman ? 'Podman' : 'Docker' }} {{ s.DockerVersion }} · {{ s.TotalCPU }} CPU ·
          {{ memory() }}
        </p>
        <!-- The counts are the snapshot's, not live: say how old they are, right above them. -->
        <p class="line muted age" [title]="asOf()" [attr.data-testid]="'env-snapshot-' + e.Name">
          Snapshot <cap-time [value]="s.Time" />
        </p>
        <dl class="counts" [attr.data-testid]="'env-counts-' + e.Name">
          <div>
            <dt>Containers</dt>
            <dd>
              <span title="Running"
                ><span aria-hidden="true">▶</span> {{ s.RunningContainerCount
                }}<span class="sr-only"> running</span></span
              >
              <span title="Stopped"
                ><span aria-hidden="true">■</span> {{ s.StoppedContainerCount
                }}<span class="sr-only"> stopped</span></span
              >
              <span title="Healthy" class="ok"
                ><span aria-hidden="true">♥</span> {{ s.HealthyContainerCount
                }}<span class="sr-only"> healthy</span></span
              >
              <span title="Unhealthy" [class.bad]="s.UnhealthyContainerCount > 0"
                ><span aria-hidden="true">✚</span> {{ s.UnhealthyContainerCount
                }}<span class="sr-only"> unhealthy</span></span
              >
            </dd>
          </div>
          <div>
            <dt>Images</dt>
            <dd>{{ s.ImageCount }}</dd>
          </div>
          <div>
            <dt>Volumes</dt>
            <dd>{{ s.VolumeCount }}</dd>
          </div>
          <div>
            <dt>Networks</dt>
            <dd>{{ s.NetworkCount }}</dd>
          </div>
          <div>
            <dt>Stacks</dt>
            <dd>{{ s.StackCount }}</dd>
          </div>
          @if (s.Swarm) {
            <div>
              <dt>Services</dt>
              <dd>{{ s.ServiceCount }}</dd>
            </div>
            <div>
              <dt>Nodes</dt>
              <dd>{{ s.NodeCount }}</dd>
            </div>
          }
        </dl>
        @if (unreachable()) {
          <p class="line partial" role="status" [attr.data-testid]="'env-unreachable-' + e.Name">
            ⚠ {{ unreachable() }} did not answer the last snapshot: the counts are partial.
          </p>
        }
      } @else {
        <p class="meta muted" [attr.data-testid]="'env-snapshot-' + e.Name">No snapshot yet</p>
      }
      @if (groupName() || tagNames().length > 0) {
        <p class="meta tags">
          @if (groupName()) {
            <span class="muted">Group:</span> {{ groupName() }}
          }
          @for (tag of tagNames(); track tag) {
            <span class="badge badge-accent">{{ tag }}</span>
          }
        </p>
      }
    </a>
  `,
  styles: `
    :host {
      display: block;
    }
    .card-link {
      display: grid;
      gap: 0.45rem;
      height: 100%;
      padding: 1rem;
      border: 1px solid var(--border);
      border-radius: var(--radius-lg);
      background: var(--surface);
      color: inherit;
      text-decoration: none;
    }
    .card-link:hover {
      border-color: var(--accent);
    }
    .head {
      display: flex;
      justify-content: space-between;
      gap: 0.5rem;
      align-items: start;
    }
    h3 {
      margin: 0;
      font-size: 1.05rem;
      overflow-wrap: anywhere;
    }
    .meta {
      margin: 0;
      display: flex;
      flex-wrap: wrap;
      gap: 0.35rem;
      align-items: center;
      font-size: 0.86rem;
    }
    .line {
      margin: 0;
      font-size: 0.86rem;
    }
    .age {
      font-size: 0.8rem;
      margin-bottom: -0.3rem;
    }
    .url {
      overflow-wrap: anywhere;
      color: var(--text-muted);
    }
    .counts {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(5.5rem, 1fr));
      gap: 0.35rem 0.75rem;
      margin: 0.25rem 0;
    }
    .counts div:first-child {
      grid-column: 1 / -1;
    }
    dt {
      font-size: 0.75rem;
      color: var(--text-muted);
    }
    dd {
      margin: 0;
      font-weight: 600;
      display: flex;
      gap: 0.6rem;
      flex-wrap: wrap;
    }
    .ok {
      color: var(--success);
    }
    .bad {
      color: var(--danger-text);
    }
    .partial {
      color: var(--warning);
      font-size: 0.85rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EnvironmentCard {
  readonly env = input.required<Environment>();
  readonly groupName = input('');
  readonly tagNames = input<readonly string[]>([]);
  /** Show the caller's role here (for non-administrators; administrators hold every role). */
  readonly showRole = input(false);

  protected readonly roleName = computed(() => {
    const access = this.env().CapstanAccess;
    if (!this.showRole() || !access) return '';
    return ENVIRONMENT_ROLES.find((r) => (r.id as number) === access.RoleId)?.name ?? '';
  });
  protected readonly up = computed(() => this.env().Status === 1);
  protected readonly snapshot = computed(() => this.env().Snapshots[0] ?? null);
  protected readonly typeLabel = computed(() => environmentTypeLabel(this.env()));
  protected readonly asOf = computed(() => `Counts as of ${formatTime(this.snapshot()?.Time)}`);
  protected readonly memory = computed(() => bytesLabel(this.snapshot()?.TotalMemory ?? 0) + ' RAM');
  /** Swarm agent: the nodes missing from the last snapshot ("node2", "node2 and node3"), '' when complete. */
  protected readonly unreachable = computed(() => {
    const nodes = this.snapshot()?.UnreachableNodes ?? [];
    if (nodes.length === 0) return '';
    return nodes.length === 1 ? nodes[0] : `${nodes.slice(0, -1).join(', ')} and ${nodes[nodes.length - 1]}`;
  });
}
