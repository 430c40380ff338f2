import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { EnvironmentType, describeEdgeCron, parseEdgeCron, parseRunOnce } from '@capstan/contracts-api';
import {
  EdgeJobsApi,
  EnvironmentsApi,
  MAX_EDGE_JOB_SCRIPT,
  ThemeService,
  errorMessage,
  type EdgeJobGroup,
  type Environment,
} from '@capstan/portal-data-access';
import { Alert, FormControlDirective, FormField, PageHeader, YamlEditor } from '@capstan/portal-ui';

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const EXAMPLE = '#!/bin/sh\n# Runs on each device, as root, from its cron.\ndf -h /\n';

/** `m h D M *` for a local date-time (`YYYY-MM-DDTHH:mm`), Portainer's way of writing "once at". */
export function runOnceExpression(local: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
  if (!m) return '';
  const [, , month, day, hour, minute] = m.map(Number);
  return `${minute} ${hour} ${day} ${month} *`;
}

/** The schedule's check and its words, as the server will judge it (same parser, croner). */
export function schedulePreview(
  cron: string,
  recurring: boolean,
  now = new Date(),
): { ok: boolean; text: string } {
  if (!cron.trim())
    return { ok: false, text: recurring ? 'Type a cron expression.' : 'Pick a date and time.' };
  const r = recurring ? parseEdgeCron(cron, now) : parseRunOnce(cron, now);
  if (!r.ok) return { ok: false, text: r.error };
  const words = describeEdgeCron(r.expression) || r.expression;
  return {
    ok: true,
    text: `${recurring ? 'Runs' : 'Runs once,'} ${words}; next: ${r.next.toLocaleString()}`,
  };
}

/**
 * Create or edit an edge job: name, schedule (cron with a preview in words, or one moment), target edge
 * environments, the script (editor or upload). Saving a changed script or schedule gives a new version, which
 * devices reinstall at their next poll.
 */
