import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { ActivatedRoute } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import {
  DialogForm,
  LoadState,
  SwarmApi,
  type SwarmObjectKind,
  errorMessage,
  timeValue,
} from '@capstan/portal-data-access';
import {
  CellDef,
  DataTable,
  Dialog,
  FormDialog,
  ListPage,
  ToastService,
  type TableColumn,
  confirmedAction,
  formatTime,
} from '@capstan/portal-ui';

import { canManage } from '../resources/shared/permissions';
import { reloadOnEnvironment } from '../resources/shared/reload';
import { EnvironmentContext } from '../shell/environment-context';
import { type SwarmConfigOrSecret, toBase64 } from './swarm-models';

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/;
/** The engine's limit for both. */
const MAX_DATA_BYTES = 500 * 1024;

/** `POST /configs/create` or `/secrets/create` body. */
export function swarmObjectBody(name: string, data: string): { Name: string; Data: string } {
  return { Name: name.trim(), Data: toBase64(data) };
}

export function swarmObjectErrors(name: string, data: string): { name?: string; data?: string } {
  const e: { name?: string; data?: string } = {};
  if (!NAME.test(name.trim()))
    e.name = 'A name is 1–64 letters, digits, "_", "." or "-", starting with a letter or digit.';
  const size = new TextEncoder().encode(data).length;
  if (size === 0) e.data = 'The content is empty.';
  else if (size > MAX_DATA_BYTES) e.data = 'At most 500 KB.';
  return e;
}

/**
 * Swarm configs or secrets (route data `kind`): list (filter, sort), create, remove. A secret's content is sent
 * once and never shown again (the engine does not return it); a config's content is shown on demand in a dialog.
 */
