import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { ActivatedRoute } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import { SwarmApi, type SwarmObjectKind, errorMessage, timeValue } from '@capstan/portal-data-access';
import {
  Alert,
  CellDef,
  ConfirmService,
  DataTable,
  Dialog,
  ListPage,
  ToastService,
  type TableColumn,
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
  imports: [Alert, CellDef, DataTable, Dialog, ListPage],
  template: `
    <cap-list-page
      [title]="title()"
      [subtitle]="subtitle()"
      [error]="error()"
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
      [loading]="loading()"
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

    @if (creating()) {
      <cap-dialog
        [title]="'Add a ' + singular()"
        [testId]="singular() + '-dialog'"
        (closed)="creating.set(false)"
      >
        <form [id]="singular() + '-form'" class="form" novalidate (submit)="create($event)">
          @if (formError(); as message) {
            <cap-alert kind="error">{{ message }}</cap-alert>
          }
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
        </form>
        <div dialog-actions>
          <button type="button" class="btn" (click)="creating.set(false)">Cancel</button>
          <button
            type="submit"
            class="btn btn-primary"
            [attr.form]="singular() + '-form'"
            [attr.data-testid]="singular() + '-save'"
            [disabled]="busy()"
          >
            Create
          </button>
        </div>
      </cap-dialog>
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
  private readonly confirm = inject(ConfirmService);
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
  protected readonly loading = signal(true);
  protected readonly error = signal<string | null>(null);
  /** The config whose content the dialog shows. */
  protected readonly shown = signal<SwarmConfigOrSecret | null>(null);
  protected readonly creating = signal(false);
  protected readonly busy = signal(false);
  protected readonly submitted = signal(false);
  protected readonly formError = signal<string | null>(null);
  protected readonly name = signal('');
  protected readonly data = signal('');
  protected readonly errors = computed(() =>
    this.submitted() ? swarmObjectErrors(this.name(), this.data()) : {},
  );

  constructor() {
    reloadOnEnvironment(this.ctx, () => this.load());
  }

  async load(): Promise<void> {
    this.loading.set(true);
    try {
      const r = await this.swarm.objects<SwarmConfigOrSecret>(this.ctx.envId(), this.kind());
      this.ctx.noteSource(r.snapshotTime);
      this.items.set([...r.body].sort((a, b) => a.Spec.Name.localeCompare(b.Spec.Name)));
      this.error.set(null);
    } catch (error) {
      this.error.set(`Could not load the ${this.kind()}: ${errorMessage(error)}`);
    } finally {
      this.loading.set(false);
    }
  }

  protected decode(data: string | undefined): string {
    try {
      return new TextDecoder().decode(Uint8Array.from(atob(data ?? ''), (c) => c.charCodeAt(0)));
    } catch {
      return '';
    }
  }

  protected open(): void {
    this.name.set('');
    this.data.set('');
    this.submitted.set(false);
    this.formError.set(null);
    this.creating.set(true);
  }

  protected async create(event: Event): Promise<void> {
    event.preventDefault();
    this.submitted.set(true);
    if (Object.keys(swarmObjectErrors(this.name(), this.data())).length > 0) return;
    this.busy.set(true);
    try {
      await this.swarm.createObject(this.ctx.envId(), this.kind(), swarmObjectBody(this.name(), this.data()));
      // The secret's text leaves the page's memory with the dialog.
      this.data.set('');
      this.creating.set(false);
      this.toasts.success(`${this.kindName()} ${this.name().trim()} created`);
      await this.load();
    } catch (error) {
      this.formError.set(errorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }

  protected async remove(item: SwarmConfigOrSecret): Promise<void> {
    const ok = await this.confirm.ask({
      title: `Remove ${this.singular()}`,
      message: `Remove ${item.Spec.Name}? Services that use it must be updated first.`,
      confirmLabel: 'Remove',
      danger: true,
    });
    if (!ok) return;
    try {
      await this.swarm.removeObject(this.ctx.envId(), this.kind(), item.ID);
      this.toasts.success(`${this.kindName()} ${item.Spec.Name} removed`);
    } catch (error) {
      this.toasts.error(`Could not remove ${item.Spec.Name}: ${errorMessage(error)}`);
    }
    await this.load();
  }
}
