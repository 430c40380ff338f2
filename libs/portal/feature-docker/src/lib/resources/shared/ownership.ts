import { ChangeDetectionStrategy, Component, computed, inject, input, model, signal } from '@angular/core';
import {
  DockerEnvironmentApi,
  type OwnershipUpdate,
  type PortainerDecoration,
  errorMessage,
  SessionStore,
  type Team,
  TeamsApi,
  type User,
  UsersApi,
} from '@capstan/portal-data-access';

import { ToastService } from '@capstan/portal-ui';

import { type Decorated, OWNERSHIP_LABELS, ownershipOf } from '../../shared/docker-models';

/** Who may use a volume or network created here. */
export type ResourceOwnership = 'private' | 'administrators' | 'restricted' | 'public';

/** The ownership part of a create form. */
export interface OwnershipForm {
  choice: ResourceOwnership;
  users: number[];
  teams: number[];
}

export const PRIVATE_OWNERSHIP: OwnershipForm = { choice: 'private', users: [], teams: [] };

/** `PUT /api/resource_controls/{id}` body for a choice; `me` keeps access to a private resource. */
export function ownershipBody(form: OwnershipForm, me: number): OwnershipUpdate {
  switch (form.choice) {
    case 'public':
      return { Public: true, AdministratorsOnly: false, Users: [], Teams: [] };
    case 'administrators':
      return { Public: false, AdministratorsOnly: true, Users: [], Teams: [] };
    case 'private':
      return { Public: false, AdministratorsOnly: false, Users: [me], Teams: [] };
    case 'restricted':
      return {
        Public: false,
        AdministratorsOnly: false,
        Users: [...new Set(form.users)],
        Teams: [...new Set(form.teams)],
      };
  }
}

/** What is wrong with the ownership part (restricted needs someone), or null. */
export function ownershipError(form: OwnershipForm): string | null {
  return form.choice === 'restricted' && form.users.length + form.teams.length === 0
    ? 'Choose at least one user or team.'
    : null;
}

/** The list column: Public / Administrators / Private / Restricted, or '—' without a resource control. */
export function ownershipLabel(item: PortainerDecoration): string {
  return OWNERSHIP_LABELS[ownershipOf(item as Decorated)];
}

/**
 * After a create: the server gave the creator a private resource control (named in the decorated create
 * response); any other choice is applied to it. Returns false when the choice could not be applied because
 * the response named no resource control.
 */
export async function applyOwnership(
  api: DockerEnvironmentApi,
  created: PortainerDecoration | null | undefined,
  form: OwnershipForm,
  me: number,
): Promise<boolean> {
  if (form.choice === 'private') return true;
  const rc = created?.Portainer?.ResourceControl;
  if (!rc) return false;
  await api.setOwnership(rc.Id, ownershipBody(form, me));
  return true;
}

/**
 * `applyOwnership` right after a create, failures told as toasts: the resource exists now, so an ownership problem
 * is reported, not turned into a create failure.
 */
export async function applyOwnershipAfterCreate(
  api: DockerEnvironmentApi,
  toasts: ToastService,
  created: PortainerDecoration | null | undefined,
  form: OwnershipForm,
  me: number,
  name: string,
): Promise<void> {
  try {
    if (!(await applyOwnership(api, created, form, me)))
      toasts.error(`${name} stays private: the server named no resource control to change.`);
  } catch (error) {
    toasts.error(`${name} was created, but its ownership could not be set: ${errorMessage(error)}`);
  }
}

/**
 * Radio group of the ownership choices (Administrators only for administrators); Restricted adds user and
 * team lists (whatever the caller may list).
 */
@Component({
  selector: 'cap-ownership-choice',
  template: `
    <fieldset class="ownership">
      <legend>Ownership</legend>
      @for (o of options(); track o.value) {
        <label class="check">
          <input
            type="radio"
            [name]="testId()"
            [value]="o.value"
            [attr.data-testid]="testId() + '-' + o.value"
            [checked]="value().choice === o.value"
            (change)="choose(o.value)"
          />
          <span
            ><strong>{{ o.label }}</strong
            ><span class="muted"> — {{ o.hint }}</span></span
          >
        </label>
      }
      @if (value().choice === 'restricted') {
        <div class="lists">
          <label>
            <span class="label">Users</span>
            <select
              class="input"
              multiple
              size="4"
              [attr.data-testid]="testId() + '-users'"
              (change)="pick('users', $event)"
            >
              @for (u of users(); track u.Id) {
                <option [value]="u.Id" [selected]="value().users.includes(u.Id)">{{ u.Username }}</option>
              }
            </select>
          </label>
          <label>
            <span class="label">Teams</span>
            <select
              class="input"
              multiple
              size="4"
              [attr.data-testid]="testId() + '-teams'"
              (change)="pick('teams', $event)"
            >
              @for (t of teams(); track t.Id) {
                <option [value]="t.Id" [selected]="value().teams.includes(t.Id)">{{ t.Name }}</option>
              }
            </select>
          </label>
        </div>
        @if (error()) {
          <p class="error" role="alert">{{ error() }}</p>
        }
      }
    </fieldset>
  `,
  styles: `
    .ownership {
      border: 0;
      padding: 0;
      margin: 0 0 1rem;
    }
    legend {
      font-weight: 600;
      font-size: 0.9rem;
      margin-bottom: 0.3rem;
    }
    .check {
      display: flex;
      gap: 0.5rem;
      align-items: baseline;
      margin: 0.25rem 0;
    }
    .lists {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(min(12rem, 100%), 1fr));
      gap: 0.75rem;
      margin-top: 0.5rem;
    }
    .label {
      display: block;
      font-size: 0.85rem;
      font-weight: 600;
      margin-bottom: 0.2rem;
    }
    .error {
      margin: 0.3rem 0 0;
      color: var(--danger-text);
      font-size: 0.85rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class OwnershipChoice {
  private readonly session = inject(SessionStore);
  private readonly usersApi = inject(UsersApi);
  private readonly teamsApi = inject(TeamsApi);
  readonly value = model<OwnershipForm>(PRIVATE_OWNERSHIP);
  readonly testId = input.required<string>();
  readonly error = input<string | null>(null);
  protected readonly users = signal<User[]>([]);
  protected readonly teams = signal<Team[]>([]);
  private listsLoaded = false;
  protected readonly options = computed(() => [
    { value: 'private' as const, label: 'Private', hint: 'only you (and administrators)' },
    ...(this.session.isAdmin()
      ? [{ value: 'administrators' as const, label: 'Administrators', hint: 'administrators only' }]
      : []),
    { value: 'restricted' as const, label: 'Restricted', hint: 'the users and teams you choose' },
    { value: 'public' as const, label: 'Public', hint: 'everyone with access to this environment' },
  ]);

  protected choose(choice: ResourceOwnership): void {
    this.value.update((v) => ({ ...v, choice }));
    if (choice === 'restricted' && !this.listsLoaded) {
      this.listsLoaded = true;
      // Lists the caller may not read (non-leaders cannot list users) stay empty; teams they belong to remain.
      this.usersApi.list().then(
        (u) => this.users.set(u),
        () => this.users.set([]),
      );
      this.teamsApi.list().then(
        (t) => this.teams.set(t),
        () => this.teams.set([]),
      );
    }
  }

  protected pick(kind: 'users' | 'teams', event: Event): void {
    const ids = Array.from((event.target as HTMLSelectElement).selectedOptions).map((o) => Number(o.value));
    this.value.update((v) => ({ ...v, [kind]: ids }));
  }
}
