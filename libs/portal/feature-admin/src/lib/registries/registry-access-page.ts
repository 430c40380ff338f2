import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { ActivatedRoute, RouterLink } from '@angular/router';
import {
  EnvironmentsApi,
  RegistriesApi,
  TeamsApi,
  UsersApi,
  type Environment,
  type Registry,
  type Team,
  type User,
  errorMessage,
} from '@capstan/portal-data-access';
import {
  Alert,
  FormControlDirective,
  FormField,
  PageHeader,
  Spinner,
  ToastService,
} from '@capstan/portal-ui';

/** Ids granted in one environment's `RegistryAccesses` entry (user or team policies). */
export function grantedIds(registry: Registry, envId: number, kind: 'users' | 'teams'): number[] {
  const entry = registry.RegistryAccesses[String(envId)];
  const policies = kind === 'users' ? entry?.UserAccessPolicies : entry?.TeamAccessPolicies;
  return Object.keys(policies ?? {})
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
}

/**
 * Who may use a registry on each environment (Portainer's registry access): administrators and environment
 * administrators always may; pick the users and teams that may too.
 */
@Component({
  selector: 'cap-registry-access-page',
  imports: [Alert, FormField, FormControlDirective, PageHeader, Spinner, RouterLink],
  template: `
    <cap-page-header
      [title]="'Access to ' + (registry()?.Name ?? 'registry')"
      subtitle="Administrators and environment administrators may always use it. Others: the users and teams chosen here, per environment."
    />
    @if (loadError(); as message) {
      <cap-alert kind="error">{{ message }}</cap-alert>
    } @else if (!registry()) {
      <cap-spinner label="Loading" />
    } @else {
      <form novalidate class="card access" (submit)="save($event)" data-testid="registry-access-form">
        @if (formError(); as message) {
          <cap-alert kind="error">{{ message }}</cap-alert>
        }
        <cap-form-field label="Environment">
          <select
            capControl
            class="input"
            name="environment"
            data-testid="registry-access-environment"
            (change)="pick(+$any($event.target).value)"
          >
            @for (e of environments(); track e.Id) {
              <option [value]="e.Id" [selected]="envId() === e.Id">{{ e.Name }}</option>
            }
          </select>
        </cap-form-field>
        @if (envId()) {
          <fieldset>
            <legend>Users</legend>
            @for (u of users(); track u.Id) {
              <label class="check">
                <input
                  type="checkbox"
                  [attr.data-testid]="'registry-access-user-' + u.Username"
                  [checked]="userIds().has(u.Id)"
                  (change)="toggle(userIds, u.Id, $any($event.target).checked)"
                />
                {{ u.Username }}
              </label>
            } @empty {
              <p class="muted">No users besides administrators.</p>
            }
          </fieldset>
          <fieldset>
            <legend>Teams</legend>
            @for (t of teams(); track t.Id) {
              <label class="check">
                <input
                  type="checkbox"
                  [attr.data-testid]="'registry-access-team-' + t.Name"
                  [checked]="teamIds().has(t.Id)"
                  (change)="toggle(teamIds, t.Id, $any($event.target).checked)"
                />
                {{ t.Name }}
              </label>
            } @empty {
              <p class="muted">No teams.</p>
            }
          </fieldset>
        } @else {
          <p class="muted">No environments yet.</p>
        }
        <div class="actions">
          <a class="btn" routerLink="/admin/registries">Back</a>
          <button
            type="submit"
            class="btn btn-primary"
            data-testid="registry-access-save"
            [disabled]="busy() || !envId()"
          >
            {{ busy() ? 'Saving…' : 'Save access' }}
          </button>
        </div>
      </form>
    }
  `,
  styles: `
    .access {
      display: grid;
      gap: 0.75rem;
      max-width: 40rem;
    }
    fieldset {
      border: 0;
      padding: 0;
      margin: 0;
      display: grid;
      gap: 0.25rem;
    }
    legend {
      font-weight: 600;
      margin-bottom: 0.25rem;
    }
    .check {
      display: flex;
      gap: 0.5rem;
      align-items: center;
    }
    .actions {
      display: flex;
      gap: 0.5rem;
      justify-content: flex-end;
    }
    .muted {
      opacity: 0.75;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RegistryAccessPage {
  private readonly api = inject(RegistriesApi);
  private readonly environmentsApi = inject(EnvironmentsApi);
  private readonly usersApi = inject(UsersApi);
  private readonly teamsApi = inject(TeamsApi);
  private readonly toasts = inject(ToastService);
  private readonly id = Number(inject(ActivatedRoute).snapshot.paramMap.get('id'));

  protected readonly registry = signal<Registry | null>(null);
  protected readonly environments = signal<Environment[]>([]);
  private readonly allUsers = signal<User[]>([]);
  /** Administrators always may: not offered. */
  protected readonly users = computed(() => this.allUsers().filter((u) => u.Role !== 1));
  protected readonly teams = signal<Team[]>([]);
  protected readonly envId = signal(0);
  protected readonly userIds = signal(new Set<number>());
  protected readonly teamIds = signal(new Set<number>());
  protected readonly loadError = signal<string | null>(null);
  protected readonly formError = signal<string | null>(null);
  protected readonly busy = signal(false);

  constructor() {
    Promise.all([
      this.api.get(this.id),
      this.environmentsApi.list(),
      this.usersApi.list(),
      this.teamsApi.list(),
    ])
      .then(([registry, envs, users, teams]) => {
        this.environments.set(envs.items);
        this.allUsers.set(users);
        this.teams.set(teams);
        this.registry.set(registry);
        this.pick(envs.items[0]?.Id ?? 0);
      })
      .catch((e: unknown) => this.loadError.set(`Could not load: ${errorMessage(e)}`));
  }

  protected pick(envId: number): void {
    this.envId.set(envId);
    const r = this.registry();
    this.userIds.set(new Set(r ? grantedIds(r, envId, 'users') : []));
    this.teamIds.set(new Set(r ? grantedIds(r, envId, 'teams') : []));
  }

  protected toggle(set: typeof this.userIds, id: number, on: boolean): void {
    set.update((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }

  protected async save(event: Event): Promise<void> {
    event.preventDefault();
    const envId = this.envId();
    if (!envId || this.busy()) return;
    this.busy.set(true);
    this.formError.set(null);
    try {
      await this.api.setAccess(envId, this.id, { users: [...this.userIds()], teams: [...this.teamIds()] });
      this.registry.set(await this.api.get(this.id));
      this.toasts.success('Access saved');
    } catch (e) {
      this.formError.set(errorMessage(e));
    } finally {
      this.busy.set(false);
    }
  }
}
