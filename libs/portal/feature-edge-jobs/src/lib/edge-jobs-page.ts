import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { EdgeJobsApi, LoadState, errorMessage, type EdgeJob } from '@capstan/portal-data-access';
import {
  CellDef,
  DataTable,
  ListPage,
  RelativeTime,
  confirmedAction,
  type TableColumn,
} from '@capstan/portal-ui';

import { scheduleLabel, targetsLabel } from './edge-job-labels';

/** Edge jobs: scripts on a schedule for edge devices; their schedule in words, targets and next run. */
@Component({
  selector: 'cap-edge-jobs-page',
  imports: [CellDef, DataTable, ListPage, RelativeTime, RouterLink],
  template: `
    <cap-list-page
      title="Edge jobs"
      subtitle="Scripts that edge devices run on a schedule (their cron), with logs collected on request."
      [error]="state.error()"
      searchLabel="Search edge jobs"
      searchPlaceholder="Search by name (press /)"
      searchTestId="edge-job-search"
      [(query)]="query"
      refreshTestId="edge-job-refresh"
      (refresh)="load()"
    >
      <a listActions class="btn btn-primary" routerLink="new" data-testid="edge-job-create">+ Add edge job</a>
    </cap-list-page>

    <cap-data-table
      caption="Edge jobs"
      [columns]="columns"
      [rows]="filtered()"
      [loading]="state.loading()"
      [rowTestId]="rowTestId"
      [pageSize]="25"
      emptyMessage="No edge job."
    >
      <ng-template capCell="Name" [capCellOf]="filtered()" let-row>
        <a class="name" [routerLink]="[row.Id]" [attr.data-testid]="'edge-job-link-' + row.Name">{{
          row.Name
        }}</a>
      </ng-template>
      <ng-template capCell="CronExpression" [capCellOf]="filtered()" let-row>
        <span [attr.data-testid]="'edge-job-schedule-' + row.Name">{{ schedule(row) }}</span>
        <code class="cron">{{ row.CronExpression }}</code>
      </ng-template>
      <ng-template capCell="NextRun" [capCellOf]="filtered()" let-row>
        @if (row.NextRun) {
          <cap-time [value]="row.NextRun" />
        } @else {
          —
        }
      </ng-template>
      <ng-template capCell="actions" [capCellOf]="filtered()" let-row>
        <a class="btn-link" [routerLink]="[row.Id, 'edit']" [attr.data-testid]="'edge-job-edit-' + row.Name"
          >Edit</a
        >
        <button
          type="button"
          class="btn-link danger"
          [attr.data-testid]="'edge-job-delete-' + row.Name"
          (click)="remove(row)"
        >
          Delete
        </button>
      </ng-template>
    </cap-data-table>
  `,
  styles: `
    .name {
      overflow-wrap: anywhere;
    }
    .cron {
      display: block;
      font-size: 0.8rem;
      opacity: 0.75;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EdgeJobsPage {
  private readonly api = inject(EdgeJobsApi);
  private readonly confirmed = confirmedAction();
  protected readonly schedule = scheduleLabel;

  protected readonly columns: TableColumn<EdgeJob>[] = [
    { key: 'Name', label: 'Name', sortable: true },
    { key: 'CronExpression', label: 'Schedule', value: scheduleLabel },
    { key: 'targets', label: 'Targets', secondary: true, value: targetsLabel },
    { key: 'NextRun', label: 'Next run', sortable: true, secondary: true, value: (j) => j.NextRun ?? 0 },
    { key: 'Version', label: 'Version', sortable: true, secondary: true },
    { key: 'actions', label: 'Actions' },
  ];
  protected readonly rowTestId = (j: EdgeJob): string => `edge-job-row-${j.Name}`;

  protected readonly jobs = signal<EdgeJob[]>([]);
  protected readonly state = new LoadState();
  protected readonly query = signal('');
  protected readonly filtered = computed(() => {
    const q = this.query().trim().toLowerCase();
    return q ? this.jobs().filter((j) => j.Name.toLowerCase().includes(q)) : this.jobs();
  });

  constructor() {
    void this.load();
  }

  async load(): Promise<void> {
    await this.state.run('the edge jobs', async () => this.jobs.set(await this.api.list()));
  }

  protected remove(job: EdgeJob): Promise<void> {
    return this.confirmed({
      title: 'Delete edge job',
      message: `Delete the edge job ${job.Name}? Devices remove it from their cron at their next poll; collected logs are deleted.`,
      confirmLabel: 'Delete',
      run: () => this.api.remove(job.Id),
      done: `Edge job ${job.Name} deleted`,
      then: () => this.load(),
      failed: (error) => `Could not delete ${job.Name}: ${errorMessage(error)}`,
    });
  }
}
