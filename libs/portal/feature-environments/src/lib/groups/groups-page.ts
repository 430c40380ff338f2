import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import {
  type EnvironmentGroup,
  type EnvironmentTag,
  DialogForm,
  EnvironmentsApi,
  LoadState,
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

/** Group 1 holds every environment not put anywhere else; it cannot be deleted. */
export const UNASSIGNED_GROUP_ID = 1;

/** Environment groups: list, create, delete (not "Unassigned"); details on the group page. */
@Component({
  selector: 'cap-groups-page',
  imports: [ListPage, CellDef, DataTable, FormControlDirective, FormDialog, FormField, RouterLink],
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

    @if (dialog.open()) {
      <cap-form-dialog
        title="Add a group"
        testId="group-dialog"
        formId="group-form"
        submitTestId="group-save"
        label="Create"
        [busy]="dialog.busy()"
        [error]="dialog.error()"
        (submitted)="create()"
        (closed)="dialog.close()"
      >
        <cap-form-field
          label="Name"
          [required]="true"
          [error]="dialog.submitted() && !name().trim() ? 'Enter a name.' : null"
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
      </cap-form-dialog>
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

  protected readonly dialog = new DialogForm();
  protected readonly name = signal('');
  protected readonly description = signal('');

  constructor() {
    void this.load();
  }

  protected open(): void {
    this.dialog.show(() => {
      this.name.set('');
      this.description.set('');
    });
  }

  protected async create(): Promise<void> {
    await this.dialog.submit(
      () => !this.name().trim(),
      async () => {
        const group = await this.api.createGroup(this.name(), this.description());
        this.toasts.success(`Group ${group.Name} created`);
        this.dialog.close();
        await this.router.navigate(['/environments/groups', group.Id]);
      },
    );
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
