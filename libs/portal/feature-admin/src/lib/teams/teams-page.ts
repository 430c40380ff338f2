import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import {
  DialogForm,
  SessionStore,
  type Team,
  TeamsApi,
  type User,
  LoadState,
  UsersApi,
  errorMessage,
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

type DialogMode = { kind: 'create' } | { kind: 'rename'; team: Team };

/**
 * Teams. Administrators create, rename and delete; team leaders see the teams they belong to and open
 * the ones they lead to manage members.
 */
@Component({
  selector: 'cap-teams-page',
  imports: [ListPage, CellDef, DataTable, FormDialog, FormField, FormControlDirective, RouterLink],
  template: `
    <cap-list-page
      title="Teams"
      subtitle="Groups of users; access to environments will be granted per team."
      [error]="state.error()"
      searchLabel="Search teams"
      searchPlaceholder="Search teams (press /)"
      [(query)]="query"
    >
      @if (canManageTeams()) {
        <button
          listActions
          type="button"
          class="btn btn-primary"
          data-testid="team-create"
          (click)="open({ kind: 'create' })"
        >
          + Add team
        </button>
      }
    </cap-list-page>

    <cap-data-table
      caption="Teams"
      [columns]="columns"
      [rows]="filtered()"
      [loading]="state.loading()"
      [rowTestId]="rowTestId"
      emptyMessage="No teams yet."
    >
      <ng-template capCell="Name" [capCellOf]="filtered()" let-row>
        @if (canManageMembers(row)) {
          <a [routerLink]="['/admin/teams', row.Id]" [attr.data-testid]="'team-link-' + row.Name">{{
            row.Name
          }}</a>
        } @else {
          {{ row.Name }}
        }
      </ng-template>
      <ng-template capCell="actions" [capCellOf]="filtered()" let-row>
        <div class="row-actions">
          @if (canManageMembers(row)) {
            <a class="btn-link" [routerLink]="['/admin/teams', row.Id]">Members</a>
          }
          @if (canManageTeams()) {
            <button
              type="button"
              class="btn-link"
              [attr.data-testid]="'team-rename-' + row.Name"
              (click)="open({ kind: 'rename', team: row })"
            >
              Rename
            </button>
            <button
              type="button"
              class="btn-link danger"
              [attr.data-testid]="'team-delete-' + row.Name"
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
        [title]="d.kind === 'create' ? 'Add a team' : 'Rename ' + d.team.Name"
        testId="team-dialog"
        formId="team-form"
        submitTestId="team-save"
        [busy]="dialog.busy()"
        [error]="dialog.error()"
        (submitted)="save()"
        (closed)="close()"
      >
        <cap-form-field label="Name" [required]="true" [error]="nameError()">
          <input
            capControl
            class="input"
            name="name"
            autocomplete="off"
            data-testid="team-name"
            [value]="name()"
            (input)="name.set($any($event.target).value)"
          />
        </cap-form-field>
        @if (d.kind === 'create') {
          <cap-form-field label="Team leader" hint="Optional. The leader can manage the team's members.">
            <select
              capControl
              class="input"
              name="leader"
              data-testid="team-leader"
              (change)="leader.set(+$any($event.target).value)"
            >
              <option [value]="0" [selected]="leader() === 0">No leader</option>
              @for (u of users(); track u.Id) {
                <option [value]="u.Id" [selected]="leader() === u.Id">{{ u.Username }}</option>
              }
            </select>
          </cap-form-field>
        }
      </cap-form-dialog>
    }
  `,
  styles: ``,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TeamsPage {
  private readonly session = inject(SessionStore);
  private readonly teamsApi = inject(TeamsApi);
  private readonly usersApi = inject(UsersApi);
  private readonly toasts = inject(ToastService);
  private readonly act = confirmedAction();

  protected readonly columns: TableColumn<Team>[] = [
    { key: 'Name', label: 'Name', sortable: true },
    { key: 'actions', label: 'Actions' },
  ];
  protected readonly rowTestId = (t: Team): string => `team-row-${t.Name}`;

  protected readonly teams = signal<Team[]>([]);
  protected readonly users = signal<User[]>([]);
  protected readonly state = new LoadState();
  protected readonly query = signal('');
  protected readonly filtered = computed(() => {
    const q = this.query().trim().toLowerCase();
    return q ? this.teams().filter((t) => t.Name.toLowerCase().includes(q)) : this.teams();
  });
  protected readonly canManageTeams = computed(() => this.session.can(Permission.TeamsManage));

  protected readonly mode = signal<DialogMode | null>(null);
  protected readonly dialog = new DialogForm();
  protected readonly name = signal('');
  protected readonly leader = signal(0);
  protected readonly nameError = computed(() =>
    this.dialog.submitted() && this.name().trim() === '' ? 'Enter a team name.' : null,
  );

  constructor() {
    void this.load();
  }

  protected canManageMembers(team: Team): boolean {
    return (
      this.canManageTeams() ||
      (this.session.can(Permission.TeamMembersManage) && this.session.ledTeamIds().has(team.Id))
    );
  }

  protected load(): Promise<void> {
    return this.state.run('the teams', async () => this.teams.set(await this.teamsApi.list()));
  }

  protected open(mode: DialogMode): void {
    this.mode.set(mode);
    this.dialog.show(() => {
      this.name.set(mode.kind === 'rename' ? mode.team.Name : '');
      this.leader.set(0);
    });
    if (mode.kind === 'create' && this.users().length === 0) {
      this.usersApi
        .list()
        .then((users) => this.users.set(users))
        .catch(() => undefined);
    }
  }

  protected close(): void {
    this.dialog.close();
    this.mode.set(null);
  }

  protected async save(): Promise<void> {
    const mode = this.mode();
    if (!mode) return;
    const name = this.name().trim();
    await this.dialog.submit(
      () => this.nameError() !== null,
      async () => {
        if (mode.kind === 'create') {
          await this.teamsApi.create(name, this.leader() ? [this.leader()] : undefined);
          this.toasts.success(`Team ${name} created`);
        } else {
          await this.teamsApi.rename(mode.team.Id, name);
          this.toasts.success(`Team renamed to ${name}`);
        }
        this.close();
        await this.load();
      },
    );
  }

  protected async remove(team: Team): Promise<void> {
    await this.act({
      title: 'Delete team',
      message: `Delete the team ${team.Name}? Its members keep their accounts but lose the team's access.`,
      confirmLabel: 'Delete',
      run: () => this.teamsApi.remove(team.Id),
      done: `Team ${team.Name} deleted`,
      then: () => this.load(),
      failed: (error) => `Could not delete ${team.Name}: ${errorMessage(error)}`,
    });
  }
}
