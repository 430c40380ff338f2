import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { UserRole } from '@capstan/contracts-api';
import {
  DialogForm,
  SessionStore,
  type Team,
  TeamsApi,
  type User,
  LoadState,
  UsersApi,
  errorMessage,
  passwordMinLength,
} from '@capstan/portal-data-access';
import {
  CellDef,
  DataTable,
  FormControlDirective,
  FormDialog,
  FormField,
  ListPage,
  ToastService,
  type TableColumn,
  confirmedAction,
} from '@capstan/portal-ui';

type DialogMode = { kind: 'create' } | { kind: 'role'; user: User } | { kind: 'password'; user: User };

export function roleLabel(role: number): string {
  return role === (UserRole.Administrator as number) ? 'Administrator' : 'Standard user';
}

/**
 * Users: list, create with a role and teams, change role, reset password, delete (administrators only). The
 * password rule is stated under the field before saving.
 */
@Component({
  selector: 'cap-users-page',
  imports: [ListPage, CellDef, DataTable, FormDialog, FormField, FormControlDirective],
  template: `
    <cap-list-page
      title="Users"
      subtitle="Who can log in, and whether they administer the instance."
      [error]="state.error()"
      searchLabel="Search users"
      searchPlaceholder="Search users (press /)"
      searchTestId="user-search"
      [(query)]="query"
    >
      <button
        listActions
        type="button"
        class="btn btn-primary"
        data-testid="user-create"
        (click)="open({ kind: 'create' })"
      >
        + Add user
      </button>
    </cap-list-page>

    <cap-data-table
      caption="Users"
      [columns]="columns"
      [rows]="filtered()"
      [loading]="state.loading()"
      [rowTestId]="rowTestId"
      emptyMessage="No users."
    >
      <ng-template capCell="Role" [capCellOf]="filtered()" let-row>
        <span class="badge" [class.badge-accent]="row.Role === 1">{{ roleLabel(row.Role) }}</span>
      </ng-template>
      <ng-template capCell="TwoFactor" [capCellOf]="filtered()" let-row>
        @if (totpUsers().has(row.Id)) {
          <span class="badge badge-accent" [attr.data-testid]="'user-totp-' + row.Username">On</span>
        } @else {
          <span class="muted" [attr.data-testid]="'user-totp-' + row.Username">Off</span>
        }
      </ng-template>
      <ng-template capCell="actions" [capCellOf]="filtered()" let-row>
        <div class="row-actions">
          <button
            type="button"
            class="btn-link"
            [attr.data-testid]="'user-edit-' + row.Username"
            (click)="open({ kind: 'role', user: row })"
          >
            Change role
          </button>
          <button
            type="button"
            class="btn-link"
            [attr.data-testid]="'user-reset-' + row.Username"
            (click)="open({ kind: 'password', user: row })"
          >
            Reset password
          </button>
          @if (totpUsers().has(row.Id)) {
            <button
              type="button"
              class="btn-link"
              [attr.data-testid]="'user-reset-totp-' + row.Username"
              (click)="resetTotp(row)"
            >
              Reset two-factor
            </button>
          }
          @if (row.Id !== session.user()?.Id) {
            <button
              type="button"
              class="btn-link danger"
              [attr.data-testid]="'user-delete-' + row.Username"
              (click)="remove(row)"
            >
              Delete
            </button>
          }
        </div>
      </ng-template>
    </cap-data-table>

    @if (dialog.open() && mode(); as d) {
      <cap-form-dialog
        [title]="
          d.kind === 'create'
            ? 'Add a user'
            : d.kind === 'role'
              ? 'Change the role of ' + d.user.Username
              : 'Reset the password of ' + d.user.Username
        "
        testId="user-dialog"
        formId="user-form"
        submitTestId="user-save"
        [busy]="dialog.busy()"
        [error]="dialog.error()"
        (submitted)="save()"
        (closed)="close()"
      >
        @if (d.kind === 'create') {
          <cap-form-field label="Username" [required]="true" [error]="shown('username')">
            <input
              capControl
              class="input"
              name="username"
              autocomplete="off"
              data-testid="user-username"
              [value]="username()"
              (input)="username.set($any($event.target).value)"
            />
          </cap-form-field>
        }
        @if (d.kind !== 'role') {
          <cap-form-field
            [label]="d.kind === 'create' ? 'Password' : 'New password'"
            [required]="true"
            [hint]="'At least ' + minLength() + ' characters.'"
            [error]="shown('password')"
          >
            <input
              capControl
              class="input"
              type="password"
              name="password"
              autocomplete="new-password"
              data-testid="user-password"
              [value]="password()"
              (input)="password.set($any($event.target).value)"
            />
          </cap-form-field>
        }
        @if (d.kind !== 'password') {
          <cap-form-field label="Role">
            <select
              capControl
              class="input"
              name="role"
              data-testid="user-role"
              (change)="role.set(+$any($event.target).value)"
            >
              <option [value]="2" [selected]="role() === 2">Standard user</option>
              <option [value]="1" [selected]="role() === 1">Administrator</option>
            </select>
          </cap-form-field>
        }
        @if (d.kind === 'create' && teams().length > 0) {
          <fieldset class="teams" data-testid="user-teams">
            <legend>Teams <span class="muted">(optional, as member)</span></legend>
            @for (t of teams(); track t.Id) {
              <label class="check">
                <input
                  type="checkbox"
                  [attr.data-testid]="'user-team-' + t.Name"
                  [checked]="teamIds().has(t.Id)"
                  (change)="toggleTeam(t.Id, $any($event.target).checked)"
                />
                {{ t.Name }}
              </label>
            }
          </fieldset>
        }
      </cap-form-dialog>
    }
  `,
  styles: `
    .teams {
      border: 1px solid var(--border);
      border-radius: var(--radius);
      padding: 0.5rem 0.75rem;
      margin: 0 0 1rem;
      display: flex;
      flex-wrap: wrap;
      gap: 0.35rem 1rem;
    }
    .teams legend {
      font-weight: 600;
      font-size: 0.9rem;
      padding: 0 0.25rem;
    }
    .check {
      display: inline-flex;
      gap: 0.4rem;
      align-items: center;
      overflow-wrap: anywhere;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UsersPage {
  protected readonly session = inject(SessionStore);
  private readonly usersApi = inject(UsersApi);
  private readonly teamsApi = inject(TeamsApi);
  private readonly toasts = inject(ToastService);
  private readonly act = confirmedAction();
  protected readonly roleLabel = roleLabel;

  protected readonly columns: TableColumn<User>[] = [
    { key: 'Username', label: 'Name', sortable: true },
    { key: 'Role', label: 'Role', sortable: true, value: (u) => roleLabel(u.Role) },
    {
      key: 'TwoFactor',
      label: 'Two-factor',
      sortable: true,
      value: (u) => (this.totpUsers().has(u.Id) ? 'On' : 'Off'),
    },
    { key: 'actions', label: 'Actions' },
  ];
  protected readonly rowTestId = (u: User): string => `user-row-${u.Username}`;

  protected readonly users = signal<User[]>([]);
  /** Who has two-factor sign-in on. */
  protected readonly totpUsers = signal<ReadonlySet<number>>(new Set());
  protected readonly state = new LoadState();
  protected readonly query = signal('');
  protected readonly filtered = computed(() => {
    const q = this.query().trim().toLowerCase();
    return q ? this.users().filter((u) => u.Username.toLowerCase().includes(q)) : this.users();
  });

  protected readonly mode = signal<DialogMode | null>(null);
  protected readonly dialog = new DialogForm();
  protected readonly username = signal('');
  protected readonly password = signal('');
  protected readonly role = signal<number>(UserRole.StandardUser);
  protected readonly minLength = passwordMinLength();
  /** Teams offered in the create dialog, and those ticked. */
  protected readonly teams = signal<Team[]>([]);
  protected readonly teamIds = signal<ReadonlySet<number>>(new Set());

  constructor() {
    void this.load();
  }

  protected load(): Promise<void> {
    return this.state.run('the users', async () => {
      const [users, totp] = await Promise.all([this.usersApi.list(), this.usersApi.totpEnabledUsers()]);
      this.users.set(users);
      this.totpUsers.set(new Set(totp));
    });
  }

  protected open(mode: DialogMode): void {
    this.mode.set(mode);
    this.dialog.show(() => {
      this.username.set('');
      this.password.set('');
      this.role.set(mode.kind === 'role' ? mode.user.Role : UserRole.StandardUser);
      this.teamIds.set(new Set());
    });
    if (mode.kind === 'create') {
      this.teamsApi
        .list()
        .then((teams) => this.teams.set([...teams].sort((a, b) => a.Name.localeCompare(b.Name))))
        .catch(() => this.teams.set([]));
    }
  }

  protected toggleTeam(id: number, on: boolean): void {
    const next = new Set(this.teamIds());
    if (on) next.add(id);
    else next.delete(id);
    this.teamIds.set(next);
  }

  protected close(): void {
    this.dialog.close();
    this.mode.set(null);
  }

  protected shown(field: 'username' | 'password'): string | null {
    if (!this.dialog.submitted()) return null;
    if (field === 'username') return this.username().trim() ? null : 'Enter a username.';
    if (!this.password()) return 'Enter a password.';
    return this.password().length < this.minLength()
      ? `The password must be at least ${this.minLength()} characters long.`
      : null;
  }

  protected async save(): Promise<void> {
    const mode = this.mode();
    if (!mode) return;
    await this.dialog.submit(
      () =>
        (mode.kind === 'create' && this.shown('username') !== null) ||
        (mode.kind !== 'role' && this.shown('password') !== null),
      async () => {
        switch (mode.kind) {
          case 'create': {
            const teamIds = this.teams()
              .filter((t) => this.teamIds().has(t.Id))
              .map((t) => t.Id);
            const user = await this.usersApi.create(
              this.username().trim(),
              this.password(),
              this.role(),
              teamIds,
            );
            this.toasts.success(`User ${user.Username} created`);
            break;
          }
          case 'role':
            await this.usersApi.update(mode.user.Id, { role: this.role() as UserRole });
            this.toasts.success(`${mode.user.Username} is now ${roleLabel(this.role()).toLowerCase()}`);
            break;
          case 'password':
            await this.usersApi.update(mode.user.Id, { newPassword: this.password() });
            this.toasts.success(`Password of ${mode.user.Username} reset`);
            break;
        }
        this.close();
        await this.load();
      },
    );
  }

  protected async remove(user: User): Promise<void> {
    await this.act({
      title: 'Delete user',
      message: `Delete the user ${user.Username}? Their API keys stop working and they can no longer log in.`,
      confirmLabel: 'Delete',
      run: () => this.usersApi.remove(user.Id),
      done: `User ${user.Username} deleted`,
      then: () => this.load(),
      failed: (error) => `Could not delete ${user.Username}: ${errorMessage(error)}`,
    });
  }

  protected async resetTotp(user: User): Promise<void> {
    await this.act({
      title: 'Reset two-factor sign-in',
      message: `Remove ${user.Username}'s second factor? They sign in with their password alone until they set it up again (or must set it up at once if the policy requires it).`,
      confirmLabel: 'Reset',
      run: () => this.usersApi.resetTotp(user.Id),
      done: `Two-factor sign-in of ${user.Username} reset`,
      then: () => this.load(),
      failed: (error) => `Could not reset ${user.Username}'s second factor: ${errorMessage(error)}`,
    });
  }
}
