import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { RouterLink } from '@angular/router';
import { MembershipRole, Permission } from '@capstan/contracts-api';
import {
  SessionStore,
  type Team,
  type TeamMembership,
  TeamsApi,
  type User,
  UsersApi,
  LoadState,
  errorMessage,
} from '@capstan/portal-data-access';
import {
  Alert,
  CellDef,
  ConfirmService,
  DataTable,
  FormControlDirective,
  FormField,
  PageHeader,
  type TableColumn,
  ToastService,
} from '@capstan/portal-ui';

interface MemberRow {
  readonly membership: TeamMembership;
  readonly username: string;
}

/** A team's members. Administrators and the team's leaders add, promote, demote and remove members. */
@Component({
  selector: 'cap-team-detail-page',
  imports: [Alert, CellDef, DataTable, FormField, FormControlDirective, PageHeader, RouterLink],
  template: `
    <p><a routerLink="/admin/teams">‹ Teams</a></p>
    <cap-page-header [title]="team()?.Name ?? 'Team'" subtitle="Members and leaders of this team." />

    @if (state.error(); as message) {
      <cap-alert kind="error">{{ message }}</cap-alert>
    }
    @if (!canManage() && loaded()) {
      <cap-alert kind="info">Only administrators and this team's leaders can change its members.</cap-alert>
    }

    @if (team(); as t) {
      <section class="card add" aria-labelledby="link-title" data-testid="team-link">
        <h2 id="link-title">Directory group</h2>
        @if (t.LinkedGroup; as link) {
          <p data-testid="team-linked-group">
            Linked to {{ link.Source === 'ldap' ? 'LDAP' : 'OAuth' }} group <code>{{ link.Group }}</code>:
            members are added and removed at each sign-in.
          </p>
        } @else {
          <p class="muted">Not linked: members are managed here only.</p>
        }
        @if (canLink()) {
          <form class="add-row" novalidate (submit)="link($event)">
            <cap-form-field label="Source">
              <select
                capControl
                class="input"
                name="linkSource"
                data-testid="team-link-source"
                (change)="linkSource.set($any($event.target).value)"
              >
                <option value="ldap" [selected]="linkSource() === 'ldap'">LDAP</option>
                <option value="oauth" [selected]="linkSource() === 'oauth'">OAuth</option>
              </select>
            </cap-form-field>
            <cap-form-field label="Group (name or DN)">
              <input
                capControl
                class="input"
                name="linkGroup"
                data-testid="team-link-group"
                [value]="linkGroup()"
                (input)="linkGroup.set($any($event.target).value)"
              />
            </cap-form-field>
            <button
              type="submit"
              class="btn btn-primary"
              data-testid="team-link-save"
              [disabled]="!linkGroup().trim() || busy()"
            >
              Link
            </button>
            @if (t.LinkedGroup) {
              <button
                type="button"
                class="btn"
                data-testid="team-unlink"
                [disabled]="busy()"
                (click)="unlink()"
              >
                Unlink
              </button>
            }
          </form>
        }
      </section>
    }

    @if (canManage()) {
      <form class="card add" novalidate (submit)="add($event)" aria-labelledby="add-title">
        <h2 id="add-title">Add a member</h2>
        <div class="add-row">
          <cap-form-field label="User">
            <select
              capControl
              class="input"
              name="user"
              data-testid="member-user"
              (change)="newUser.set(+$any($event.target).value)"
            >
              <option [value]="0" [selected]="newUser() === 0">Choose a user…</option>
              @for (u of candidates(); track u.Id) {
                <option [value]="u.Id" [selected]="newUser() === u.Id">{{ u.Username }}</option>
              }
            </select>
          </cap-form-field>
          <cap-form-field label="Role">
            <select
              capControl
              class="input"
              name="role"
              data-testid="member-role"
              (change)="newRole.set(+$any($event.target).value)"
            >
              <option [value]="2" [selected]="newRole() === 2">Member</option>
              <option [value]="1" [selected]="newRole() === 1">Leader</option>
            </select>
          </cap-form-field>
          <button
            type="submit"
            class="btn btn-primary"
            data-testid="member-add"
            [disabled]="newUser() === 0 || busy()"
          >
            Add
          </button>
        </div>
      </form>
    }

    <cap-data-table
      caption="Members"
      [columns]="columns"
      [rows]="rows()"
      [loading]="state.loading()"
      [rowTestId]="rowTestId"
      emptyMessage="This team has no members."
    >
      <ng-template capCell="role" [capCellOf]="rows()" let-row>
        <span class="badge" [class.badge-accent]="row.membership.Role === 1">{{
          row.membership.Role === 1 ? 'Leader' : 'Member'
        }}</span>
      </ng-template>
      <ng-template capCell="actions" [capCellOf]="rows()" let-row>
        @if (canManage()) {
          <div class="row-actions">
            <button
              type="button"
              class="btn-link"
              [attr.data-testid]="'member-toggle-' + row.username"
              (click)="toggleRole(row)"
            >
              {{ row.membership.Role === 1 ? 'Make member' : 'Make leader' }}
            </button>
            <button
              type="button"
              class="btn-link danger"
              [attr.data-testid]="'member-remove-' + row.username"
              (click)="remove(row)"
            >
              Remove
            </button>
          </div>
        }
      </ng-template>
    </cap-data-table>
  `,
  styles: `
    .add {
      margin-bottom: 1rem;
    }
    .add-row {
      display: flex;
      flex-wrap: wrap;
      gap: 0 1rem;
      align-items: center;
    }
    .add-row cap-form-field {
      flex: 1 1 12rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TeamDetailPage {
  /** Route parameter. */
  readonly id = input.required<string>();

  private readonly session = inject(SessionStore);
  private readonly teamsApi = inject(TeamsApi);
  private readonly usersApi = inject(UsersApi);
  private readonly toasts = inject(ToastService);
  private readonly confirm = inject(ConfirmService);

  protected readonly columns: TableColumn<MemberRow>[] = [
    { key: 'username', label: 'User', sortable: true },
    { key: 'role', label: 'Role', sortable: true, value: (r) => r.membership.Role },
    { key: 'actions', label: 'Actions' },
  ];
  protected readonly rowTestId = (r: MemberRow): string => `member-row-${r.username}`;

  protected readonly teamId = computed(() => Number(this.id()));
  protected readonly team = signal<Team | null>(null);
  protected readonly memberships = signal<TeamMembership[]>([]);
  protected readonly users = signal<User[]>([]);
  protected readonly loaded = signal(false);
  protected readonly state = new LoadState();
  protected readonly busy = signal(false);
  protected readonly newUser = signal(0);
  protected readonly newRole = signal<number>(MembershipRole.Member);
  protected readonly linkSource = signal<'ldap' | 'oauth'>('ldap');
  protected readonly linkGroup = signal('');
  /** Linking decides membership, so only team managers (administrators) may change it. */
  protected readonly canLink = computed(() => this.session.can(Permission.TeamsManage));

  protected readonly canManage = computed(
    () =>
      this.session.can(Permission.TeamsManage) ||
      (this.session.can(Permission.TeamMembersManage) && this.session.ledTeamIds().has(this.teamId())),
  );
  protected readonly rows = computed<MemberRow[]>(() => {
    const names = new Map(this.users().map((u) => [u.Id, u.Username]));
    return this.memberships().map((m) => ({
      membership: m,
      username: names.get(m.UserID) ?? `user #${m.UserID}`,
    }));
  });
  protected readonly candidates = computed(() => {
    const members = new Set(this.memberships().map((m) => m.UserID));
    return this.users().filter((u) => !members.has(u.Id));
  });

  constructor() {
    effect(() => {
      const id = this.teamId();
      untracked(() => void this.load(id));
    });
  }

  protected async load(id = this.teamId()): Promise<void> {
    await this.state.run('the team', async () => {
      const [team, memberships, users] = await Promise.all([
        this.teamsApi.get(id),
        this.teamsApi.memberships(id),
        this.usersApi.list(),
      ]);
      this.team.set(team);
      if (team.LinkedGroup) {
        this.linkSource.set(team.LinkedGroup.Source === 'oauth' ? 'oauth' : 'ldap');
        this.linkGroup.set(team.LinkedGroup.Group);
      }
      this.memberships.set(memberships);
      this.users.set(users);
    });
    this.loaded.set(true);
  }

  protected async add(event: Event): Promise<void> {
    event.preventDefault();
    if (this.newUser() === 0 || this.busy()) return;
    await this.run(async () => {
      await this.teamsApi.addMember(this.teamId(), this.newUser(), this.newRole());
      this.newUser.set(0);
      this.toasts.success('Member added');
    });
  }

  protected async link(event: Event): Promise<void> {
    event.preventDefault();
    if (!this.linkGroup().trim() || this.busy()) return;
    await this.run(async () => {
      await this.teamsApi.link(this.teamId(), this.linkSource(), this.linkGroup().trim());
      this.toasts.success('Team linked');
    });
  }

  protected async unlink(): Promise<void> {
    await this.run(async () => {
      await this.teamsApi.unlink(this.teamId());
      this.linkGroup.set('');
      this.toasts.success('Team unlinked');
    });
  }

  protected async toggleRole(row: MemberRow): Promise<void> {
    const role =
      row.membership.Role === (MembershipRole.Leader as number)
        ? MembershipRole.Member
        : MembershipRole.Leader;
    await this.run(async () => {
      await this.teamsApi.changeRole(row.membership, role);
      this.toasts.success(`${row.username} is now a ${role === MembershipRole.Leader ? 'leader' : 'member'}`);
    });
  }

  protected async remove(row: MemberRow): Promise<void> {
    const ok = await this.confirm.ask({
      title: 'Remove member',
      message: `Remove ${row.username} from ${this.team()?.Name ?? 'this team'}?`,
      confirmLabel: 'Remove',
      danger: true,
    });
    if (!ok) return;
    await this.run(async () => {
      await this.teamsApi.removeMember(row.membership.Id);
      this.toasts.success(`${row.username} removed`);
    });
  }

  private async run(action: () => Promise<void>): Promise<void> {
    this.busy.set(true);
    try {
      await action();
      await this.load();
      // Changing one's own leadership changes what one may do next.
      if (this.memberships().some((m) => m.UserID === this.session.user()?.Id)) await this.session.refresh();
    } catch (error) {
      this.toasts.error(errorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }
}
