import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import { type Environment, environmentTypeLabel } from '@capstan/portal-data-access';
import { RelativeTime } from '@capstan/portal-ui';

/** The home page's compact view: one row per environment. */
@Component({
  selector: 'cap-environment-list',
  imports: [RelativeTime, RouterLink],
  template: `
    <div class="table-wrap">
      <table class="table">
        <caption class="sr-only">
          Environments
        </caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Status</th>
            <th scope="col" class="secondary">Type</th>
            <th scope="col">Snapshot</th>
            <th scope="col" class="secondary">Engine</th>
            <th scope="col">Containers</th>
            <th scope="col" class="secondary">Images</th>
            <th scope="col" class="secondary">Volumes</th>
            <th scope="col" class="secondary">Networks</th>
            <th scope="col" class="secondary">Group · tags</th>
          </tr>
        </thead>
        <tbody>
          @for (e of envs(); track e.Id) {
            @let s = e.Snapshots[0];
            <tr [attr.data-testid]="'env-row-' + e.Name">
              <td>
                <a [routerLink]="['/environments', e.Id, 'docker', 'dashboard']">{{ e.Name }}</a>
              </td>
              <td>
                <span
                  class="badge"
                  [class.badge-success]="e.Status === 1"
                  [class.badge-danger]="e.Status !== 1"
                  >{{ e.Status === 1 ? 'Up' : 'Down' }}</span
                >
              </td>
              <td class="secondary">{{ typeLabel(e) }}</td>
              @if (s) {
                <td><cap-time [value]="s.Time" /></td>
                <td class="secondary">{{ s.DockerVersion }} · {{ s.TotalCPU }} CPU</td>
                <td>
                  {{ s.RunningContainerCount }} running · {{ s.StoppedContainerCount }} stopped
                  @if (s.UnhealthyContainerCount > 0) {
                    · <span class="bad">{{ s.UnhealthyContainerCount }} unhealthy</span>
                  }
                </td>
                <td class="secondary">{{ s.ImageCount }}</td>
                <td class="secondary">{{ s.VolumeCount }}</td>
                <td class="secondary">{{ s.NetworkCount }}</td>
              } @else {
                <td colspan="6" class="muted">No snapshot yet</td>
              }
              <td class="secondary">
                {{ groupNames()[e.GroupId] ?? '' }}
                @for (id of e.TagIds; track id) {
                  <span class="badge badge-accent">{{ tagNames()[id] ?? id }}</span>
                }
              </td>
            </tr>
          }
        </tbody>
      </table>
    </div>
  `,
  styles: `
    .bad {
      color: var(--danger-text);
    }
    @media (max-width: 768px) {
      .secondary {
        display: none;
      }
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EnvironmentList {
  readonly envs = input.required<readonly Environment[]>();
  readonly groupNames = input<Readonly<Partial<Record<number, string>>>>({});
  readonly tagNames = input<Readonly<Partial<Record<number, string>>>>({});

  protected readonly typeLabel = environmentTypeLabel;
}
