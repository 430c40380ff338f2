import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import {
  LoadState,
  STACK_ACTIVE,
  StacksApi,
  errorMessage,
  stackGit,
  type Stack,
} from '@capstan/portal-data-access';
import {
  CellDef,
  DataTable,
  ListPage,
  RelativeTime,
  type TableColumn,
  confirmedAction,
  ToastService,
} from '@capstan/portal-ui';

import { reloadOnEnvironment } from '../resources/shared/reload';
import { EnvironmentContext } from '../shell/environment-context';
import { canManageStack, stackStatusLabel, stackTypeLabel } from './stack-labels';

/**
 * Stacks of one environment: Capstan's (a Git badge on those deployed from a repository) and those made outside it
 * (external), with start, stop and delete.
 */
@Component({
  selector: 'cap-stacks-page',
  imports: [ListPage, DataTable, CellDef, RelativeTime, RouterLink],
  template: `
    <cap-list-page
      title="Stacks"
      subtitle="Compose projects and Swarm stacks, deployed from a compose file."
      [error]="state.error()"
      searchLabel="Search stacks"
      searchPlaceholder="Search by name or owner (press /)"
      searchTestId="stack-search"
      [(query)]="query"
      refreshTestId="stack-refresh"
      (refresh)="load()"
    >
      @if (ctx.canAct(P.ResourcesCreate)) {
        <a listActions class="btn btn-primary" routerLink="new" data-testid="stack-create">+ Add stack</a>
      }
    </cap-list-page>

    <cap-data-table
      caption="Stacks"
      [columns]="columns"
      [rows]="filtered()"
      [loading]="state.loading()"
      [rowTestId]="rowTestId"
      [pageSize]="25"
      emptyMessage="No stacks."
    >
      <ng-template capCell="Name" [capCellOf]="filtered()" let-row>
        @if (row.External) {
          <span class="name">{{ row.Name }}</span>
          <span class="badge" [attr.data-testid]="'stack-external-' + row.Name" title="Made outside Capstan"
            >External</span
          >
        } @else {
          <a class="name" [routerLink]="[row.Id]" [attr.data-testid]="'stack-link-' + row.Name">{{
            row.Name
          }}</a>
          @if (gitOf(row); as g) {
            <span class="badge" [attr.data-testid]="'stack-git-' + row.Name" [attr.title]="g.URL">Git</span>
          }
        }
      </ng-template>
      <ng-template capCell="Status" [capCellOf]="filtered()" let-row>
        <span
          class="badge"
          [class.ok]="row.Status === ACTIVE"
          [attr.data-testid]="'stack-status-' + row.Name"
          >{{ status(row) }}</span
        >
      </ng-template>
      <ng-template capCell="CreationDate" [capCellOf]="filtered()" let-row>
        @if (row.CreationDate) {
          <cap-time [value]="row.CreationDate" />
        } @else {
          —
        }
      </ng-template>
      <ng-template capCell="actions" [capCellOf]="filtered()" let-row>
        @if (manage(row)) {
          @if (!row.External) {
            @if (row.Status === ACTIVE) {
              <button
                type="button"
                class="btn-link"
                [disabled]="busy() === row.Id"
                [attr.data-testid]="'stack-stop-' + row.Name"
                (click)="stop(row)"
              >
                Stop
              </button>
            } @else {
              <button
                type="button"
                class="btn-link"
                [disabled]="busy() === row.Id"
                [attr.data-testid]="'stack-start-' + row.Name"
                (click)="start(row)"
              >
                Start
              </button>
            }
          }
          <button
            type="button"
            class="btn-link danger"
            [attr.data-testid]="'stack-delete-' + row.Name"
            (click)="remove(row)"
          >
            Delete
          </button>
        }
      </ng-template>
    </cap-data-table>
  `,
  styles: `
    .name {
      overflow-wrap: anywhere;
      margin-right: 0.4rem;
    }
    .badge.ok {
      color: var(--ok, #1a7f37);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class StacksPage {
  protected readonly ctx = inject(EnvironmentContext);
  private readonly api = inject(StacksApi);
  private readonly toasts = inject(ToastService);
  private readonly confirmed = confirmedAction();
  protected readonly P = Permission;
  protected readonly ACTIVE = STACK_ACTIVE;
  protected readonly status = stackStatusLabel;
  protected readonly gitOf = stackGit;

  protected readonly columns: TableColumn<Stack>[] = [
    { key: 'Name', label: 'Name', sortable: true },
    { key: 'Type', label: 'Type', sortable: true, value: stackTypeLabel },
    { key: 'Status', label: 'Status', sortable: true, value: stackStatusLabel },
    { key: 'CreationDate', label: 'Created', sortable: true, secondary: true, value: (s) => s.CreationDate },
    { key: 'CreatedBy', label: 'Owner', sortable: true, secondary: true },
    { key: 'actions', label: 'Actions' },
  ];
  protected readonly rowTestId = (s: Stack): string => `stack-row-${s.Name}`;

  protected readonly stacks = signal<Stack[]>([]);
  protected readonly state = new LoadState();
  protected readonly query = signal('');
  protected readonly busy = signal<number | null>(null);
  protected readonly filtered = computed(() => {
    const q = this.query().trim().toLowerCase();
    if (!q) return this.stacks();
    return this.stacks().filter(
      (s) => s.Name.toLowerCase().includes(q) || (s.CreatedBy ?? '').toLowerCase().includes(q),
    );
  });

  constructor() {
    reloadOnEnvironment(this.ctx, () => this.load());
  }

  async load(): Promise<void> {
    await this.state.run('the stacks', async () => {
      this.stacks.set(await this.api.list(this.ctx.envId()));
    });
  }

  protected manage(stack: Stack): boolean {
    return canManageStack(this.ctx, stack);
  }

  protected start(stack: Stack): Promise<void> {
    return this.lifecycle(stack, 'started', () => this.api.start(stack));
  }

  protected stop(stack: Stack): Promise<void> {
    return this.lifecycle(stack, 'stopped', () => this.api.stop(stack));
  }

  private async lifecycle(stack: Stack, done: string, run: () => Promise<unknown>): Promise<void> {
    this.busy.set(stack.Id);
    try {
      await run();
      this.toasts.success(`Stack ${stack.Name} ${done}`);
      await this.load();
    } catch (error) {
      this.toasts.error(`Could not change ${stack.Name}: ${errorMessage(error)}`);
    } finally {
      this.busy.set(null);
    }
  }

  protected remove(stack: Stack): Promise<void> {
    return this.confirmed({
      title: 'Delete stack',
      message: `Delete the stack ${stack.Name}? Its containers${stack.External ? '' : ', record and files'} are removed.`,
      confirmLabel: 'Delete',
      run: () => this.api.remove(stack),
      done: `Stack ${stack.Name} deleted`,
      then: () => this.load(),
      failed: (error) => `Could not delete ${stack.Name}: ${errorMessage(error)}`,
    });
  }
}
