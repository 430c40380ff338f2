import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { ActivatedRoute } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import { DockerApi, errorMessage, formatTime } from '@capstan/portal-data-access';
import { Alert, ConfirmService, Dialog, PageHeader, ToastService } from '@capstan/portal-ui';

import { canManage } from '../resources/shared/permissions';
import { reloadOnEnvironment } from '../resources/shared/reload';
import { EnvironmentContext } from '../shell/environment-context';
import { type SwarmConfigOrSecret, toBase64 } from './swarm-models';

export type SwarmObjectKind = 'configs' | 'secrets';

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
 * Swarm configs or secrets (route data `kind`): list, create, remove. A secret's content is sent once and
 * never shown again (the engine does not return it); a config's content is shown on demand.
 */
@Component({
  selector: 'cap-swarm-configs-page',
  imports: [Alert, Dialog, PageHeader],
  template: `
    <cap-page-header [title]="title()" [subtitle]="subtitle()">
      @if (ctx.canAct(P.ResourcesCreate)) {
        <button
          type="button"
          class="btn btn-primary"
          [attr.data-testid]="kind() + '-create'"
          (click)="open()"
        >
          + Add {{ singular() }}
        </button>
      }
      <button type="button" class="btn btn-ghost" [attr.data-testid]="kind() + '-refresh'" (click)="load()">
        ↻ Refresh
      </button>
    </cap-page-header>
    @if (error(); as message) {
      <cap-alert kind="error">{{ message }}</cap-alert>
    }
    <div class="wrap">
      <table [attr.data-testid]="kind() + '-table'">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Id</th>
            <th scope="col">Created</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          @for (item of items(); track item.ID) {
            <tr [attr.data-testid]="singular() + '-row-' + item.Spec.Name">
              <td class="mono">{{ item.Spec.Name }}</td>
              <td class="mono small">{{ item.ID.slice(0, 12) }}</td>
              <td>{{ time(item.CreatedAt) }}</td>
              <td class="actions">
                @if (kind() === 'configs' && item.Spec.Data) {
                  <button
                    type="button"
                    class="btn-link"
                    [attr.data-testid]="'config-show-' + item.Spec.Name"
                    (click)="shown.set(shown() === item.ID ? null : item.ID)"
                  >
                    {{ shown() === item.ID ? 'Hide' : 'Show' }}
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
              </td>
            </tr>
            @if (shown() === item.ID) {
              <tr>
                <td colspan="4">
                  <pre class="mono data" [attr.data-testid]="'config-data-' + item.Spec.Name">{{
                    decode(item.Spec.Data)
                  }}</pre>
                </td>
              </tr>
            }
          } @empty {
            <tr>
              <td colspan="4" class="muted" [attr.data-testid]="kind() + '-empty'">None.</td>
            </tr>
          }
        </tbody>
      </table>
    </div>

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
    .wrap {
      overflow-x: auto;
    }
    .small {
      font-size: 0.8rem;
    }
    .data {
      white-space: pre-wrap;
      max-height: 16rem;
      overflow: auto;
      margin: 0;
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
  private readonly docker = inject(DockerApi);
  private readonly toasts = inject(ToastService);
  private readonly confirm = inject(ConfirmService);
  protected readonly P = Permission;
  protected readonly time = formatTime;
  protected readonly kind = signal<SwarmObjectKind>(
    (inject(ActivatedRoute).snapshot.data['kind'] as SwarmObjectKind | undefined) ?? 'configs',
  );
  protected readonly singular = computed(() => (this.kind() === 'configs' ? 'config' : 'secret'));
  protected readonly title = computed(() => (this.kind() === 'configs' ? 'Configs' : 'Secrets'));
  protected readonly subtitle = computed(() =>
    this.kind() === 'configs'
      ? 'Files the Swarm hands to services.'
      : 'Sensitive files, encrypted in the Raft log.',
  );
  protected readonly manage = (item: SwarmConfigOrSecret) => canManage(this.ctx, item);

  protected readonly items = signal<SwarmConfigOrSecret[]>([]);
  protected readonly error = signal<string | null>(null);
  protected readonly shown = signal<string | null>(null);
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
    try {
      const r = await this.docker.getWithSource<SwarmConfigOrSecret[]>(this.ctx.envId(), `/${this.kind()}`);
      this.ctx.noteSource(r.snapshotTime);
      this.items.set([...r.body].sort((a, b) => a.Spec.Name.localeCompare(b.Spec.Name)));
      this.error.set(null);
    } catch (error) {
      this.error.set(`Could not load the ${this.kind()}: ${errorMessage(error)}`);
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
      await this.docker.post(
        this.ctx.envId(),
        `/${this.kind()}/create`,
        swarmObjectBody(this.name(), this.data()),
      );
      // The secret's text leaves the page's memory with the dialog.
      this.data.set('');
      this.creating.set(false);
      this.toasts.success(`${this.singular()} ${this.name().trim()} created`);
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
      await this.docker.delete(this.ctx.envId(), `/${this.kind()}/${encodeURIComponent(item.ID)}`);
      this.toasts.success(`${item.Spec.Name} removed`);
    } catch (error) {
      this.toasts.error(`Could not remove ${item.Spec.Name}: ${errorMessage(error)}`);
    }
    await this.load();
  }
}
