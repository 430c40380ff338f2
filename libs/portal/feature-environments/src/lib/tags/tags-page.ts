import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { type EnvironmentTag, EnvironmentsApi, LoadState, errorMessage } from '@capstan/portal-data-access';
import {
  Alert,
  CellDef,
  DataTable,
  ListPage,
  ToastService,
  type TableColumn,
  confirmedAction,
} from '@capstan/portal-ui';

/** Tags: create, delete; how many environments and groups carry each. */
@Component({
  selector: 'cap-tags-page',
  imports: [Alert, CellDef, DataTable, ListPage, RouterLink],
  template: `
    <cap-list-page
      title="Tags"
      subtitle="Labels for environments and groups, used by the home filters."
      [error]="state.error()"
    >
      <a listActions class="btn" routerLink="/environments">‹ Environments</a>
    </cap-list-page>

    <form class="toolbar" novalidate (submit)="create($event)">
      <label class="grow">
        <span class="sr-only">Tag name</span>
        <input
          class="input"
          placeholder="New tag name"
          data-testid="tag-name"
          [value]="name()"
          (input)="name.set($any($event.target).value)"
        />
      </label>
      <button
        type="submit"
        class="btn btn-primary"
        data-testid="tag-create"
        [disabled]="busy() || !name().trim()"
      >
        + Create tag
      </button>
    </form>
    @if (formError(); as message) {
      <cap-alert kind="error">{{ message }}</cap-alert>
    }

    <cap-data-table
      caption="Tags"
      [columns]="columns"
      [rows]="tags()"
      [loading]="state.loading()"
      [rowTestId]="rowTestId"
      emptyMessage="No tag yet."
    >
      <ng-template capCell="actions" [capCellOf]="tags()" let-row>
        <button
          type="button"
          class="btn-link danger"
          [attr.data-testid]="'tag-delete-' + row.Name"
          (click)="remove(row)"
        >
          Delete
        </button>
      </ng-template>
    </cap-data-table>
  `,
  styles: `
    .grow {
      flex: 1 1 14rem;
      max-width: 22rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TagsPage {
  private readonly api = inject(EnvironmentsApi);
  private readonly toasts = inject(ToastService);
  private readonly act = confirmedAction();

  protected readonly tags = signal<EnvironmentTag[]>([]);
  protected readonly state = new LoadState();
  protected readonly name = signal('');
  protected readonly busy = signal(false);
  protected readonly formError = signal<string | null>(null);
  protected readonly columns: TableColumn<EnvironmentTag>[] = [
    { key: 'Name', label: 'Name', sortable: true },
    { key: 'envs', label: 'Environments', sortable: true, value: (t) => Object.keys(t.Endpoints).length },
    { key: 'groups', label: 'Groups', sortable: true, value: (t) => Object.keys(t.EndpointGroups).length },
    { key: 'actions', label: 'Actions' },
  ];
  protected readonly rowTestId = (t: EnvironmentTag): string => `tag-row-${t.Name}`;

  constructor() {
    void this.load();
  }

  protected async create(event: Event): Promise<void> {
    event.preventDefault();
    const name = this.name().trim();
    if (!name || this.busy()) return;
    this.busy.set(true);
    this.formError.set(null);
    try {
      await this.api.createTag(name);
      this.toasts.success(`Tag ${name} created`);
      this.name.set('');
      await this.load();
    } catch (error) {
      this.formError.set(errorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }

  protected async remove(tag: EnvironmentTag): Promise<void> {
    await this.act({
      title: 'Delete tag',
      message: `Delete the tag ${tag.Name}? It is removed from every environment and group.`,
      confirmLabel: 'Delete',
      run: () => this.api.removeTag(tag.ID),
      done: `Tag ${tag.Name} deleted`,
      then: () => this.load(),
      failed: (error) => `Could not delete ${tag.Name}: ${errorMessage(error)}`,
    });
  }

  private async load(): Promise<void> {
    await this.state.run('the tags', async () => {
      this.tags.set(await this.api.tags());
    });
  }
}
