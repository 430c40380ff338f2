import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  Injector,
  afterNextRender,
  computed,
  inject,
  output,
  signal,
  viewChild,
} from '@angular/core';
import { RouterLink } from '@angular/router';
import {
  DockerEnvironmentApi,
  NetworksApi,
  SessionStore,
  SwarmApi,
  type PortainerDecoration,
  errorMessage,
  RegistriesApi,
  type Registry,
  storedRegistryAuth,
} from '@capstan/portal-data-access';
import {
  Alert,
  Dialog,
  FormControlDirective,
  FormDialogActions,
  FormField,
  ToastService,
} from '@capstan/portal-ui';

import { KeyValueEditor } from '../resources/shared/key-value-editor';
import { FORM_ROW_STYLES, FORM_SECTION_STYLES, MountRows } from '../resources/shared/mount-rows';
import {
  OwnershipChoice,
  PRIVATE_OWNERSHIP,
  applyOwnershipAfterCreate,
  ownershipError,
  type OwnershipForm,
} from '../resources/shared/ownership';
import { EnvironmentContext } from '../shell/environment-context';
import {
  type NetworkListItem,
  type ServiceForm,
  type ServiceNetworkChoice,
  badMountFields,
  badPortFields,
  emptyServiceForm,
  pickedNetworks,
  serviceCreateBody,
  serviceFormErrors,
  serviceNetworkChoices,
} from './swarm-models';

/**
 * The Add service dialog: name, image, command, replicated or global, constraints, ports, mounts, environment,
 * the swarm networks to join, update policy and ownership. It creates the service, sets its ownership, and says
 * `created`; `closed` when cancelled. The form opens empty, with the environment's networks loading.
 */
