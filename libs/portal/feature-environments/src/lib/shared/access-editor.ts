import {
  ChangeDetectionStrategy,
  Component,
  computed,
  input,
  linkedSignal,
  output,
  signal,
} from '@angular/core';
import type { AccessPolicyMap, EnvironmentRole, Team, User } from '@capstan/portal-data-access';

type Kind = 'user' | 'team';

export interface AccessPolicies {
  users: AccessPolicyMap;
  teams: AccessPolicyMap;
}

interface Row {
  id: string;
  name: string;
  roleId: number;
}

/** Portainer's default role for a new policy. */
const DEFAULT_ROLE = 3;

/**
 * User and team access policies of an environment or a group: who, with which environment role. Edits a
 * draft; `saved` hands both maps back (`{ "<id>": { RoleId } }`) for one PUT.
 */
@Component({
  selector: 'cap-access-editor',
  template: `
    @for (kind of kinds; track kind) {
      <section class="part" [attr.aria-label]="kind === 'user' ? 'User access' : 'Team access'">
        <h3>{{ kind === 'user' ? 'Users' : 'Teams' }}</h3>
        <div class="add">
          <label>
            <span class="sr-only">{{ kind === 'user' ? 'User' : 'Team' }}</span>
            <select
              class="input"
              [attr.data-testid]="'access-add-' + kind"
              (change)="pick(kind, $any($event.target).value)"
            >
              <option value="" [selected]="picked()[kind] === ''">
                {{ kind === 'user' ? 'Choose a user…' : 'Choose a team…' }}
              </option>
              @for (c of candidates()[kind]; track c.id) {
                <option [value]="c.id" [selected]="picked()[kind] === c.id">{{ c.name }}</option>
              }
            </select>
          </label>
          <label>
            <span class="sr-only">Role</span>
            <select
              class="input"
              [attr.data-testid]="'access-add-' + kind + '-role'"
              (change)="pickRole(kind, +$any($event.target).value)"
            >
              @for (r of sortedRoles(); track r.Id) {
                <option [value]="r.Id" [selected]="pickedRole()[kind] === r.Id">{{ r.Name }}</option>
              }
            </select>
          </label>
          <button
            type="button"
            class="btn"
            [attr.data-testid]="'access-add-' + kind + '-submit'"
            [disabled]="picked()[kind] === ''"
            (click)="add(kind)"
          >
            + Add
          </button>
        </div>
        <ul class="rows">
          @for (row of rows()[kind]; track row.id) {
            <li [attr.data-testid]="'access-' + kind + '-row-' + row.name">
              <span class="name">{{ row.name }}</span>
              <label>
                <span class="sr-only">Role of {{ row.name }}</span>
                <select
                  class="input"
                  [attr.data-testid]="'access-' + kind + '-role-' + row.name"
                  (change)="setRole(kind, row.id, +$any($event.target).value)"
                >
                  @for (r of sortedRoles(); track r.Id) {
                    <option [value]="r.Id" [selected]="row.roleId === r.Id">{{ r.Name }}</option>
                  }
                </select>
              </label>
              <button
                type="button"
                class="btn-link danger"
                [attr.data-testid]="'access-' + kind + '-remove-' + row.name"
                (click)="remove(kind, row.id)"
              >
                Remove
              </button>
            </li>
          } @empty {
            <li class="muted">{{ kind === 'user' ? 'No user policy.' : 'No team policy.' }}</li>
          }
        </ul>
      </section>
    }
    <div class="form-actions">
      <button
        type="button"
        class="btn btn-primary"
        data-testid="access-save"
        [disabled]="busy() || !dirty()"
        (click)="save()"
      >
        {{ busy() ? 'Saving…' : 'Save access' }}
      </button>
    </div>
  `,
  styles: `
    .part + .part {
      margin-top: 1.25rem;
    }
    h3 {
      margin: 0 0 0.5rem;
      font-size: 1rem;
    }
    .add {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      margin-bottom: 0.5rem;
    }
    .add label {
      flex: 1 1 10rem;
    }
    .rows {
      list-style: none;
      margin: 0;
      padding: 0;
      border: 1px solid var(--border);
      border-radius: var(--radius);
    }
    .rows li {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      align-items: center;
      padding: 0.45rem 0.6rem;
    }
    .rows li + li {
      border-top: 1px solid var(--border);
    }
    .name {
      flex: 1 1 8rem;
      font-weight: 600;
      overflow-wrap: anywhere;
    }
    .rows label {
      flex: 0 1 14rem;
    }
    .form-actions {
      margin-top: 1rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AccessEditor {
  readonly users = input<readonly User[]>([]);
  readonly teams = input<readonly Team[]>([]);
  readonly roles = input<readonly EnvironmentRole[]>([]);
  readonly userPolicies = input<AccessPolicyMap>({});
  readonly teamPolicies = input<AccessPolicyMap>({});
  readonly busy = input(false);
  readonly saved = output<AccessPolicies>();

  protected readonly kinds: readonly Kind[] = ['user', 'team'];
  private readonly draftUsers = linkedSignal<AccessPolicyMap>(() => ({ ...this.userPolicies() }));
  private readonly draftTeams = linkedSignal<AccessPolicyMap>(() => ({ ...this.teamPolicies() }));
  protected readonly picked = signal<Record<Kind, string>>({ user: '', team: '' });
  protected readonly pickedRole = signal<Record<Kind, number>>({ user: DEFAULT_ROLE, team: DEFAULT_ROLE });

  protected readonly sortedRoles = computed(() => [...this.roles()].sort((a, b) => a.Priority - b.Priority));
  private readonly names = computed<Record<Kind, Map<string, string>>>(() => ({
    user: new Map(this.users().map((u) => [String(u.Id), u.Username])),
    team: new Map(this.teams().map((t) => [String(t.Id), t.Name])),
  }));
  protected readonly rows = computed<Record<Kind, Row[]>>(() => ({
    user: this.toRows('user', this.draftUsers()),
    team: this.toRows('team', this.draftTeams()),
  }));
  protected readonly candidates = computed<Record<Kind, { id: string; name: string }[]>>(() => {
    const free = (kind: Kind, taken: AccessPolicyMap) =>
      [...this.names()[kind].entries()]
        .filter(([id]) => !(id in taken))
        .map(([id, name]) => ({ id, name }))
        .sort((a, b) => a.name.localeCompare(b.name));
    return { user: free('user', this.draftUsers()), team: free('team', this.draftTeams()) };
  });
  protected readonly dirty = computed(
    () =>
      !samePolicies(this.draftUsers(), this.userPolicies()) ||
      !samePolicies(this.draftTeams(), this.teamPolicies()),
  );

  protected pick(kind: Kind, id: string): void {
    this.picked.update((p) => ({ ...p, [kind]: id }));
  }

  protected pickRole(kind: Kind, roleId: number): void {
    this.pickedRole.update((p) => ({ ...p, [kind]: roleId }));
  }

  protected add(kind: Kind): void {
    const id = this.picked()[kind];
    if (!id) return;
    this.draft(kind).update((m) => ({ ...m, [id]: { RoleId: this.pickedRole()[kind] } }));
    this.pick(kind, '');
  }

  protected setRole(kind: Kind, id: string, roleId: number): void {
    this.draft(kind).update((m) => ({ ...m, [id]: { RoleId: roleId } }));
  }

  protected remove(kind: Kind, id: string): void {
    this.draft(kind).update((m) => Object.fromEntries(Object.entries(m).filter(([key]) => key !== id)));
  }

  protected save(): void {
    this.saved.emit({ users: this.draftUsers(), teams: this.draftTeams() });
  }

  private draft(kind: Kind) {
    return kind === 'user' ? this.draftUsers : this.draftTeams;
  }

  private toRows(kind: Kind, map: AccessPolicyMap): Row[] {
    const names = this.names()[kind];
    return Object.entries(map)
      .map(([id, p]) => ({ id, name: names.get(id) ?? `#${id}`, roleId: p.RoleId }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
}

function samePolicies(a: AccessPolicyMap, b: AccessPolicyMap): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => b[k]?.RoleId === a[k].RoleId);
}