@Component({
  selector: 'cap-swarm-configs-page',
  imports: [CellDef, DataTable, Dialog, FormDialog, ListPage],
  template: `
    <cap-list-page
      [title]="title()"
      [subtitle]="subtitle()"
      [error]="state.error()"
      [searchLabel]="'Search ' + kind()"
      searchPlaceholder="Search by name or id (press /)"
      [searchTestId]="kind() + '-search'"
      [(query)]="query"
      [refreshTestId]="kind() + '-refresh'"
      (refresh)="load()"
    >
      @if (ctx.canAct(P.ResourcesCreate)) {
        <button
          listActions
          type="button"
          class="btn btn-primary"
          [attr.data-testid]="kind() + '-create'"
          (click)="open()"
        >
          + Add {{ singular() }}
        </button>
      }
    </cap-list-page>

    <cap-data-table
      [attr.data-testid]="kind() + '-table'"
      [caption]="title()"
      [columns]="columns"
      [rows]="filtered()"
      [loading]="state.loading()"
      [rowTestId]="rowTestId"
      [pageSize]="25"
      [emptyMessage]="items().length ? 'No ' + singular() + ' matches the search.' : 'No ' + kind() + '.'"
      [emptyTestId]="kind() + '-empty'"
    >
      <ng-template capCell="name" [capCellOf]="filtered()" let-item>
        <span class="mono name">{{ item.Spec.Name }}</span>
      </ng-template>
      <ng-template capCell="id" [capCellOf]="filtered()" let-item>
        <span class="mono small">{{ item.ID.slice(0, 12) }}</span>
      </ng-template>
      <ng-template capCell="created" [capCellOf]="filtered()" let-item>{{
        time(item.CreatedAt)
      }}</ng-template>
      <ng-template capCell="actions" [capCellOf]="filtered()" let-item>
        <div class="row-actions">
          @if (kind() === 'configs' && item.Spec.Data) {
            <button
              type="button"
              class="btn-link"
              [attr.data-testid]="'config-show-' + item.Spec.Name"
              [attr.aria-label]="'Show the content of ' + item.Spec.Name"
              (click)="shown.set(item)"
            >
              Show
            </button>
          }
          @if (manage(item)) {
            <button
              type="button"
              class="btn-link danger"
              [attr.data-testid]="singular() + '-remove-' + item.Spec.Name"
              (click)="remove(item)"
            >
              Remove
            </button>
          }
        </div>
      </ng-template>
    </cap-data-table>

    @if (shown(); as item) {
      <cap-dialog [title]="'Config ' + item.Spec.Name" testId="config-content" (closed)="shown.set(null)">
        <pre class="mono data" [attr.data-testid]="'config-data-' + item.Spec.Name">{{
          decode(item.Spec.Data)
        }}</pre>
        <div dialog-actions>
          <button type="button" class="btn" (click)="shown.set(null)">Close</button>
        </div>
      </cap-dialog>
    }

    @if (form.open()) {
      <cap-form-dialog
        [title]="'Add a ' + singular()"
        [testId]="singular() + '-dialog'"
        [formId]="singular() + '-form'"
        [submitTestId]="singular() + '-save'"
        label="Create"
        busyLabel="Creating…"
        [busy]="form.busy()"
        [error]="form.error()"
        (submitted)="create()"
        (closed)="form.close()"
      >
        <div class="form">
          <label
            >Name
            <input
              class="input mono"
              [attr.data-testid]="singular() + '-name'"
              [value]="name()"
              (input)="name.set($any($event.target).value)"
          /></label>
          @if (errors().name; as e) {
            <span class="error">{{ e }}</span>
          }
          <label
            >Content
            <textarea
              class="input mono"
              rows="8"
              [attr.data-testid]="singular() + '-data'"
              [value]="data()"
              (input)="data.set($any($event.target).value)"
            ></textarea>
          </label>
          @if (errors().data; as e) {
            <span class="error">{{ e }}</span>
          }
          @if (kind() === 'secrets') {
            <p class="muted small">
              The secret's content cannot be read back once created; services get it as a file under
              /run/secrets.
            </p>
          }
        </div>
      </cap-form-dialog>
    }
  `,
  styles: `
    /* break-word, not anywhere: a squeezed column wraps a name at its hyphens, never inside a word. */
    .name {
      overflow-wrap: break-word;
    }
    .small {
      font-size: 0.8rem;
    }
    .data {
      white-space: pre-wrap;
      overflow-wrap: anywhere;
      max-height: 24rem;
      overflow: auto;
      margin: 0;
      padding: 0.75rem;
      border: 1px solid var(--border);
      border-radius: var(--radius);
      background: var(--surface-2);
    }
    .form {
      display: grid;
      gap: 0.6rem;
    }
    .form label {
      display: grid;
      gap: 0.2rem;
    }
    .error {
      color: var(--danger);
      font-size: 0.85rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SwarmConfigsPage {
  protected readonly ctx = inject(EnvironmentContext);
  private readonly swarm = inject(SwarmApi);
  private readonly toasts = inject(ToastService);
  protected readonly P = Permission;
  protected readonly time = formatTime;
  protected readonly kind = signal<SwarmObjectKind>(
    (inject(ActivatedRoute).snapshot.data['kind'] as SwarmObjectKind | undefined) ?? 'configs',
  );
  protected readonly singular = computed(() => (this.kind() === 'configs' ? 'config' : 'secret'));
  /** The kind at the start of a sentence ("Secret db-password created"). */
  private readonly kindName = computed(() => (this.kind() === 'configs' ? 'Config' : 'Secret'));
  protected readonly title = computed(() => (this.kind() === 'configs' ? 'Configs' : 'Secrets'));
  protected readonly subtitle = computed(() =>
    this.kind() === 'configs'
      ? 'Files the Swarm hands to services.'
      : 'Sensitive files, encrypted in the Raft log.',
  );
  protected readonly manage = (item: SwarmConfigOrSecret) => canManage(this.ctx, item);

  protected readonly columns: TableColumn<SwarmConfigOrSecret>[] = [
    { key: 'name', label: 'Name', sortable: true, value: (i) => i.Spec.Name },
    { key: 'id', label: 'Id', sortable: true, secondary: true, value: (i) => i.ID },
    { key: 'created', label: 'Created', sortable: true, value: (i) => timeValue(i.CreatedAt) },
    { key: 'actions', label: 'Actions' },
  ];
  protected readonly rowTestId = (i: SwarmConfigOrSecret): string => `${this.singular()}-row-${i.Spec.Name}`;

  protected readonly items = signal<SwarmConfigOrSecret[]>([]);
  protected readonly query = signal('');
  protected readonly filtered = computed(() => {
    const q = this.query().trim().toLowerCase();
    return this.items().filter(
      (i) => !q || i.Spec.Name.toLowerCase().includes(q) || i.ID.toLowerCase().startsWith(q),
    );
  });
  protected readonly state = new LoadState();
  /** The config whose content the dialog shows. */
  protected readonly shown = signal<SwarmConfigOrSecret | null>(null);
  protected readonly form = new DialogForm();
  private readonly act = confirmedAction();
  protected readonly name = signal('');
  protected readonly data = signal('');
  protected readonly errors = computed(() =>
    this.form.submitted() ? swarmObjectErrors(this.name(), this.data()) : {},
  );

  constructor() {
    reloadOnEnvironment(this.ctx, () => this.load());
  }

  async load(): Promise<void> {
    await this.state.run(`the ${this.kind()}`, async () => {
      const r = await this.swarm.objects<SwarmConfigOrSecret>(this.ctx.envId(), this.kind());
      this.ctx.noteSource(r.snapshotTime);
      this.items.set([...r.body].sort((a, b) => a.Spec.Name.localeCompare(b.Spec.Name)));
    });
  }

  protected decode(data: string | undefined): string {
    try {
      return new TextDecoder().decode(Uint8Array.from(atob(data ?? ''), (c) => c.charCodeAt(0)));
    } catch {
      return '';
    }
  }

  protected open(): void {
    this.form.show(() => {
      this.name.set('');
      this.data.set('');
    });
  }

  protected async create(): Promise<void> {
    await this.form.submit(
      () => Object.keys(swarmObjectErrors(this.name(), this.data())).length > 0,
      async () => {
        await this.swarm.createObject(
          this.ctx.envId(),
          this.kind(),
          swarmObjectBody(this.name(), this.data()),
        );
        // The secret's text leaves the page's memory with the dialog.
        this.data.set('');
        this.form.close();
        this.toasts.success(`${this.kindName()} ${this.name().trim()} created`);
        await this.load();
      },
    );
  }

  protected async remove(item: SwarmConfigOrSecret): Promise<void> {
    await this.act({
      title: `Remove ${this.singular()}`,
      message: `Remove ${item.Spec.Name}? Services that use it must be updated first.`,
      confirmLabel: 'Remove',
      run: () => this.swarm.removeObject(this.ctx.envId(), this.kind(), item.ID),
      done: `${this.kindName()} ${item.Spec.Name} removed`,
      then: () => this.load(),
      failed: (error) => `Could not remove ${item.Spec.Name}: ${errorMessage(error)}`,
    });
  }
}
