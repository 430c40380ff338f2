import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import {
  type EnvironmentGroup,
  type EnvironmentTag,
  EnvironmentsApi,
  LoadState,
  errorMessage,
} from '@capstan/portal-data-access';
import {
  Alert,
  CellDef,
  DataTable,
  Dialog,
  FormControlDirective,
  FormDialogActions,
  FormField,
  ListPage,
  ToastService,
  type TableColumn,
  confirmedAction,
} from '@capstan/portal-ui';

/** Group 1 holds every environment not put anywhere else; it cannot be deleted. */
export const UNASSIGNED_GROUP_ID = 1;

/** Environment groups: list, create, delete (not "Unassigned"); details on the group page. */
@Component({
  selector: 'cap-groups-page',
  imports: [
    ListPage,
    Alert,
    CellDef,
    DataTable,
    Dialog,
    FormControlDirective,
    FormDialogActions,
    FormField,
    RouterLink,
  ],
  template: `
    <cap-list-page
      title="Environment groups"
      subtitle="Gather environments to give access and tags to all of them."
      [error]="state.error()"
    >
      <a listActions class="btn" routerLink="/environments">‹ Environments</a>
      <button listActions type="button" class="btn btn-primary" data-testid="group-create" (click)="open()">
        + Add group
      </button>
    </cap-list-page>

    <cap-data-table
      caption="Environment groups"
      [columns]="columns"
      [rows]="groups()"
      [loading]="state.loading()"
      [rowTestId]="rowTestId"
      emptyMessage="No group."
    >
      <ng-template capCell="Name" [capCellOf]="groups()" let-row>
        <a [routerLink]="['/environments/groups', row.Id]" [attr.data-testid]="'group-link-' + row.Name">{{
          row.Name
        }}</a>
      </ng-template>
      <ng-template capCell="tags" [capCellOf]="groups()" let-row>
        @for (id of row.TagIds; track id) {
          <span class="badge badge-accent">{{ tagNames().get(id) ?? id }}</span>
        }
      </ng-template>
      <ng-template capCell="actions" [capCellOf]="groups()" let-row>
        @if (row.Id !== unassigned) {
          <button
            type="button"
            class="btn-link danger"
            [attr.data-testid]="'group-delete-' + row.Name"
            (click)="remove(row)"
          >
            Delete
          </button>
        }
      </ng-template>
    </cap-data-table>

    @if (dialogOpen()) {
      <cap-dialog title="Add a group" testId="group-dialog" (closed)="dialogOpen.set(false)">
        <form id="group-form" novalidate (submit)="create($event)">
          @if (formError(); as message) {
            <cap-alert kind="error">{{ message }}</cap-alert>
          }
          <cap-form-field
            label="Name"
            [required]="true"
            [error]="submitted() && !name().trim() ? 'Enter a name.' : null"
          >
            <input
              capControl
              class="input"
              data-testid="group-name"
              [value]="name()"
              (input)="name.set($any($event.target).value)"
            />
          </cap-form-field>
          <cap-form-field label="Description">
            <input
              capControl
              class="input"
              data-testid="group-description"
              [value]="description()"
              (input)="description.set($any($event.target).value)"
            />
          </cap-form-field>
        </form>
        <cap-form-dialog-actions
          dialog-actions
          formId="group-form"
          testId="group-save"
          label="Create"
          [busy]="busy()"
          (cancelled)="dialogOpen.set(false)"
        />
      </cap-dialog>
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class GroupsPage {
  private readonly api = inject(EnvironmentsApi);
  private readonly router = inject(Router);
  private readonly toasts = inject(ToastService);
  private readonly act = confirmedAction();

  protected readonly unassigned = UNASSIGNED_GROUP_ID;
  protected readonly groups = signal<EnvironmentGroup[]>([]);
  protected readonly tags = signal<EnvironmentTag[]>([]);
  protected readonly tagNames = computed(() => new Map(this.tags().map((t) => [t.ID, t.Name])));
  protected readonly state = new LoadState();
  protected readonly columns: TableColumn<EnvironmentGroup>[] = [
    { key: 'Name', label: 'Name', sortable: true },
    { key: 'Description', label: 'Description', secondary: true },
    { key: 'tags', label: 'Tags' },
    { key: 'actions', label: 'Actions' },
  ];
  protected readonly rowTestId = (g: EnvironmentGroup): string => `group-row-${g.Name}`;

  protected readonly dialogOpen = signal(false);
  protected readonly name = signal('');
  protected readonly description = signal('');
  protected readonly busy = signal(false);
  protected readonly submitted = signal(false);
  protected readonly formError = signal<string | null>(null);

  constructor() {
    void this.load();
  }

  protected open(): void {
    this.name.set('');
    this.description.set('');
    this.submitted.set(false);
    this.formError.set(null);
    this.dialogOpen.set(true);
  }

  protected async create(event: Event): Promise<void> {
    event.preventDefault();
    this.submitted.set(true);
    if (!this.name().trim() || this.busy()) return;
    this.busy.set(true);
    this.formError.set(null);
    try {
      const group = await this.api.createGroup(this.name(), this.description());
      this.toasts.success(`Group ${group.Name} created`);
      this.dialogOpen.set(false);
      await this.router.navigate(['/environments/groups', group.Id]);
    } catch (error) {
      this.formError.set(errorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }

  protected async remove(group: EnvironmentGroup): Promise<void> {
    await this.act({
      title: 'Delete group',
      message: `Delete the group ${group.Name}? Its environments move to "Unassigned" and its access policies are removed.`,
      confirmLabel: 'Delete',
      run: () => this.api.removeGroup(group.Id),
      done: `Group ${group.Name} deleted`,
      then: () => this.load(),
      failed: (error) => `Could not delete ${group.Name}: ${errorMessage(error)}`,
    });
  }

  private async load(): Promise<void> {
    await this.state.run('the groups', async () => {
      const [groups, tags] = await Promise.all([this.api.groups(), this.api.tags()]);
      this.groups.set(groups);
      this.tags.set(tags);
    });
  }
}