@Component({
  selector: 'cap-edge-job-form-page',
  imports: [Alert, FormField, FormControlDirective, PageHeader, RouterLink, YamlEditor],
  template: `
    <cap-page-header
      [title]="id ? 'Edit edge job' : 'Add an edge job'"
      subtitle="A script each device runs from its cron."
    >
      <a class="btn" [routerLink]="id ? ['..'] : ['..']">Cancel</a>
    </cap-page-header>

    <form novalidate data-testid="edge-job-form" (submit)="submit($event)">
      <section class="card">
        <cap-form-field
          label="Name"
          hint="Letters, digits, '_', '.' and '-'."
          [error]="submitted() ? nameError() : null"
        >
          <input
            capControl
            class="input mono"
            name="name"
            autocomplete="off"
            data-testid="edge-job-name"
            [value]="name()"
            (input)="name.set($any($event.target).value)"
          />
        </cap-form-field>
      </section>

      <section class="card">
        <fieldset class="choice">
          <legend>When</legend>
          <label>
            <input
              type="radio"
              name="recurring"
              data-testid="edge-job-recurring"
              [checked]="recurring()"
              (change)="recurring.set(true)"
            />
            On a schedule
          </label>
          <label>
            <input
              type="radio"
              name="recurring"
              data-testid="edge-job-once"
              [checked]="!recurring()"
              (change)="recurring.set(false)"
            />
            Once
          </label>
        </fieldset>
        @if (recurring()) {
          <cap-form-field
            label="Cron expression"
            hint="minute hour day-of-month month day-of-week, e.g. */15 * * * *"
          >
            <input
              capControl
              class="input mono"
              name="cron"
              autocomplete="off"
              data-testid="edge-job-cron"
              [value]="cron()"
              (input)="cron.set($any($event.target).value)"
            />
          </cap-form-field>
        } @else {
          <cap-form-field label="Date and time" hint="In the device's time zone.">
            <input
              capControl
              class="input"
              type="datetime-local"
              name="at"
              data-testid="edge-job-at"
              [value]="at()"
              (input)="at.set($any($event.target).value)"
            />
          </cap-form-field>
        }
        <p class="preview" [class.bad]="!preview().ok" data-testid="edge-job-preview" aria-live="polite">
          {{ preview().text }}
        </p>
      </section>

      <section class="card">
        <fieldset data-testid="edge-job-targets">
          <legend>Edge environments</legend>
          @for (env of environments(); track env.Id) {
            <label class="target">
              <input
                type="checkbox"
                [attr.data-testid]="'edge-job-target-' + env.Id"
                [checked]="targets().includes(env.Id)"
                (change)="toggle(env.Id, $any($event.target).checked)"
              />
              {{ env.Name }}
            </label>
          } @empty {
            <p>No edge environment yet: add one under Environments.</p>
          }
        </fieldset>
        <fieldset data-testid="edge-job-groups">
          <legend>Edge groups</legend>
          @for (g of groupList(); track g.Id) {
            <label class="target">
              <input
                type="checkbox"
                [attr.data-testid]="'edge-job-group-' + g.Id"
                [checked]="groups().includes(g.Id)"
                (change)="toggleGroup(g.Id, $any($event.target).checked)"
              />
              {{ g.Name }}
              <span class="muted"
                >({{ g.Endpoints.length }} environment{{ g.Endpoints.length === 1 ? '' : 's' }})</span
              >
            </label>
          } @empty {
            <p class="muted">No edge group.</p>
          }
        </fieldset>
        @if (submitted() && targetError(); as e) {
          <p class="field-error" role="alert">{{ e }}</p>
        }
      </section>

      <section class="card">
        <div class="file-head">
          <h2>Script</h2>
          <label class="btn upload">
            Upload a file
            <input type="file" class="sr-only" data-testid="edge-job-upload" (change)="upload($event)" />
          </label>
        </div>
        <cap-yaml-editor testId="edge-job-editor" label="Script" [dark]="dark()" [(value)]="script" />
        @if (submitted() && scriptError(); as e) {
          <p class="field-error" role="alert">{{ e }}</p>
        }
      </section>

      @if (error(); as e) {
        <cap-alert kind="error" testId="edge-job-error">{{ e }}</cap-alert>
      }
      <div class="form-actions">
        <a class="btn" [routerLink]="['..']">Cancel</a>
        <button type="submit" class="btn btn-primary" data-testid="edge-job-save" [disabled]="busy()">
          {{ busy() ? 'Saving…' : id ? 'Save' : 'Create the job' }}
        </button>
      </div>
    </form>
  `,
  styles: `
    .choice {
      display: flex;
      flex-wrap: wrap;
      gap: 1rem;
      border: 0;
      padding: 0;
      margin: 0 0 0.75rem;
    }
    .preview {
      margin: 0.25rem 0 0;
    }
    .preview.bad,
    .field-error {
      color: var(--danger, #b42318);
    }
    .muted {
      opacity: 0.7;
    }
    .target {
      display: flex;
      gap: 0.5rem;
      align-items: center;
      padding: 0.2rem 0;
      overflow-wrap: anywhere;
    }
    fieldset {
      border: 0;
      padding: 0;
      margin: 0;
    }
    legend {
      font-weight: 600;
      margin-bottom: 0.4rem;
    }
    .file-head {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      justify-content: space-between;
      gap: 0.5rem;
      margin-bottom: 0.5rem;
    }
    .file-head h2 {
      font-size: 1rem;
      margin: 0;
    }
    .upload:focus-within {
      outline: 2px solid var(--focus, #2563eb);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EdgeJobFormPage {
  private readonly api = inject(EdgeJobsApi);
  private readonly environmentsApi = inject(EnvironmentsApi);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly theme = inject(ThemeService);
  protected readonly dark = computed(() => this.theme.effective() === 'dark');
  protected readonly id = Number(this.route.snapshot.paramMap.get('id')) || 0;

  protected readonly name = signal('');
  protected readonly recurring = signal(true);
  protected readonly cron = signal('0 * * * *');
  protected readonly at = signal('');
  protected readonly script = signal(EXAMPLE);
  protected readonly targets = signal<number[]>([]);
  protected readonly groups = signal<number[]>([]);
  protected readonly groupList = signal<EdgeJobGroup[]>([]);
  protected readonly environments = signal<Environment[]>([]);
  protected readonly submitted = signal(false);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);

  protected readonly expression = computed(() =>
    this.recurring() ? this.cron() : runOnceExpression(this.at()),
  );
  protected readonly preview = computed(() => schedulePreview(this.expression(), this.recurring()));
  protected readonly nameError = computed(() =>
    NAME.test(this.name()) ? null : 'A name of letters, digits, _ . - (starting with a letter or digit).',
  );
  protected readonly targetError = computed(() =>
    this.targets().length || this.groups().length
      ? null
      : 'Pick at least one edge environment or edge group.',
  );
  protected readonly scriptError = computed(() => {
    if (!this.script().trim()) return 'The script is empty.';
    if (new Blob([this.script()]).size > MAX_EDGE_JOB_SCRIPT) return 'The script is over 64 KiB.';
    return null;
  });

  constructor() {
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const [page, groups] = await Promise.all([
        this.environmentsApi.list({ types: [EnvironmentType.EdgeAgent, EnvironmentType.EdgeKubernetes] }),
        this.api.groups(),
      ]);
      this.environments.set(page.items);
      this.groupList.set(groups);
      if (this.id) {
        const [job, script] = await Promise.all([this.api.get(this.id), this.api.script(this.id)]);
        this.name.set(job.Name);
        this.recurring.set(job.Recurring);
        if (job.Recurring) this.cron.set(job.CronExpression);
        else this.at.set(localMoment(job.CronExpression));
        this.targets.set(Object.keys(job.Endpoints).map(Number));
        this.groups.set(job.EdgeGroups);
        this.script.set(script);
      }
    } catch (e) {
      this.error.set(errorMessage(e));
    }
  }

  protected toggle(id: number, on: boolean): void {
    this.targets.update((t) => (on ? [...new Set([...t, id])] : t.filter((x) => x !== id)));
  }

  protected toggleGroup(id: number, on: boolean): void {
    this.groups.update((g) => (on ? [...new Set([...g, id])] : g.filter((x) => x !== id)));
  }

  protected async upload(event: Event): Promise<void> {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (file) this.script.set(await file.text());
  }

  protected async submit(event: Event): Promise<void> {
    event.preventDefault();
    this.submitted.set(true);
    this.error.set(null);
    if (this.nameError() || this.targetError() || this.scriptError() || !this.preview().ok) return;
    this.busy.set(true);
    try {
      const form = {
        name: this.name(),
        cronExpression: this.expression(),
        recurring: this.recurring(),
        endpoints: this.targets(),
        edgeGroups: this.groups(),
        script: this.script(),
      };
      const job = this.id ? await this.api.update(this.id, form) : await this.api.create(form);
      await this.router.navigate(['/edge/jobs', job.Id]);
    } catch (e) {
      this.error.set(errorMessage(e));
    } finally {
      this.busy.set(false);
    }
  }
}

/** `m h D M *` back to a datetime-local value in the coming year. */
function localMoment(expression: string): string {
  const [m, h, d, mo] = expression.split(' ').map(Number);
  if ([m, h, d, mo].some((x) => x === undefined || Number.isNaN(x))) return '';
  const now = new Date();
  let year = now.getFullYear();
  if (new Date(year, (mo ?? 1) - 1, d, h, m) < now) year += 1;
  const two = (x: number | undefined) => String(x ?? 0).padStart(2, '0');
  return `${year}-${two(mo)}-${two(d)}T${two(h)}:${two(m)}`;
}
