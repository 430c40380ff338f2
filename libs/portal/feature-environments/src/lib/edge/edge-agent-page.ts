import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import {
  EdgeApi,
  edgeDockerRunCommand,
  edgeStackDeployCommand,
  errorMessage,
} from '@capstan/portal-data-access';
import { Alert, FormControlDirective, FormField, PageHeader } from '@capstan/portal-ui';
import { CommandBlock } from './command-block';

/** What the page shows once a key exists: for one new environment, or a global key (auto-onboarding). */
interface Issued {
  readonly key: string;
  readonly environmentId?: number;
  readonly name?: string;
}

/**
 * Add an edge agent: an edge environment and its key (or a global key for auto-onboarding), then the commands that
 * start the agent — `docker run` on one host, `docker stack deploy` on a Swarm — in standard or async mode.
 */
@Component({
  selector: 'cap-edge-agent-page',
  imports: [Alert, CommandBlock, FormControlDirective, FormField, PageHeader, RouterLink],
  template: `
    <cap-page-header
      title="Add an edge agent"
      subtitle="The agent reaches this server (outbound only): it works behind NAT and firewalls."
    >
      <a class="btn" routerLink="/environments/edge/waiting-room">Waiting room</a>
      <a class="btn" routerLink="/environments/edge/settings">Edge settings</a>
    </cap-page-header>

    <form class="card form" novalidate (submit)="create($event)">
      <cap-form-field label="Name" [required]="true" [error]="nameError()">
        <input
          capControl
          class="input"
          data-testid="edge-name"
          [value]="name()"
          (input)="name.set($any($event.target).value)"
        />
      </cap-form-field>
      <cap-form-field
        label="Server URL"
        hint="The address the agents reach this server at (put in the key); the edge settings may override it."
      >
        <input
          capControl
          class="input mono"
          data-testid="edge-url"
          [value]="url()"
          (input)="url.set($any($event.target).value)"
        />
      </cap-form-field>
      <cap-form-field label="Poll interval (seconds)" hint="0 uses the edge settings' default.">
        <input
          capControl
          class="input narrow"
          type="number"
          min="0"
          max="3600"
          data-testid="edge-checkin"
          [value]="checkin()"
          (input)="checkin.set(+$any($event.target).value)"
        />
      </cap-form-field>
      <fieldset class="modes">
        <legend class="label">Mode</legend>
        <label
          ><input
            type="radio"
            name="mode"
            data-testid="edge-mode-standard"
            [checked]="!async()"
            (change)="async.set(false)"
          />
          Standard — polls; the server opens a tunnel when someone needs the environment (consoles, live
          logs)</label
        >
        <label
          ><input
            type="radio"
            name="mode"
            data-testid="edge-mode-async"
            [checked]="async()"
            (change)="async.set(true)"
          />
          Async — no tunnel: snapshots, and actions queued as commands (satellite and metered links)</label
        >
      </fieldset>
      <label class="check"
        ><input
          type="checkbox"
          data-testid="edge-insecure"
          [checked]="insecure()"
          (change)="insecure.set($any($event.target).checked)"
        />
        The server uses a self-signed HTTPS certificate (EDGE_INSECURE_POLL)</label
      >
      @if (error(); as message) {
        <cap-alert kind="error">{{ message }}</cap-alert>
      }
      <div class="actions">
        <button type="submit" class="btn btn-primary" data-testid="edge-create" [disabled]="busy()">
          Create the environment and its key
        </button>
        <button
          type="button"
          class="btn"
          data-testid="edge-global-key"
          [disabled]="busy()"
          (click)="globalKey()"
        >
          Global key (auto-onboarding)
        </button>
      </div>
    </form>

    @if (issued(); as i) {
      <section class="card" data-testid="edge-issued" aria-live="polite">
        @if (i.environmentId) {
          <p>
            Environment <strong>{{ i.name }}</strong> created.
            <a [routerLink]="['/environments', i.environmentId, 'edge']">Its status</a> shows the first
            check-in.
          </p>
        } @else {
          <p>
            Agents started with this global key appear in the
            <a routerLink="/environments/edge/waiting-room">waiting room</a> until an administrator trusts
            them (or at once with automatic trust). Give each device its own EDGE_ID.
          </p>
        }
        <cap-command-block title="Edge key" testId="edge-key" [text]="i.key" />
        <cap-command-block title="docker run (one host)" testId="edge-docker-run" [text]="dockerRun()" />
        <cap-command-block
          title="docker stack deploy (Swarm; deploy/edge-agent-stack.yml)"
          testId="edge-stack-deploy"
          [text]="stackDeploy()"
        />
      </section>
    }
  `,
  styles: `
    .form {
      max-width: 44rem;
    }
    .narrow {
      max-width: 8rem;
    }
    .modes {
      border: 0;
      padding: 0;
      margin: 0 0 1rem;
      display: grid;
      gap: 0.4rem;
    }
    .label {
      font-weight: 600;
      font-size: 0.9rem;
      margin-bottom: 0.3rem;
    }
    .check {
      display: block;
      margin-bottom: 1rem;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
    }
    .card {
      margin-bottom: 1rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EdgeAgentPage {
  private readonly api = inject(EdgeApi);

  protected readonly name = signal('');
  protected readonly url = signal(typeof location === 'undefined' ? '' : location.origin);
  protected readonly checkin = signal(0);
  protected readonly async = signal(false);
  protected readonly insecure = signal(false);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly submitted = signal(false);
  protected readonly issued = signal<Issued | null>(null);
  /** One edge id per device: a fresh one for each key shown. */
  protected readonly edgeId = signal(newEdgeId());

  protected readonly nameError = computed(() =>
    this.submitted() && this.name().trim() === '' ? 'A name is required' : null,
  );
  private readonly commandOptions = computed(() => ({
    key: this.issued()?.key ?? '',
    edgeId: this.edgeId(),
    async: this.async(),
    insecurePoll: this.insecure(),
  }));
  protected readonly dockerRun = computed(() => edgeDockerRunCommand(this.commandOptions()));
  protected readonly stackDeploy = computed(() => edgeStackDeployCommand(this.commandOptions()));

  protected async create(event: Event): Promise<void> {
    event.preventDefault();
    this.submitted.set(true);
    if (this.nameError() || this.busy()) return;
    await this.run(async () => {
      const env = await this.api.create({
        name: this.name(),
        url: this.url(),
        checkinInterval: this.checkin(),
      });
      this.issued.set({ key: env.EdgeKey ?? '', environmentId: env.Id, name: env.Name });
    });
  }

  protected async globalKey(): Promise<void> {
    await this.run(async () => this.issued.set({ key: await this.api.globalKey() }));
  }

  private async run(work: () => Promise<void>): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    try {
      await work();
      this.edgeId.set(newEdgeId());
    } catch (e) {
      this.error.set(errorMessage(e));
    } finally {
      this.busy.set(false);
    }
  }
}

function newEdgeId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `edge-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}
