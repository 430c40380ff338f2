import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { EnvironmentType } from '@capstan/contracts-api';
import {
  EdgeComputeApi,
  EnvironmentsApi,
  LoadState,
  errorMessage,
  type EdgeGroup,
  type Environment,
  type EnvironmentTag,
} from '@capstan/portal-data-access';
import {
  Alert,
  CellDef,
  DataTable,
  ListPage,
  ToastService,
  type TableColumn,
  confirmedAction,
} from '@capstan/portal-ui';
import { toggleId } from './id-set';

const EDGE_TYPES = [EnvironmentType.EdgeAgent, EnvironmentType.EdgeKubernetes];

/** Edge groups: static (chosen edge environments) or dynamic (by tags, all or any); members; delete when unused. */
@Component({
  selector: 'cap-edge-groups-page',
  imports: [Alert, CellDef, DataTable, ListPage, RouterLink],
  template: `
    <cap-list-page
      title="Edge groups"
      subtitle="Fleets of edge devices: listed, or matched by their tags."
      [error]="state.error()"
    >
      <a listActions class="btn" routerLink="/environments/edge-stacks" data-testid="edge-stacks-link"
        >Edge stacks</a
      >
      <a listActions class="btn" routerLink="/environments">‹ Environments</a>
    </cap-list-page>

    <form class="card form" novalidate (submit)="create($event)" data-testid="edge-group-form">
      <label>
        <span>Name</span>
        <input
          class="input"
          data-testid="edge-group-name"
          [value]="name()"
          (input)="name.set($any($event.target).value)"
        />
      </label>
      <fieldset class="choice">
        <legend>Members</legend>
        <label
          ><input type="radio" name="kind" [checked]="!dynamic()" (change)="dynamic.set(false)" />
          Static</label
        >
        <label>
          <input
            type="radio"
            name="kind"
            data-testid="edge-group-dynamic"
            [checked]="dynamic()"
            (change)="dynamic.set(true)"
          />
          Dynamic (tags)
        </label>
      </fieldset>
      @if (dynamic()) {
        <fieldset class="picks" data-testid="edge-group-tags">
          <legend>Tags</legend>
          @for (t of tags(); track t.ID) {
            <label
              ><input type="checkbox" [checked]="tagIds().has(t.ID)" (change)="toggle(tagIds, t.ID)" />
              {{ t.Name }}</label
            >
          } @empty {
            <span class="muted">No tag yet.</span>
          }
        </fieldset>
        <label class="inline">
          <input type="checkbox" [checked]="partial()" (change)="partial.set(!partial())" />
          Any of the tags (partial match) instead of all
        </label>
      } @else {
        <fieldset class="picks" data-testid="edge-group-envs">
          <legend>Edge environments</legend>
          @for (e of edgeEnvs(); track e.Id) {
            <label
              ><input type="checkbox" [checked]="envIds().has(e.Id)" (change)="toggle(envIds, e.Id)" />
              {{ e.Name }}</label
            >
          } @empty {
            <span class="muted">No edge environment yet.</span>
          }
        </fieldset>
      }
      @if (formError(); as message) {
        <cap-alert kind="error">{{ message }}</cap-alert>
      }
      <button
        type="submit"
        class="btn btn-primary"
        data-testid="edge-group-create"
        [disabled]="busy() || !name().trim()"
      >
        + Create edge group
      </button>
    </form>

    <cap-data-table
      caption="Edge groups"
      [columns]="columns"
      [rows]="groups()"
      [loading]="state.loading()"
      [rowTestId]="rowTestId"
      emptyMessage="No edge group yet."
    >
      <ng-template capCell="members" [capCellOf]="groups()" let-row>{{ membersOf(row) }}</ng-template>
      <ng-template capCell="actions" [capCellOf]="groups()" let-row>
        <button
          type="button"
          class="btn-link danger"
          [disabled]="row.HasEdgeStack || row.HasEdgeJob"
          [title]="row.HasEdgeStack || row.HasEdgeJob ? 'Used by an edge stack or job' : ''"
          [attr.data-testid]="'edge-group-delete-' + row.Name"
          (click)="remove(row)"
        >
          Delete
        </button>
      </ng-template>
    </cap-data-table>
  `,
  styles: `
    .form {
      display: grid;
      gap: 0.75rem;
      max-width: 40rem;
      margin-bottom: 1rem;
    }
    .choice,
    .picks {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 1rem;
      border: 0;
      padding: 0;
    }
    .inline {
      display: flex;
      gap: 0.5rem;
      align-items: center;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EdgeGroupsPage {
  private readonly api = inject(EdgeComputeApi);
  private readonly environments = inject(EnvironmentsApi);
  private readonly toasts = inject(ToastService);
  private readonly act = confirmedAction();

  protected readonly groups = signal<EdgeGroup[]>([]);
  protected readonly tags = signal<EnvironmentTag[]>([]);
  protected readonly edgeEnvs = signal<Environment[]>([]);
  protected readonly state = new LoadState();
  protected readonly name = signal('');
  protected readonly dynamic = signal(false);
  protected readonly partial = signal(false);
  protected readonly tagIds = signal(new Set<number>());
  protected readonly envIds = signal(new Set<number>());
  protected readonly busy = signal(false);
  protected readonly formError = signal<string | null>(null);
  private readonly envNames = computed(() => new Map(this.edgeEnvs().map((e) => [e.Id, e.Name])));
  private readonly tagNames = computed(() => new Map(this.tags().map((t) => [t.ID, t.Name])));
  protected readonly columns: TableColumn<EdgeGroup>[] = [
    { key: 'Name', label: 'Name', sortable: true },
    {
      key: 'kind',
      label: 'Type',
      sortable: true,
      value: (g) =>
        g.Dynamic
          ? `Dynamic: ${g.PartialMatch ? 'any' : 'all'} of ${g.TagIds.map((t) => this.tagNames().get(t) ?? t).join(', ')}`
          : 'Static',
    },
    { key: 'members', label: 'Environments', value: (g) => g.Endpoints.length },
    { key: 'used', label: 'Used by', secondary: true, value: (g) => usedBy(g) },
    { key: 'actions', label: 'Actions' },
  ];
  protected readonly rowTestId = (g: EdgeGroup): string => `edge-group-row-${g.Name}`;

  constructor() {
    void this.load();
  }

  protected membersOf(g: EdgeGroup): string {
    if (g.Endpoints.length === 0) return 'none';
    return g.Endpoints.map((id) => this.envNames().get(id) ?? `#${id}`).join(', ');
  }

  protected readonly toggle = toggleId;

  protected async create(event: Event): Promise<void> {
    event.preventDefault();
    if (this.busy() || !this.name().trim()) return;
    this.busy.set(true);
    this.formError.set(null);
    try {
      await this.api.createGroup({
        name: this.name(),
        dynamic: this.dynamic(),
        tagIds: [...this.tagIds()],
        environmentIds: [...this.envIds()],
        partialMatch: this.partial(),
      });
      this.toasts.success(`Edge group ${this.name().trim()} created`);
      this.name.set('');
      this.tagIds.set(new Set());
      this.envIds.set(new Set());
      await this.load();
    } catch (error) {
      this.formError.set(errorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }

  protected async remove(g: EdgeGroup): Promise<void> {
    await this.act({
      title: 'Delete edge group',
      message: `Delete the edge group ${g.Name}?`,
      confirmLabel: 'Delete',
      run: () => this.api.removeGroup(g.Id),
      done: `Edge group ${g.Name} deleted`,
      then: () => this.load(),
      failed: (error) => `Could not delete ${g.Name}: ${errorMessage(error)}`,
    });
  }

  private async load(): Promise<void> {
    await this.state.run('the edge groups', async () => {
      const [groups, tags, envs] = await Promise.all([
        this.api.groups(),
        this.environments.tags(),
        this.environments.list({ types: EDGE_TYPES }),
      ]);
      this.groups.set(groups);
      this.tags.set(tags);
      this.edgeEnvs.set(envs.items);
    });
  }
}

function usedBy(g: EdgeGroup): string {
  const uses = [g.HasEdgeStack ? 'edge stacks' : '', g.HasEdgeJob ? 'edge jobs' : ''].filter(Boolean);
  return uses.join(', ') || '—';
}
