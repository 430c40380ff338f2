import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import {
  DockerApi,
  DockerEnvironmentApi,
  SessionStore,
  type PortainerDecoration,
  errorMessage,
  formatTime,
  timeValue,
} from '@capstan/portal-data-access';
import {
  Alert,
  CellDef,
  ConfirmService,
  DataTable,
  Dialog,
  PageHeader,
  SearchShortcut,
  ToastService,
  type TableColumn,
} from '@capstan/portal-ui';

import { KeyValueEditor } from '../resources/shared/key-value-editor';
import {
  ownershipLabel,
  applyOwnershipAfterCreate,
  ownershipError,
  OwnershipChoice,
  PRIVATE_OWNERSHIP,
  type OwnershipForm,
} from '../resources/shared/ownership';
import { canManage } from '../resources/shared/permissions';
import { reloadOnEnvironment } from '../resources/shared/reload';
import { EnvironmentContext } from '../shell/environment-context';
import {
  type ServiceForm,
  type SwarmService,
  emptyServiceForm,
  imageParts,
  portsText,
  replicasText,
  scaledSpec,
  serviceCreateBody,
  serviceFormErrors,
  serviceMatches,
  serviceMode,
} from './swarm-models';

/** Swarm services: list (mode, replicas, image, ports, updated, ownership; filter, sort), create, scale, remove. */
@Component({
  selector: 'cap-services-page',
  imports: [
    Alert,
    CellDef,
    DataTable,
    Dialog,
    KeyValueEditor,
    OwnershipChoice,
    PageHeader,
    RouterLink,
    SearchShortcut,
  ],
  template: `
    <cap-page-header title="Services" subtitle="Swarm services and their replicas.">
      @if (ctx.canAct(P.ResourcesCreate)) {
        <button type="button" class="btn btn-primary" data-testid="service-create" (click)="openCreate()">
          + Add service
        </button>
      }
      <button type="button" class="btn btn-ghost" data-testid="services-refresh" (click)="load()">
        ↻ Refresh
      </button>
    </cap-page-header>
    @if (error(); as message) {
      <cap-alert kind="error">{{ message }}</cap-alert>
    }
    <div class="toolbar">
      <label class="grow">
        <span class="sr-only">Search services</span>
        <input
          class="input"
          type="search"
          placeholder="Search by name, image or mode (press /)"
          capSearchShortcut
          data-testid="services-search"
          [value]="query()"
          (input)="query.set($any($event.target).value)"
        />
      </label>
    </div>

    <cap-data-table
      data-testid="services-table"
      caption="Services"
      [columns]="columns"
      [rows]="filtered()"
      [loading]="loading()"
      [rowTestId]="rowTestId"
      [pageSize]="25"
      [emptyMessage]="services().length ? 'No service matches the search.' : 'No services.'"
      emptyTestId="services-empty"
    >
      <ng-template capCell="name" [capCellOf]="filtered()" let-s>
        <a class="mono name" [routerLink]="[s.ID]" [attr.data-testid]="'service-link-' + s.Spec.Name">{{
          s.Spec.Name
        }}</a>
        <!-- On a phone the Image column is hidden: the image under the name. -->
        <span class="phone-only mono small">
          @for (part of imageParts(s.Spec.TaskTemplate.ContainerSpec.Image); track $index) {
            <span>{{ part }}</span><wbr />
          }
        </span>
      </ng-template>
      <ng-template capCell="replicas" [capCellOf]="filtered()" let-s>
        <span class="nowrap" [attr.data-testid]="'service-replicas-' + s.Spec.Name">{{ replicas(s) }}</span>
      </ng-template>
      <ng-template capCell="image" [capCellOf]="filtered()" let-s>
        <span class="mono small">
          @for (part of imageParts(s.Spec.TaskTemplate.ContainerSpec.Image); track $index) {
            <span>{{ part }}</span><wbr />
          }
        </span>
      </ng-template>
      <ng-template capCell="ports" [capCellOf]="filtered()" let-s>
        <span class="mono small">{{ ports(s) || '—' }}</span>
      </ng-template>
      <ng-template capCell="updated" [capCellOf]="filtered()" let-s>{{ time(s.UpdatedAt) }}</ng-template>
      <ng-template capCell="ownership" [capCellOf]="filtered()" let-s>
        <span [attr.data-testid]="'service-ownership-' + s.Spec.Name">{{ owner(s) }}</span>
      </ng-template>
      <ng-template capCell="actions" [capCellOf]="filtered()" let-s>
        @if (manage(s)) {
          <div class="row-actions">
            @if (s.Spec.Mode.Replicated) {
              <span class="scale-group">
                <input
                  class="input scale"
                  type="number"
                  min="0"
                  [attr.aria-label]="'Replicas of ' + s.Spec.Name"
                  [attr.data-testid]="'service-scale-input-' + s.Spec.Name"
                  [value]="s.Spec.Mode.Replicated.Replicas ?? 0"
                  (keydown.enter)="scale(s, n.value)"
                  #n
                />
                <button
                  type="button"
                  class="btn-link"
                  [attr.data-testid]="'service-scale-' + s.Spec.Name"
                  (click)="scale(s, n.value)"
                >
                  Scale
                </button>
              </span>
            }
            <button
              type="button"
              class="btn-link danger"
              [attr.data-testid]="'service-remove-' + s.Spec.Name"
              (click)="remove(s)"
            >
              Remove
            </button>
          </div>
        }
      </ng-template>
    </cap-data-table>

    @if (creating()) {
      <cap-dialog title="Add a service" testId="service-dialog" (closed)="creating.set(false)">
        <form id="service-form" class="form" novalidate (submit)="create($event)">
          @if (formError(); as message) {
            <cap-alert kind="error" testId="service-create-error">{{ message }}</cap-alert>
          }
          <label
            >Name
            <input
              class="input mono"
              data-testid="service-name"
              [value]="form().name"
              (input)="set('name', $any($event.target).value)"
          /></label>
          @if (shown().name; as e) {
            <span class="error">{{ e }}</span>
          }
          <label
            >Image
            <input
              class="input mono"
              data-testid="service-image"
              placeholder="nginx:1.27"
              [value]="form().image"
              (input)="set('image', $any($event.target).value)"
          /></label>
          @if (shown().image; as e) {
            <span class="error">{{ e }}</span>
          }
          <label
            >Command (arguments)
            <input
              class="input mono"
              data-testid="service-command"
              placeholder="sleep 3600"
              [value]="form().command"
              (input)="set('command', $any($event.target).value)"
          /></label>
          <fieldset>
            <legend>Scheduling</legend>
            <label
              ><input
                type="radio"
                name="mode"
                data-testid="service-mode-replicated"
                [checked]="form().mode === 'replicated'"
                (change)="set('mode', 'replicated')"
              />
              Replicated</label
            >
            <label
              ><input
                type="radio"
                name="mode"
                data-testid="service-mode-global"
                [checked]="form().mode === 'global'"
                (change)="set('mode', 'global')"
              />
              Global (one task per node)</label
            >
            @if (form().mode === 'replicated') {
              <label
                >Replicas
                <input
                  class="input"
                  type="number"
                  min="0"
                  data-testid="service-replicas"
                  [value]="form().replicas"
                  (input)="set('replicas', $any($event.target).value)"
              /></label>
              @if (shown().replicas; as e) {
                <span class="error">{{ e }}</span>
              }
            }
            <label
              >Constraints (one a line)
              <textarea
                class="input mono"
                rows="2"
                data-testid="service-constraints"
                placeholder="node.role==worker"
                [value]="form().constraints"
                (input)="set('constraints', $any($event.target).value)"
              ></textarea>
            </label>
            @if (shown().constraints; as e) {
              <span class="error">{{ e }}</span>
            }
          </fieldset>
          <fieldset>
            <legend>Ports</legend>
            <p class="muted small">
              Ingress publishes on every node through the routing mesh; host mode publishes only on the nodes
              that run a task (use it where the mesh is unavailable).
            </p>
            @for (p of form().ports; track $index; let i = $index) {
              <div class="row">
                <input
                  class="input"
                  placeholder="published"
                  [attr.data-testid]="'service-port-published-' + i"
                  [value]="p.published"
                  (input)="setRow('ports', i, 'published', $any($event.target).value)"
                />
                <input
                  class="input"
                  placeholder="target"
                  [attr.data-testid]="'service-port-target-' + i"
                  [value]="p.target"
                  (input)="setRow('ports', i, 'target', $any($event.target).value)"
                />
                <select
                  class="input"
                  [attr.data-testid]="'service-port-protocol-' + i"
                  [value]="p.protocol"
                  (change)="setRow('ports', i, 'protocol', $any($event.target).value)"
                >
                  <option>tcp</option>
                  <option>udp</option>
                </select>
                <select
                  class="input"
                  [attr.data-testid]="'service-port-mode-' + i"
                  [value]="p.mode"
                  (change)="setRow('ports', i, 'mode', $any($event.target).value)"
                >
                  <option>ingress</option>
                  <option>host</option>
                </select>
                <button
                  type="button"
                  class="btn-link danger"
                  aria-label="Remove port"
                  (click)="removeRow('ports', i)"
                >
                  ✕
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
              <span class="error">{{ e }}</span>
            }
          </fieldset>
          <fieldset>
            <legend>Mounts</legend>
            @for (m of form().mounts; track $index; let i = $index) {
              <div class="row">
                <select
                  class="input"
                  [attr.data-testid]="'service-mount-type-' + i"
                  [value]="m.type"
                  (change)="setRow('mounts', i, 'type', $any($event.target).value)"
                >
                  <option>volume</option>
                  <option>bind</option>
                </select>
                <input
                  class="input mono"
                  placeholder="source"
                  [attr.data-testid]="'service-mount-source-' + i"
                  [value]="m.source"
                  (input)="setRow('mounts', i, 'source', $any($event.target).value)"
                />
                <input
                  class="input mono"
                  placeholder="/target"
                  [attr.data-testid]="'service-mount-target-' + i"
                  [value]="m.target"
                  (input)="setRow('mounts', i, 'target', $any($event.target).value)"
                />
                <label
                  ><input
                    type="checkbox"
                    [checked]="m.readOnly"
                    (change)="setRow('mounts', i, 'readOnly', $any($event.target).checked)"
                  />
                  read-only</label
                >
                <button
                  type="button"
                  class="btn-link danger"
                  aria-label="Remove mount"
                  (click)="removeRow('mounts', i)"
                >
                  ✕
                </button>
              </div>
            }
            <button
              type="button"
              class="btn btn-sm"
              data-testid="service-mount-add"
              (click)="addRow('mounts', { type: 'volume', source: '', target: '', readOnly: false })"
            >
              + Mount
            </button>
            @if (shown().mounts; as e) {
              <span class="error">{{ e }}</span>
            }
          </fieldset>
          <cap-key-value-editor
            legend="Environment"
            testId="service-env"
            keyLabel="NAME"
            addLabel="Variable"
            [pairs]="form().env"
            (pairsChange)="set('env', $event)"
            [error]="shown().env"
          />
          <label
            >Networks (overlay names, comma separated)
            <input
              class="input mono"
              data-testid="service-networks"
              [value]="form().networks"
              (input)="set('networks', $any($event.target).value)"
          /></label>
          <fieldset>
            <legend>Update config</legend>
            <div class="row">
              <label
                >Parallelism
                <input
                  class="input"
                  type="number"
                  min="0"
                  data-testid="service-parallelism"
                  [value]="form().parallelism"
                  (input)="set('parallelism', $any($event.target).value)"
              /></label>
              <label
                >Delay (s)
                <input
                  class="input"
                  type="number"
                  min="0"
                  data-testid="service-delay"
                  [value]="form().delay"
                  (input)="set('delay', $any($event.target).value)"
              /></label>
              <label
                >On failure
                <select
                  class="input"
                  data-testid="service-failure-action"
                  [value]="form().failureAction"
                  (change)="set('failureAction', $any($event.target).value)"
                >
                  <option>pause</option>
                  <option>continue</option>
                  <option>rollback</option>
                </select>
              </label>
              <label
                >Order
                <select
                  class="input"
                  data-testid="service-order"
                  [value]="form().order"
                  (change)="set('order', $any($event.target).value)"
                >
                  <option>stop-first</option>
                  <option>start-first</option>
                </select>
              </label>
            </div>
            @if (shown().parallelism ?? shown().delay; as e) {
              <span class="error">{{ e }}</span>
            }
          </fieldset>
          <cap-ownership-choice testId="service-ownership" [error]="ownershipShown()" [(value)]="ownership" />
        </form>
        <div dialog-actions>
          <button type="button" class="btn" (click)="creating.set(false)">Cancel</button>
          <button
            type="submit"
            form="service-form"
            class="btn btn-primary"
            data-testid="service-save"
            [disabled]="busy()"
          >
            {{ busy() ? 'Creating…' : 'Create' }}
          </button>
        </div>
      </cap-dialog>
    }
  `,
  styles: `
    .grow {
      flex: 1 1 16rem;
      max-width: 28rem;
    }
    /* break-word, not anywhere: a squeezed column wraps a name at its hyphens, never inside a word. */
    .name {
      overflow-wrap: break-word;
    }
    .small {
      font-size: 0.8rem;
    }
    .nowrap {
      white-space: nowrap;
    }
    .row-actions {
      align-items: center;
      gap: 0.25rem 0.75rem;
    }
    .scale-group {
      display: inline-flex;
      align-items: center;
      gap: 0.4rem;
    }
    .scale {
      width: 4rem;
      padding-block: 0.25rem;
    }
    .phone-only {
      display: none;
    }
    /* The data table hides its secondary columns (Image, …) at the same width. */
    @media (max-width: 768px) {
      .phone-only {
        display: block;
        margin-top: 0.3rem;
        color: var(--text-muted);
      }
    }
    .form {
      display: grid;
      gap: 0.6rem;
    }
    .form label {
      display: grid;
      gap: 0.2rem;
    }
    .row .input {
      flex: 1 1 8rem;
      width: auto;
      min-width: 0;
    }
    .row {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      align-items: end;
      margin-bottom: 0.4rem;
    }
    .row label {
      display: inline-flex;
      gap: 0.3rem;
    }
    .error {
      color: var(--danger);
      font-size: 0.85rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ServicesPage {
  protected readonly ctx = inject(EnvironmentContext);
  private readonly docker = inject(DockerApi);
  private readonly toasts = inject(ToastService);
  private readonly confirm = inject(ConfirmService);
  private readonly envApi = inject(DockerEnvironmentApi);
  private readonly session = inject(SessionStore);
  protected readonly P = Permission;
  protected readonly time = formatTime;
  protected readonly mode = serviceMode;
  protected readonly replicas = (s: SwarmService) => replicasText(s);
  protected readonly ports = (s: SwarmService) => portsText(s.Endpoint?.Ports ?? s.Spec.EndpointSpec?.Ports);
  protected readonly imageParts = imageParts;
  protected readonly manage = (s: SwarmService) => canManage(this.ctx, s);
  protected readonly owner = ownershipLabel;

  protected readonly columns: TableColumn<SwarmService>[] = [
    { key: 'name', label: 'Name', sortable: true, value: (s) => s.Spec.Name },
    { key: 'mode', label: 'Mode', sortable: true, secondary: true, value: serviceMode },
    { key: 'replicas', label: 'Replicas', sortable: true, value: (s) => replicasText(s) },
    {
      key: 'image',
      label: 'Image',
      sortable: true,
      secondary: true,
      value: (s) => imageParts(s.Spec.TaskTemplate.ContainerSpec.Image).join(''),
    },
    { key: 'ports', label: 'Ports', secondary: true, value: (s) => this.ports(s) },
    {
      key: 'updated',
      label: 'Updated',
      sortable: true,
      secondary: true,
      value: (s) => timeValue(s.UpdatedAt),
    },
    { key: 'ownership', label: 'Ownership', sortable: true, secondary: true, value: ownershipLabel },
    { key: 'actions', label: 'Actions' },
  ];
  protected readonly rowTestId = (s: SwarmService): string => `service-row-${s.Spec.Name}`;

  protected readonly services = signal<SwarmService[]>([]);
  protected readonly query = signal('');
  protected readonly filtered = computed(() =>
    this.services().filter((s) => serviceMatches(s, this.query())),
  );
  protected readonly loading = signal(true);
  protected readonly error = signal<string | null>(null);
  protected readonly creating = signal(false);
  protected readonly busy = signal(false);
  protected readonly submitted = signal(false);
  protected readonly formError = signal<string | null>(null);
  protected readonly form = signal<ServiceForm>(emptyServiceForm());
  protected readonly ownership = signal<OwnershipForm>(PRIVATE_OWNERSHIP);
  private readonly errors = computed(() => serviceFormErrors(this.form()));
  protected readonly shown = computed(() => (this.submitted() ? this.errors() : {}));
  protected readonly ownershipShown = computed(() =>
    this.submitted() ? ownershipError(this.ownership()) : null,
  );

  constructor() {
    reloadOnEnvironment(this.ctx, () => this.load());
  }

  async load(): Promise<void> {
    this.loading.set(true);
    try {
      const r = await this.docker.getWithSource<SwarmService[]>(this.ctx.envId(), '/services', {
        status: true,
      });
      this.ctx.noteSource(r.snapshotTime);
      this.services.set([...r.body].sort((a, b) => a.Spec.Name.localeCompare(b.Spec.Name)));
      this.error.set(null);
    } catch (error) {
      this.error.set(`Could not load the services: ${errorMessage(error)}`);
    } finally {
      this.loading.set(false);
    }
  }

  protected openCreate(): void {
    this.form.set(emptyServiceForm());
    this.ownership.set(PRIVATE_OWNERSHIP);
    this.submitted.set(false);
    this.formError.set(null);
    this.creating.set(true);
  }

  protected set<K extends keyof ServiceForm>(key: K, value: ServiceForm[K]): void {
    this.form.update((f) => ({ ...f, [key]: value }));
  }

  protected addRow<K extends 'ports' | 'mounts'>(key: K, row: ServiceForm[K][number]): void {
    this.form.update((f) => ({ ...f, [key]: [...f[key], row] }));
  }

  protected removeRow(key: 'ports' | 'mounts', i: number): void {
    this.form.update((f) => ({ ...f, [key]: (f[key] as unknown[]).filter((_, j) => j !== i) }));
  }

  protected setRow(key: 'ports' | 'mounts', i: number, field: string, value: string | boolean): void {
    this.form.update((f) => ({
      ...f,
      [key]: (f[key] as unknown as Record<string, unknown>[]).map((r, j) =>
        j === i ? { ...r, [field]: value } : r,
      ),
    }));
  }

  protected async create(event: Event): Promise<void> {
    event.preventDefault();
    this.submitted.set(true);
    if (Object.keys(this.errors()).length > 0 || ownershipError(this.ownership())) return;
    this.busy.set(true);
    this.formError.set(null);
    try {
      const body = serviceCreateBody(this.form());
      const created = await this.docker.post<PortainerDecoration & { ID: string }>(
        this.ctx.envId(),
        '/services/create',
        body,
      );
      this.toasts.success(`Service ${body.Name} created`);
      await this.setOwnership(created, body.Name);
      this.creating.set(false);
      await this.load();
    } catch (error) {
      this.formError.set(errorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }

  private setOwnership(created: PortainerDecoration, name: string): Promise<void> {
    const me = this.session.user()?.Id ?? 0;
    return applyOwnershipAfterCreate(this.envApi, this.toasts, created, this.ownership(), me, name);
  }

  async scale(s: SwarmService, value: string): Promise<void> {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) {
      this.toasts.error('Replicas: a whole number, 0 or more');
      return;
    }
    try {
      await this.docker.post(
        this.ctx.envId(),
        `/services/${encodeURIComponent(s.ID)}/update`,
        scaledSpec(s.Spec, n),
        {
          version: s.Version.Index,
        },
      );
      this.toasts.success(`${s.Spec.Name} scaled to ${n}`);
    } catch (error) {
      this.toasts.error(`Could not scale ${s.Spec.Name}: ${errorMessage(error)}`);
    }
    await this.load();
  }

  protected async remove(s: SwarmService): Promise<void> {
    const ok = await this.confirm.ask({
      title: 'Remove service',
      message: `Remove the service ${s.Spec.Name}? Its tasks are stopped on every node.`,
      confirmLabel: 'Remove',
      danger: true,
    });
    if (!ok) return;
    try {
      await this.docker.delete(this.ctx.envId(), `/services/${encodeURIComponent(s.ID)}`);
      this.toasts.success(`Service ${s.Spec.Name} removed`);
    } catch (error) {
      this.toasts.error(`Could not remove ${s.Spec.Name}: ${errorMessage(error)}`);
    }
    await this.load();
  }
}
