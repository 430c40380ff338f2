import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import {
  RegistriesApi,
  type StatusMap,
  SwarmApi,
  errorMessage,
  timeValue,
} from '@capstan/portal-data-access';
import {
  CellDef,
  ConfirmService,
  DataTable,
  ListPage,
  ToastService,
  type TableColumn,
  formatTime,
} from '@capstan/portal-ui';

import { ownershipLabel } from '../resources/shared/ownership';
import { canManage } from '../resources/shared/permissions';
import { reloadOnEnvironment } from '../resources/shared/reload';
import { EnvironmentContext } from '../shell/environment-context';
import {
  type SwarmService,
  imageParts,
  portsText,
  replicasText,
  scaledSpec,
  serviceMatches,
  serviceMode,
} from './swarm-models';
import { ServiceCreateDialog } from './service-create-dialog';
import { UpdateBadge } from '../updates/update-badge';

/** Swarm services: list (mode, replicas, image, ports, updated, ownership; filter, sort), create, scale, remove. */
@Component({
  selector: 'cap-services-page',
  imports: [CellDef, DataTable, ListPage, RouterLink, ServiceCreateDialog, UpdateBadge],
  template: `
    <cap-list-page
      title="Services"
      subtitle="Swarm services and their replicas."
      [error]="error()"
      searchLabel="Search services"
      searchPlaceholder="Search by name, image or mode (press /)"
      searchTestId="services-search"
      [(query)]="query"
      refreshTestId="services-refresh"
      (refresh)="load()"
    >
      @if (ctx.canAct(P.ResourcesCreate)) {
        <button
          listActions
          type="button"
          class="btn btn-primary"
          data-testid="service-create"
          (click)="openCreate()"
        >
          + Add service
        </button>
      }
    </cap-list-page>

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
        @if (updates()[s.ID]; as u) {
          <cap-update-badge
            [status]="u.Status"
            [message]="u.Message"
            [testId]="'service-update-' + s.Spec.Name"
          />
        }
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
      <cap-service-create-dialog (closed)="creating.set(false)" (created)="created()" />
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
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ServicesPage {
  protected readonly ctx = inject(EnvironmentContext);
  private readonly swarm = inject(SwarmApi);
  private readonly registriesApi = inject(RegistriesApi);
  /** Image update status per service id (roles that see every service). */
  protected readonly updates = signal<StatusMap>({});
  private readonly toasts = inject(ToastService);
  private readonly confirm = inject(ConfirmService);
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

  constructor() {
    reloadOnEnvironment(this.ctx, () => this.load());
  }

  async load(): Promise<void> {
    this.loading.set(true);
    try {
      const r = await this.swarm.services<SwarmService>(this.ctx.envId());
      this.ctx.noteSource(r.snapshotTime);
      this.services.set([...r.body].sort((a, b) => a.Spec.Name.localeCompare(b.Spec.Name)));
      this.error.set(null);
      if (this.ctx.can(Permission.ResourcesReadAll))
        this.registriesApi
          .serviceStatuses(this.ctx.envId())
          .then((u) => this.updates.set(u))
          .catch(() => this.updates.set({}));
    } catch (error) {
      this.error.set(`Could not load the services: ${errorMessage(error)}`);
    } finally {
      this.loading.set(false);
    }
  }

  protected openCreate(): void {
    this.creating.set(true);
  }

  /** A service was created in the dialog: close it and show the new list. */
  protected async created(): Promise<void> {
    this.creating.set(false);
    await this.load();
  }

  async scale(s: SwarmService, value: string): Promise<void> {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) {
      this.toasts.error('Replicas: a whole number, 0 or more');
      return;
    }
    try {
      await this.swarm.updateService(this.ctx.envId(), s.ID, s.Version.Index, scaledSpec(s.Spec, n));
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
      await this.swarm.removeService(this.ctx.envId(), s.ID);
      this.toasts.success(`Service ${s.Spec.Name} removed`);
    } catch (error) {
      this.toasts.error(`Could not remove ${s.Spec.Name}: ${errorMessage(error)}`);
    }
    await this.load();
  }
}