@Component({
  selector: 'cap-service-create-dialog',
  imports: [
    Alert,
    Dialog,
    FormControlDirective,
    FormDialogActions,
    FormField,
    KeyValueEditor,
    MountRows,
    OwnershipChoice,
    RouterLink,
  ],
  template: `
    <cap-dialog title="Add a service" testId="service-dialog" size="wide" (closed)="closed.emit()">
      <form id="service-form" novalidate (submit)="create($event)" #serviceForm>
        @if (formError(); as message) {
          <cap-alert kind="error" testId="service-create-error">{{ message }}</cap-alert>
        }
        <cap-form-field label="Name" [required]="true" [error]="shown().name">
          <input
            capControl
            class="input mono"
            autocomplete="off"
            data-testid="service-name"
            [value]="form().name"
            (input)="set('name', $any($event.target).value)"
          />
        </cap-form-field>
        <cap-form-field
          label="Image"
          hint="A node that runs a task pulls it when it does not have it."
          [required]="true"
          [error]="shown().image"
        >
          <input
            capControl
            class="input mono"
            autocomplete="off"
            data-testid="service-image"
            placeholder="nginx:1.27"
            [value]="form().image"
            (input)="set('image', $any($event.target).value)"
          />
        </cap-form-field>
        @if (registries().length > 0) {
          <cap-form-field
            label="Registry"
            hint="A stored registry's login goes with the service (--with-registry-auth): every node can pull."
          >
            <select
              capControl
              class="input"
              name="registry"
              data-testid="service-registry"
              (change)="registryId.set(+$any($event.target).value)"
            >
              <option [value]="0" [selected]="registryId() === 0">None (anonymous)</option>
              @for (r of registries(); track r.Id) {
                <option [value]="r.Id" [selected]="registryId() === r.Id">{{ r.Name }} — {{ r.URL }}</option>
              }
            </select>
          </cap-form-field>
        }
        <cap-form-field
          label="Command (arguments)"
          hint="Passed to the image's entrypoint; quotes keep words together, nothing is expanded."
        >
          <input
            capControl
            class="input mono"
            autocomplete="off"
            data-testid="service-command"
            placeholder="sleep 3600"
            [value]="form().command"
            (input)="set('command', $any($event.target).value)"
          />
        </cap-form-field>

        <div class="section">
          <fieldset>
            <legend>Scheduling</legend>
            <div class="choices" role="radiogroup" aria-label="Mode">
              <label class="check">
                <input
                  type="radio"
                  name="service-mode"
                  data-testid="service-mode-replicated"
                  [checked]="form().mode === 'replicated'"
                  (change)="set('mode', 'replicated')"
                />
                <span><strong>Replicated</strong><span class="muted"> — a set number of tasks</span></span>
              </label>
              <label class="check">
                <input
                  type="radio"
                  name="service-mode"
                  data-testid="service-mode-global"
                  [checked]="form().mode === 'global'"
                  (change)="set('mode', 'global')"
                />
                <span><strong>Global</strong><span class="muted"> — one task on every node</span></span>
              </label>
            </div>
            @if (form().mode === 'replicated') {
              <cap-form-field class="replicas" label="Replicas" [error]="shown().replicas">
                <input
                  capControl
                  class="input"
                  type="number"
                  min="0"
                  data-testid="service-replicas"
                  [value]="form().replicas"
                  (input)="set('replicas', $any($event.target).value)"
                />
              </cap-form-field>
            }
            <cap-form-field
              label="Constraints"
              hint="One a line; tasks run only on the nodes that meet them all."
              [error]="shown().constraints"
            >
              <textarea
                capControl
                class="input mono"
                rows="2"
                data-testid="service-constraints"
                placeholder="node.role==worker"
                [value]="form().constraints"
                (input)="set('constraints', $any($event.target).value)"
              ></textarea>
            </cap-form-field>
          </fieldset>
        </div>

        <div class="section">
          <fieldset aria-describedby="service-networks-hint" data-testid="service-networks">
            <legend>Networks</legend>
            <p class="hint" id="service-networks-hint">
              The environment's swarm networks (overlay): the tasks join the ones ticked and reach the other
              services there by name.
              <button
                type="button"
                class="btn-link"
                aria-label="Refresh the networks"
                data-testid="service-networks-refresh"
                [attr.aria-busy]="networksLoading() ? 'true' : null"
                (click)="loadNetworks()"
              >
                Refresh
              </button>
            </p>
            @if (networksError(); as message) {
              <p class="error" role="alert" data-testid="service-networks-error">{{ message }}</p>
            } @else if (networkChoices() === null) {
              <p class="hint" role="status">Loading the networks…</p>
            } @else {
              @for (n of networkChoices(); track n.name) {
                <label class="check">
                  <input
                    type="checkbox"
                    [attr.data-testid]="'service-network-' + n.name"
                    [checked]="form().networks.includes(n.name)"
                    (change)="toggleNetwork(n.name, $any($event.target).checked)"
                  />
                  <span class="mono">{{ n.name }}</span>
                  <span class="badge"><span class="sr-only">, driver </span>{{ n.driver }}</span>
                </label>
              } @empty {
                <p class="empty" data-testid="service-networks-empty">
                  No overlay networks — create one on the
                  <a [routerLink]="['/environments', ctx.envId(), 'docker', 'networks']">Networks page</a>.
                </p>
              }
            }
          </fieldset>
        </div>

        <div class="section">
          <fieldset aria-describedby="service-ports-hint">
            <legend>Ports</legend>
            <p class="hint" id="service-ports-hint">
              Ingress publishes on every node through the routing mesh; host mode only on the nodes that run a
              task (use it where the mesh is unavailable). An empty published port: Swarm picks one.
            </p>
            @for (p of form().ports; track $index; let i = $index) {
              <div class="item port">
                <label class="cell published">
                  <span class="caption" aria-hidden="true">Published</span>
                  <input
                    class="input"
                    inputmode="numeric"
                    placeholder="auto"
                    [attr.aria-label]="'Published port ' + (i + 1)"
                    [attr.aria-invalid]="badRows().ports[i]?.includes('published') ? 'true' : null"
                    [attr.aria-describedby]="
                      badRows().ports[i]?.includes('published') ? 'service-ports-error' : null
                    "
                    [attr.data-testid]="'service-port-published-' + i"
                    [value]="p.published"
                    (input)="setRow('ports', i, 'published', $any($event.target).value)"
                  />
                </label>
                <label class="cell target">
                  <span class="caption" aria-hidden="true">Target</span>
                  <input
                    class="input"
                    inputmode="numeric"
                    placeholder="80"
                    [attr.aria-label]="'Target port ' + (i + 1)"
                    [attr.aria-invalid]="badRows().ports[i]?.includes('target') ? 'true' : null"
                    [attr.aria-describedby]="
                      badRows().ports[i]?.includes('target') ? 'service-ports-error' : null
                    "
                    [attr.data-testid]="'service-port-target-' + i"
                    [value]="p.target"
                    (input)="setRow('ports', i, 'target', $any($event.target).value)"
                  />
                </label>
                <label class="cell protocol">
                  <span class="caption" aria-hidden="true">Protocol</span>
                  <select
                    class="input"
                    [attr.aria-label]="'Protocol of port ' + (i + 1)"
                    [attr.data-testid]="'service-port-protocol-' + i"
                    [value]="p.protocol"
                    (change)="setRow('ports', i, 'protocol', $any($event.target).value)"
                  >
                    <option>tcp</option>
                    <option>udp</option>
                  </select>
                </label>
                <label class="cell mode">
                  <span class="caption" aria-hidden="true">Publish mode</span>
                  <select
                    class="input"
                    [attr.aria-label]="'Publish mode of port ' + (i + 1)"
                    [attr.data-testid]="'service-port-mode-' + i"
                    [value]="p.mode"
                    (change)="setRow('ports', i, 'mode', $any($event.target).value)"
                  >
                    <option>ingress</option>
                    <option>host</option>
                  </select>
                </label>
                <button
                  type="button"
                  class="icon-btn remove"
                  [attr.aria-label]="'Remove port ' + (i + 1)"
                  [attr.data-testid]="'service-port-remove-' + i"
                  (click)="removeRow('ports', i)"
                >
                  ×
                </button>
              </div>
            }
            <button
              type="button"
              class="btn btn-sm"
              data-testid="service-port-add"
              (click)="addRow('ports', { published: '', target: '', protocol: 'tcp', mode: 'ingress' })"
            >
              + Port
            </button>
            @if (shown().ports; as e) {
              <p class="error" id="service-ports-error" role="alert">{{ e }}</p>
            }
          </fieldset>
        </div>

        <div class="section">
          <cap-mount-rows
            legend="Mounts"
            testId="service-mount"
            hint="A volume is created on each node that runs a task; a bind source is a path on that node."
            [rows]="form().mounts"
            (rowsChange)="set('mounts', $event)"
            [error]="shown().mounts"
            [badFields]="badRows().mounts"
          />
        </div>

        <div class="section">
          <cap-key-value-editor
            legend="Environment"
            testId="service-env"
            keyLabel="NAME"
            addLabel="Variable"
            [pairs]="form().env"
            (pairsChange)="set('env', $event)"
            [error]="shown().env"
          />
        </div>

        <div class="section">
          <fieldset aria-describedby="service-update-hint">
            <legend>Update config</legend>
            <p class="hint" id="service-update-hint">
              How a later update replaces the tasks: so many at a time (0: all), with a pause between batches.
            </p>
            <div class="update-grid">
              <cap-form-field label="Parallelism" [error]="shown().parallelism">
                <input
                  capControl
                  class="input"
                  type="number"
                  min="0"
                  data-testid="service-parallelism"
                  [value]="form().parallelism"
                  (input)="set('parallelism', $any($event.target).value)"
                />
              </cap-form-field>
              <cap-form-field label="Delay (s)" [error]="shown().delay">
                <input
                  capControl
                  class="input"
                  type="number"
                  min="0"
                  data-testid="service-delay"
                  [value]="form().delay"
                  (input)="set('delay', $any($event.target).value)"
                />
              </cap-form-field>
              <cap-form-field label="On failure">
                <select
                  capControl
                  class="input"
                  data-testid="service-failure-action"
                  [value]="form().failureAction"
                  (change)="set('failureAction', $any($event.target).value)"
                >
                  <option>pause</option>
                  <option>continue</option>
                  <option>rollback</option>
                </select>
              </cap-form-field>
              <cap-form-field label="Order">
                <select
                  capControl
                  class="input"
                  data-testid="service-order"
                  [value]="form().order"
                  (change)="set('order', $any($event.target).value)"
                >
                  <option>stop-first</option>
                  <option>start-first</option>
                </select>
              </cap-form-field>
            </div>
          </fieldset>
        </div>

        <div class="section">
          <cap-ownership-choice testId="service-ownership" [error]="ownershipShown()" [(value)]="ownership" />
        </div>
      </form>
      <cap-form-dialog-actions
        dialog-actions
        formId="service-form"
        testId="service-save"
        label="Create"
        busyLabel="Creating…"
        [busy]="busy()"
        (cancelled)="closed.emit()"
      />
    </cap-dialog>
  `,
  styles: [
    FORM_SECTION_STYLES,
    FORM_ROW_STYLES,
    `
      /* The create dialog: every section a borderless fieldset under a rule, legend and hint as the shared
       key/value editor and ownership choice draw theirs (bold 0.9rem legend, muted 0.85rem hint). */
      .section {
        border-top: 1px solid var(--border);
        padding-top: 0.75rem;
      }
      .hint .btn-link {
        padding: 0;
        font-size: inherit;
      }
      .empty {
        margin: 0;
        padding: 0.5rem 0.75rem;
        border: 1px dashed var(--border);
        border-radius: var(--radius);
        color: var(--text-muted);
        font-size: 0.9rem;
      }
      .check {
        display: flex;
        gap: 0.5rem;
        align-items: baseline;
        margin: 0.25rem 0;
      }
      .choices {
        margin-bottom: 0.75rem;
      }
      .replicas {
        max-width: 8rem;
      }
      textarea.input {
        resize: vertical;
      }
      /* A port row (FORM_ROW_STYLES): on one line, on two on a phone. */
      .port {
        grid-template-columns: minmax(0, 1fr) minmax(0, 1fr) minmax(0, 0.8fr) minmax(0, 1fr) auto;
      }
      /* The selects get the room their longest option needs ("start-first"), the number boxes less. */
      .update-grid {
        display: grid;
        grid-template-columns: minmax(0, 0.8fr) minmax(0, 0.8fr) minmax(0, 1.1fr) minmax(0, 1.2fr);
        gap: 0.75rem 0.6rem;
        /* A field with an error grows; its neighbours keep their height (label above input). */
        align-items: start;
      }
      /* The fieldset's own margin ends a section; a field that closes it adds none. */
      fieldset > cap-form-field:last-child,
      .update-grid > cap-form-field {
        margin-bottom: 0;
      }
      @media (max-width: 560px) {
        .port {
          grid-template-columns: minmax(0, 1fr) minmax(0, 1fr) auto;
          grid-template-areas: 'published target remove' 'protocol mode remove';
        }
        .port .published {
          grid-area: published;
        }
        .port .target {
          grid-area: target;
        }
        .port .protocol {
          grid-area: protocol;
        }
        .port .mode {
          grid-area: mode;
        }
        .port .remove {
          grid-area: remove;
        }
        .update-grid {
          grid-template-columns: repeat(2, minmax(0, 1fr));
        }
      }
    `,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ServiceCreateDialog {
  protected readonly ctx = inject(EnvironmentContext);
  private readonly swarm = inject(SwarmApi);
  private readonly networksApi = inject(NetworksApi);
  private readonly toasts = inject(ToastService);
  private readonly envApi = inject(DockerEnvironmentApi);
  private readonly session = inject(SessionStore);

  /** The service was created (and its ownership set). */
  readonly created = output();
  /** Cancelled (Escape, backdrop, Cancel). */
  readonly closed = output();

  protected readonly busy = signal(false);
  protected readonly submitted = signal(false);
  protected readonly formError = signal<string | null>(null);
  protected readonly form = signal<ServiceForm>(emptyServiceForm());
  protected readonly ownership = signal<OwnershipForm>(PRIVATE_OWNERSHIP);
  private readonly errors = computed(() => serviceFormErrors(this.form()));
  protected readonly shown = computed(() => (this.submitted() ? this.errors() : {}));
  /** After a submit: the wrong fields of each port and mount row (marked aria-invalid, described by the error). */
  protected readonly badRows = computed<{
    ports: ReturnType<typeof badPortFields>[];
    mounts: ReturnType<typeof badMountFields>[];
  }>(() => {
    const f = this.form();
    return this.submitted()
      ? { ports: f.ports.map(badPortFields), mounts: f.mounts.map(badMountFields) }
      : { ports: [], mounts: [] };
  });
  protected readonly ownershipShown = computed(() =>
    this.submitted() ? ownershipError(this.ownership()) : null,
  );
  /** The networks the dialog offers; null while the first list is loading. */
  protected readonly networkChoices = signal<ServiceNetworkChoice[] | null>(null);
  protected readonly networksLoading = signal(false);
  protected readonly networksError = signal<string | null>(null);
  private networksRequest = 0;
  private readonly injector = inject(Injector);
  private readonly serviceForm = viewChild<ElementRef<HTMLFormElement>>('serviceForm');

  private readonly registriesApi = inject(RegistriesApi);
  /** Stored registries the user may use here; the chosen one's login is resolved by the server. */
  protected readonly registries = signal<Registry[]>([]);
  protected readonly registryId = signal(0);

  constructor() {
    void this.loadNetworks();
    this.registriesApi
      .forEnvironment(this.ctx.envId())
      .then((list) => this.registries.set(list))
      .catch(() => this.registries.set([]));
  }

  /** The environment's swarm-scoped networks, for the dialog's checkboxes (again on its Refresh link). */
  protected async loadNetworks(): Promise<void> {
    const request = ++this.networksRequest;
    this.networksLoading.set(true);
    try {
      const list = await this.networksApi.all<NetworkListItem>(this.ctx.envId());
      if (request !== this.networksRequest) return;
      const choices = serviceNetworkChoices(list);
      this.networkChoices.set(choices);
      this.networksError.set(null);
      this.set('networks', pickedNetworks(this.form().networks, choices));
    } catch (error) {
      if (request !== this.networksRequest) return;
      this.networksError.set(`Could not load the networks: ${errorMessage(error)}`);
    } finally {
      if (request === this.networksRequest) this.networksLoading.set(false);
    }
  }

  protected toggleNetwork(name: string, on: boolean): void {
    this.set('networks', pickedNetworks(this.form().networks, this.networkChoices() ?? [], { name, on }));
  }

  protected set<K extends keyof ServiceForm>(key: K, value: ServiceForm[K]): void {
    this.form.update((f) => ({ ...f, [key]: value }));
  }

  protected addRow(key: 'ports', row: ServiceForm['ports'][number]): void {
    this.form.update((f) => ({ ...f, [key]: [...f[key], row] }));
  }

  protected removeRow(key: 'ports', i: number): void {
    this.form.update((f) => ({ ...f, [key]: f[key].filter((_, j) => j !== i) }));
  }

  protected setRow(key: 'ports', i: number, field: string, value: string | boolean): void {
    this.form.update((f) => ({
      ...f,
      [key]: f[key].map((r, j) => (j === i ? { ...r, [field]: value } : r)),
    }));
  }

  protected async create(event: Event): Promise<void> {
    event.preventDefault();
    this.submitted.set(true);
    if (Object.keys(this.errors()).length > 0 || ownershipError(this.ownership())) {
      this.revealProblem();
      return;
    }
    this.busy.set(true);
    this.formError.set(null);
    try {
      const body = serviceCreateBody(this.form());
      const registryId = this.registryId();
      const created = await this.swarm.createService(
        this.ctx.envId(),
        body,
        registryId ? storedRegistryAuth(registryId) : undefined,
      );
      this.toasts.success(`Service ${body.Name} created`);
      await this.setOwnership(created, body.Name);
      this.created.emit();
    } catch (error) {
      this.formError.set(errorMessage(error));
      this.revealProblem();
    } finally {
      this.busy.set(false);
    }
  }

  /**
   * After a refused submit the problem may sit outside the scrolled dialog: the first invalid field or message
   * (document order) is scrolled into view, and a field gets the focus (its error is its description).
   */
  private revealProblem(): void {
    afterNextRender(
      () => {
        const first = this.serviceForm()?.nativeElement.querySelector<HTMLElement>(
          '[aria-invalid="true"], [role="alert"], .error',
        );
        first?.scrollIntoView?.({ block: 'center' });
        if (first?.matches('input, select, textarea')) first.focus();
      },
      { injector: this.injector },
    );
  }

  private setOwnership(created: PortainerDecoration, name: string): Promise<void> {
    const me = this.session.user()?.Id ?? 0;
    return applyOwnershipAfterCreate(this.envApi, this.toasts, created, this.ownership(), me, name);
  }
}
