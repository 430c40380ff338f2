import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import { AuthApi, SessionStore, type SystemStatus, errorMessage } from '@capstan/portal-data-access';
import { Alert, EmptyState, PageHeader, SearchShortcut, Spinner } from '@capstan/portal-ui';

/**
 * Home: where the environment cards will live. Until environments exist it explains what comes, keeps the
 * search box and card grid in place (so the layout does not jump later), and shows the system status.
 */
@Component({
  selector: 'cap-home-page',
  imports: [Alert, EmptyState, PageHeader, SearchShortcut, Spinner, RouterLink],
  template: `
    <cap-page-header title="Home" [subtitle]="'Welcome, ' + (session.user()?.Username ?? '') + '.'" />

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
          <div>
            <dt>Instance ID</dt>
            <dd class="mono">{{ s.InstanceID }}</dd>
          </div>
          <div>
            <dt>Environments</dt>
            <dd>0</dd>
          </div>
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
      <div class="grid" role="list" aria-label="Environments">
        <!-- Card placeholders keep the grid's shape until environments exist. -->
        @for (placeholder of placeholders; track placeholder) {
          <div class="env-card placeholder" role="listitem" aria-hidden="true">
            <span class="line w60"></span><span class="line w40"></span><span class="line w80"></span>
          </div>
        }
      </div>
      <cap-empty-state
        icon="⎈"
        [title]="query() ? 'No environment matches “' + query() + '”' : 'Ready for environments'"
        message="Environments (Docker, Swarm, Podman and Kubernetes hosts, directly or through agents) arrive in the next release. Once added, they appear here as cards you can search and open."
      >
        @if (canManage()) {
          <p class="muted">
            Meanwhile, you can set up <a routerLink="/admin/users">users</a> and
            <a routerLink="/admin/teams">teams</a>.
          </p>
        }
      </cap-empty-state>
    </section>
  `,
  styles: `
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
      margin-bottom: 1rem;
    }
    .env-head h2 {
      margin: 0;
      font-size: 1.15rem;
    }
    .search {
      flex: 1 1 16rem;
      max-width: 24rem;
    }
    .grid {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr));
      gap: 1rem;
      margin-bottom: 1rem;
    }
    .env-card {
      border: 1px solid var(--border);
      border-radius: var(--radius-lg);
      background: var(--surface);
      padding: 1rem;
      display: grid;
      gap: 0.5rem;
    }
    .placeholder {
      opacity: 0.55;
    }
    .line {
      display: block;
      height: 0.7rem;
      border-radius: 4px;
      background: var(--surface-2);
    }
    .w40 {
      width: 40%;
    }
    .w60 {
      width: 60%;
    }
    .w80 {
      width: 80%;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HomePage {
  protected readonly session = inject(SessionStore);
  private readonly authApi = inject(AuthApi);

  protected readonly status = signal<SystemStatus | null>(null);
  protected readonly statusError = signal<string | null>(null);
  protected readonly query = signal('');
  protected readonly placeholders = [1, 2, 3];
  protected readonly canManage = computed(() => this.session.can(Permission.UsersManage));

  constructor() {
    this.authApi
      .status()
      .then((s) => this.status.set(s))
      .catch((error: unknown) => this.statusError.set(`The server did not answer: ${errorMessage(error)}`));
  }
}
