import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  inject,
  input,
  linkedSignal,
  output,
  signal,
  type OnInit,
} from '@angular/core';
import {
  ImagesApi,
  EMPTY_PULL,
  RegistriesApi,
  type Registry,
  type PullState,
  applyPullMessage,
  errorMessage,
  formatBytes,
  isImageReference,
  pullPercent,
  readJsonLines,
  registryAuthHeader,
  registryOf,
  splitImageReference,
  storedRegistryAuth,
} from '@capstan/portal-data-access';
import { Alert, Dialog, FormControlDirective, FormField } from '@capstan/portal-ui';

/**
 * Pull an image with live progress: `POST /images/create?fromImage=&tag=` streams JSON lines, one per layer
 * event; each layer gets a bar (download is its first half, extraction the second) and the engine's final
 * status or error (an `{"error": …}` line inside a 200 stream) is shown when the stream ends.
 */
@Component({
  selector: 'cap-image-pull-dialog',
  imports: [Alert, Dialog, FormField, FormControlDirective],
  template: `
    <cap-dialog title="Pull an image" testId="image-pull-dialog" (closed)="close()">
      <form id="image-pull-form" novalidate (submit)="pull($event)">
        <cap-form-field
          label="Image"
          hint="Name with an optional registry and tag, e.g. registry:5000/team/app:1.2 (tag defaults to latest)."
          [required]="true"
          [error]="referenceError()"
        >
          <input
            capControl
            class="input mono"
            name="reference"
            autocomplete="off"
            data-testid="image-pull-reference"
            [disabled]="running()"
            [value]="reference()"
            (input)="setReference($any($event.target).value)"
          />
        </cap-form-field>
        @if (registries().length > 0) {
          <cap-form-field
            label="Registry"
            [hint]="
              chosen()
                ? 'Pulls ' + fullReference() + ' with the stored login of ' + chosen()!.Name + '.'
                : 'Stored registries log in for you; the password never reaches this page.'
            "
          >
            <select
              capControl
              class="input"
              name="registry"
              data-testid="image-pull-registry"
              [disabled]="running()"
              (change)="pickRegistry(+$any($event.target).value)"
            >
              <option [value]="0" [selected]="registryId() === 0">
                None (anonymous or a login typed below)
              </option>
              @for (r of registries(); track r.Id) {
                <option [value]="r.Id" [selected]="registryId() === r.Id">{{ r.Name }} — {{ r.URL }}</option>
              }
            </select>
          </cap-form-field>
        }
        @if (!chosen()) {
          <label class="check">
            <input
              type="checkbox"
              data-testid="image-pull-login"
              [disabled]="running()"
              [checked]="login()"
              (change)="login.set($any($event.target).checked)"
            />
            The registry needs a login
          </label>
          @if (login()) {
            <div class="grid-2">
              <cap-form-field label="Username" [required]="true" [error]="loginError()">
                <input
                  capControl
                  class="input"
                  name="username"
                  autocomplete="off"
                  data-testid="image-pull-username"
                  [disabled]="running()"
                  [value]="username()"
                  (input)="username.set($any($event.target).value)"
                />
              </cap-form-field>
              <cap-form-field label="Password or token">
                <input
                  capControl
                  class="input"
                  type="password"
                  name="password"
                  autocomplete="off"
                  data-testid="image-pull-password"
                  [disabled]="running()"
                  [value]="password()"
                  (input)="password.set($any($event.target).value)"
                />
              </cap-form-field>
            </div>
          }
        }
      </form>

      @if (started()) {
        <section class="progress" aria-label="Pull progress" data-testid="image-pull-progress">
          <div class="overall">
            <progress max="100" [value]="percent()" aria-label="Overall progress"></progress>
            <span class="mono">{{ percent() }}%</span>
          </div>
          @for (m of state().messages; track $index) {
            <p class="muted mono line">{{ m }}</p>
          }
          <ul class="layers">
            @for (layer of state().layers; track layer.id) {
              <li [attr.data-testid]="'pull-layer-' + layer.id">
                <span class="mono id">{{ layer.id }}</span>
                <progress
                  max="100"
                  [value]="layer.percent"
                  [attr.aria-label]="'Layer ' + layer.id"
                ></progress>
                <span class="status">
                  {{ layer.status }}
                  @if (layer.total > 0 && layer.phase !== 'done') {
                    <span class="muted">{{ bytes(layer.current) }} / {{ bytes(layer.total) }}</span>
                  }
                </span>
              </li>
            }
          </ul>
          @if (state().error; as err) {
            <cap-alert kind="error" testId="image-pull-error">{{ err }}</cap-alert>
          } @else if (done()) {
            <cap-alert kind="success" testId="image-pull-done">
              {{ state().finalStatus ?? 'Pull finished' }}
            </cap-alert>
          }
        </section>
      }
      @if (requestError(); as err) {
        <cap-alert kind="error">{{ err }}</cap-alert>
      }

      <div dialog-actions class="actions">
        @if (running()) {
          <button type="button" class="btn" data-testid="image-pull-cancel" (click)="cancel()">Stop</button>
        } @else {
          <button type="button" class="btn" (click)="close()">{{ done() ? 'Close' : 'Cancel' }}</button>
          <button
            type="submit"
            form="image-pull-form"
            class="btn btn-primary"
            data-testid="image-pull-submit"
          >
            {{ done() ? 'Pull again' : 'Pull' }}
          </button>
        }
      </div>
    </cap-dialog>
  `,
  styles: `
    .overall {
      display: flex;
      gap: 0.5rem;
      align-items: center;
      margin-bottom: 0.5rem;
    }
    progress {
      flex: 1;
      width: 100%;
      height: 0.6rem;
      accent-color: var(--accent);
    }
    .line {
      margin: 0.15rem 0;
      font-size: 0.8rem;
      overflow-wrap: anywhere;
    }
    .layers {
      list-style: none;
      margin: 0.5rem 0;
      padding: 0;
      display: grid;
      gap: 0.35rem;
      max-height: 16rem;
      overflow: auto;
    }
    .layers li {
      display: grid;
      grid-template-columns: 7.5rem minmax(4rem, 1fr);
      gap: 0.1rem 0.5rem;
      align-items: center;
      font-size: 0.82rem;
    }
    .layers .status {
      grid-column: 1 / -1;
      display: flex;
      gap: 0.5rem;
      flex-wrap: wrap;
    }
    .actions {
      display: contents;
    }
    .check {
      display: flex;
      gap: 0.5rem;
      align-items: baseline;
      margin: 0 0 0.75rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ImagePullDialog implements OnInit {
  private readonly images = inject(ImagesApi);
  private readonly registriesApi = inject(RegistriesApi);
  readonly envId = input.required<number>();
  readonly initialReference = input('');
  readonly closed = output<void>();
  /** Emitted after a pull that ended without an error. */
  readonly pulled = output<string>();

  protected readonly reference = linkedSignal(() => this.initialReference());
  protected readonly submitted = signal(false);
  protected readonly started = signal(false);
  protected readonly running = signal(false);
  protected readonly done = signal(false);
  protected readonly state = signal<PullState>(EMPTY_PULL);
  protected readonly requestError = signal<string | null>(null);
  /** Credentials for this pull only (sent as `X-Registry-Auth`, never stored). */
  protected readonly login = signal(false);
  /** The stored registries the user may use here; 0: none chosen. */
  protected readonly registries = signal<Registry[]>([]);
  protected readonly registryId = signal(0);
  private picked = false;
  protected readonly chosen = computed(() => this.registries().find((r) => r.Id === this.registryId()));
  /** The reference pulled: a name without a registry host goes to the chosen registry (not Docker Hub). */
  protected readonly fullReference = computed(() => {
    const ref = this.reference().trim();
    const r = this.chosen();
    return r && r.Type !== 6 && registryOf(ref) === '' ? `${r.URL}/${ref}` : ref;
  });
  protected readonly username = signal('');
  protected readonly password = signal('');
  protected readonly loginError = computed(() =>
    this.submitted() && this.login() && !this.username().trim() ? 'Enter the registry username.' : null,
  );
  protected readonly percent = computed(() => pullPercent(this.state()));
  protected readonly bytes = formatBytes;
  private abort: AbortController | null = null;

  protected readonly referenceError = computed(() => {
    if (!this.submitted()) return null;
    const ref = this.reference().trim();
    if (!ref) return 'Enter an image name.';
    return isImageReference(ref)
      ? null
      : 'This is not a valid image reference (lower case, e.g. busybox:1.36).';
  });

  constructor() {
    inject(DestroyRef).onDestroy(() => this.abort?.abort());
  }

  ngOnInit(): void {
    this.registriesApi
      .forEnvironment(this.envId())
      .then((list) => {
        this.registries.set(list);
        this.matchRegistry();
      })
      .catch(() => this.registries.set([]));
  }

  protected pickRegistry(id: number): void {
    this.picked = true;
    this.registryId.set(id);
  }

  /** A reference naming a stored registry's host selects it, until the user picks one themselves. */
  private matchRegistry(): void {
    if (this.picked) return;
    const host = registryOf(this.reference().trim());
    const match = host ? this.registries().find((r) => r.URL.split('/')[0] === host) : undefined;
    this.registryId.set(match?.Id ?? 0);
  }

  protected setReference(value: string): void {
    this.reference.set(value);
    this.matchRegistry();
  }

  async pull(event?: Event): Promise<void> {
    event?.preventDefault();
    if (this.running()) return;
    this.submitted.set(true);
    if (this.referenceError() || (!this.chosen() && this.loginError())) return;
    const reference = this.fullReference();
    const { fromImage, tag } = splitImageReference(reference);
    const stored = this.chosen();
    this.state.set(EMPTY_PULL);
    this.requestError.set(null);
    this.started.set(true);
    this.running.set(true);
    this.done.set(false);
    this.abort = new AbortController();
    try {
      const response = await this.images.pull(
        this.envId(),
        { fromImage, tag },
        {
          registryAuth: stored
            ? storedRegistryAuth(stored.Id)
            : this.login()
              ? registryAuthHeader(this.username().trim(), this.password(), registryOf(reference))
              : undefined,
          signal: this.abort.signal,
        },
      );
      if (response.body) {
        for await (const message of readJsonLines(response.body)) {
          this.state.update((s) => applyPullMessage(s, message));
        }
      }
      this.done.set(true);
      if (!this.state().error) this.pulled.emit(reference);
    } catch (error) {
      if (this.abort?.signal.aborted) this.requestError.set('Pull stopped.');
      else this.requestError.set(`Could not pull ${reference}: ${errorMessage(error)}`);
    } finally {
      this.running.set(false);
      this.abort = null;
    }
  }

  protected cancel(): void {
    this.abort?.abort();
  }

  protected close(): void {
    this.abort?.abort();
    this.closed.emit();
  }
}
