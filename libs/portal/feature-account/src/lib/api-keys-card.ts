import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { type ApiKey, SessionStore, UsersApi, errorMessage } from '@capstan/portal-data-access';
import {
  Alert,
  CellDef,
  DataTable,
  Dialog,
  FormControlDirective,
  FormDialogActions,
  FormField,
  ToastService,
  type TableColumn,
  formatTime,
  confirmedAction,
} from '@capstan/portal-ui';

function formatDate(seconds: number): string {
  return seconds ? formatTime(seconds) : 'Never';
}

/**
 * Personal API keys: list, create (description + current password), revoke. The raw key exists only in
 * the create reply, so it is shown once, with a copy button, and forgotten when the dialog closes.
 */
@Component({
  selector: 'cap-api-keys-card',
  imports: [Alert, CellDef, DataTable, Dialog, FormField, FormControlDirective, FormDialogActions],
  template: `
    <section class="card" aria-labelledby="keys-title">
      <div class="head">
        <h2 id="keys-title">API keys</h2>
        <button type="button" class="btn btn-sm" data-testid="apikey-create" (click)="openCreate()">
          + Add API key
        </button>
      </div>
      <p class="muted">Use a key in the <code>X-API-Key</code> header to call the API as yourself.</p>
      @if (loadError(); as message) {
        <cap-alert kind="error">{{ message }}</cap-alert>
      }
      <cap-data-table
        caption="API keys"
        [columns]="columns"
        [rows]="keys()"
        [loading]="loading()"
        [rowTestId]="rowTestId"
        emptyMessage="You have no API keys."
      >
        <ng-template capCell="prefix" [capCellOf]="keys()" let-row
          ><code>{{ row.prefix }}…</code></ng-template
        >
        <ng-template capCell="actions" [capCellOf]="keys()" let-row>
          <button
            type="button"
            class="btn-link danger"
            [attr.data-testid]="'apikey-revoke-' + row.id"
            (click)="revoke(row)"
          >
            Revoke
          </button>
        </ng-template>
      </cap-data-table>
    </section>

    @if (creating()) {
      <cap-dialog
        [title]="rawKey() ? 'API key created' : 'Add an API key'"
        testId="apikey-dialog"
        (closed)="closeCreate()"
      >
        @if (rawKey(); as raw) {
          <cap-alert kind="warning">Copy this key now. It will not be shown again.</cap-alert>
          <div class="raw">
            <code data-testid="apikey-raw">{{ raw }}</code>
            <button type="button" class="btn btn-sm" data-testid="apikey-copy" (click)="copy(raw)">
              {{ copied() ? 'Copied' : 'Copy' }}
            </button>
          </div>
        } @else {
          <form id="apikey-form" novalidate (submit)="create($event)">
            @if (formError(); as message) {
              <cap-alert kind="error">{{ message }}</cap-alert>
            }
            <cap-form-field
              label="Description"
              [required]="true"
              [error]="submitted() && !description().trim() ? 'Describe what the key is for.' : null"
            >
              <input
                capControl
                class="input"
                data-testid="apikey-description"
                [value]="description()"
                (input)="description.set($any($event.target).value)"
              />
            </cap-form-field>
            <cap-form-field
              label="Current password"
              hint="Confirms it is you."
              [required]="true"
              [error]="submitted() && !password() ? 'Enter your password.' : null"
            >
              <input
                capControl
                class="input"
                type="password"
                autocomplete="current-password"
                data-testid="apikey-password"
                [value]="password()"
                (input)="password.set($any($event.target).value)"
              />
            </cap-form-field>
          </form>
        }
        <div dialog-actions>
          @if (rawKey()) {
            <button type="button" class="btn btn-primary" data-testid="apikey-done" (click)="closeCreate()">
              Done
            </button>
          } @else {
            <cap-form-dialog-actions
              formId="apikey-form"
              testId="apikey-save"
              label="Create key"
              busyLabel="Creating…"
              [busy]="busy()"
              (cancelled)="closeCreate()"
            />
          }
        </div>
      </cap-dialog>
    }
  `,
  styles: `
    .head {
      display: flex;
      justify-content: space-between;
      align-items: center;
      gap: 0.5rem;
    }
    .head h2 {
      margin: 0;
    }
    .raw {
      display: flex;
      gap: 0.5rem;
      align-items: center;
      padding: 0.6rem;
      border: 1px solid var(--border);
      border-radius: var(--radius);
      background: var(--surface-2);
    }
    .raw code {
      flex: 1;
      overflow-wrap: anywhere;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ApiKeysCard {
  private readonly session = inject(SessionStore);
  private readonly usersApi = inject(UsersApi);
  private readonly toasts = inject(ToastService);
  private readonly act = confirmedAction();

  protected readonly columns: TableColumn<ApiKey>[] = [
    { key: 'description', label: 'Description', sortable: true },
    { key: 'prefix', label: 'Key' },
    {
      key: 'dateCreated',
      label: 'Created',
      sortable: true,
      secondary: true,
      value: (k) => formatDate(k.dateCreated),
    },
    {
      key: 'lastUsed',
      label: 'Last used',
      sortable: true,
      secondary: true,
      value: (k) => formatDate(k.lastUsed),
    },
    { key: 'actions', label: 'Actions' },
  ];
  protected readonly rowTestId = (k: ApiKey): string => `apikey-row-${k.description}`;

  protected readonly keys = signal<ApiKey[]>([]);
  protected readonly loading = signal(true);
  protected readonly loadError = signal<string | null>(null);
  protected readonly creating = signal(false);
  protected readonly description = signal('');
  protected readonly password = signal('');
  protected readonly rawKey = signal<string | null>(null);
  protected readonly copied = signal(false);
  protected readonly busy = signal(false);
  protected readonly submitted = signal(false);
  protected readonly formError = signal<string | null>(null);

  constructor() {
    void this.load();
  }

  protected openCreate(): void {
    this.description.set('');
    this.password.set('');
    this.rawKey.set(null);
    this.copied.set(false);
    this.submitted.set(false);
    this.formError.set(null);
    this.creating.set(true);
  }

  protected closeCreate(): void {
    this.creating.set(false);
    this.rawKey.set(null);
    this.password.set('');
  }

  protected async create(event: Event): Promise<void> {
    event.preventDefault();
    this.submitted.set(true);
    const user = this.session.user();
    if (!user || !this.description().trim() || !this.password() || this.busy()) return;
    this.busy.set(true);
    this.formError.set(null);
    try {
      const created = await this.usersApi.createApiKey(user.Id, this.description().trim(), this.password());
      this.password.set('');
      this.rawKey.set(created.rawAPIKey);
      await this.load();
    } catch (error) {
      this.formError.set(errorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }

  protected async copy(raw: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(raw);
      this.copied.set(true);
    } catch {
      this.toasts.error('Copying is not allowed here; select the key and copy it by hand.');
    }
  }

  protected async revoke(key: ApiKey): Promise<void> {
    const user = this.session.user();
    if (!user) return;
    await this.act({
      title: 'Revoke API key',
      message: `Revoke “${key.description}”? Scripts using it stop working at once.`,
      confirmLabel: 'Revoke',
      run: () => this.usersApi.revokeApiKey(user.Id, key.id),
      done: 'API key revoked',
      then: () => this.load(),
      failed: (error) => `Could not revoke the key: ${errorMessage(error)}`,
    });
  }

  private async load(): Promise<void> {
    const user = this.session.user();
    if (!user) return;
    this.loading.set(true);
    try {
      this.keys.set(await this.usersApi.apiKeys(user.Id));
      this.loadError.set(null);
    } catch (error) {
      this.loadError.set(`Could not load your API keys: ${errorMessage(error)}`);
    } finally {
      this.loading.set(false);
    }
  }
}
