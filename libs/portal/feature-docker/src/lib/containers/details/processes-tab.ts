import { ChangeDetectionStrategy, Component, effect, inject, input, signal, untracked } from '@angular/core';
import { ContainersApi, errorMessage } from '@capstan/portal-data-access';

interface Top {
  Titles: string[];
  Processes: string[][];
}

/** `GET /containers/{id}/top`: the container's processes, refreshed on demand. */
@Component({
  selector: 'cap-container-processes',
  template: `
    <div class="toolbar">
      <button type="button" class="btn btn-sm" data-testid="processes-refresh" (click)="load()">
        ↻ Refresh
      </button>
    </div>
    @if (error(); as message) {
      <p class="error" role="alert">{{ message }}</p>
    }
    @if (top(); as t) {
      <div class="table-wrap">
        <table class="table table-compact" data-testid="processes-table">
          <thead>
            <tr>
              @for (title of t.Titles; track $index) {
                <th scope="col">{{ title }}</th>
              }
            </tr>
          </thead>
          <tbody>
            @for (p of t.Processes; track $index) {
              <tr>
                @for (cell of p; track $index) {
                  <td>{{ cell }}</td>
                }
              </tr>
            }
          </tbody>
        </table>
      </div>
    }
  `,
  styles: `
    .table td {
      white-space: nowrap;
    }
    /* The command line. */
    .table td:last-child {
      font-family: var(--mono);
      white-space: normal;
    }
    .error {
      color: var(--danger-text);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ContainerProcesses {
  readonly envId = input.required<number>();
  readonly containerId = input.required<string>();
  private readonly containers = inject(ContainersApi);
  protected readonly top = signal<Top | null>(null);
  protected readonly error = signal<string | null>(null);

  constructor() {
    effect(() => {
      this.envId();
      this.containerId();
      untracked(() => void this.load());
    });
  }

  async load(): Promise<void> {
    try {
      this.top.set(await this.containers.top<Top>(this.envId(), this.containerId()));
      this.error.set(null);
    } catch (error) {
      this.error.set(`Could not list the processes: ${errorMessage(error)}`);
    }
  }
}
