import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import {
  EngineApi,
  StacksApi,
  ThemeService,
  errorMessage,
  stackEnv,
  stackEnvError,
  type KeyValue,
} from '@capstan/portal-data-access';
import { Alert, FormControlDirective, FormField, PageHeader, YamlEditor } from '@capstan/portal-ui';

import { KeyValueEditor } from '../resources/shared/key-value-editor';
import { EnvironmentContext } from '../shell/environment-context';
import { StackDeployLogCard } from './deploy-log';
import { DeployWatch } from './deploy-watch';

/** Largest compose file the server takes (its limit, 1 MiB). */
const MAX_FILE_BYTES = 1024 * 1024;

const EXAMPLE = `services:
  web:
    image: nginx:alpine
`;

/**
 * A new stack from a compose file typed in the editor or uploaded: name, file, env vars. A Swarm manager gets a
 * Swarm stack (its cluster id from `/info`), any other engine a compose stack. While it deploys, compose's output
 * (the deploy log) shows below; a failure shows compose's message.
 */
@Component({
  selector: 'cap-stack-create-page',
  imports: [
    Alert,
    StackDeployLogCard,
    FormField,
    FormControlDirective,
    KeyValueEditor,
    PageHeader,
    RouterLink,
    YamlEditor,
  ],
  template: `
    <cap-page-header title="Add a stack" [subtitle]="kindText()">
      <a class="btn" [routerLink]="['..']">Cancel</a>
    </cap-page-header>

    @if (!ctx.canAct(P.ResourcesCreate)) {
      <cap-alert kind="warning">Your role cannot create stacks here.</cap-alert>
    }

    <form novalidate data-testid="stack-form" (submit)="submit($event)">
      <section class="card">
        <cap-form-field
          label="Name"
          hint="Lower case letters, digits, '_' and '-'."
          [error]="submitted() ? nameError() : null"
        >
          <input
            capControl
            class="input mono"
            name="name"
            autocomplete="off"
            data-testid="stack-name"
            [value]="name()"
            (input)="name.set($any($event.target).value)"
          />
        </cap-form-field>
      </section>

      <section class="card">
        <div class="file-head">
          <h2 id="stack-file-label">Compose file</h2>
          <label class="btn upload">
            Upload a file
            <input
              type="file"
              class="sr-only"
              accept=".yml,.yaml,text/yaml,application/x-yaml"
              data-testid="stack-upload"
              (change)="upload($event)"
            />
          </label>
        </div>
        <cap-yaml-editor testId="stack-editor" label="Compose file" [dark]="dark()" [(value)]="content" />
        @if (submitted() && fileError(); as e) {
          <p class="field-error" role="alert">{{ e }}</p>
        }
      </section>

      <section class="card">
        <cap-key-value-editor
          legend="Environment variables"
          testId="stack-env"
          keyLabel="name"
          addLabel="Add variable"
          [error]="submitted() ? envError() : null"
          [(pairs)]="env"
        />
      </section>

      @if (error(); as e) {
        <cap-alert kind="error" testId="stack-create-error">{{ e }}</cap-alert>
      }
      @if (busy() || watch.log()) {
        <cap-stack-deploy-log
          [title]="busy() ? 'Deploying…' : 'Deploy output'"
          [log]="watch.log()"
          empty="Waiting for compose…"
        />
      }

      <div class="form-actions">
        <a class="btn" [routerLink]="['..']">Cancel</a>
        <button
          type="submit"
          class="btn btn-primary"
          data-testid="stack-deploy"
          [disabled]="busy() || !ctx.canAct(P.ResourcesCreate)"
        >
          {{ busy() ? 'Deploying…' : 'Deploy the stack' }}
        </button>
      </div>
    </form>
  `,
  styles: `
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
    .field-error {
      color: var(--danger, #b42318);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class StackCreatePage {
  protected readonly ctx = inject(EnvironmentContext);
  private readonly api = inject(StacksApi);
  private readonly engine = inject(EngineApi);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly theme = inject(ThemeService);
  protected readonly P = Permission;
  protected readonly dark = computed(() => this.theme.effective() === 'dark');

  protected readonly name = signal('');
  protected readonly content = signal(EXAMPLE);
  protected readonly env = signal<KeyValue[]>([]);
  protected readonly submitted = signal(false);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  /** The Swarm cluster id when the engine is a manager; '' for compose; null until known. */
  private readonly swarmId = signal<string | null>(null);
  protected readonly kindText = computed(() => {
    const id = this.swarmId();
    if (id === null) return '';
    return id
      ? 'A Swarm stack (docker stack deploy) on this cluster.'
      : 'A compose project (docker compose up).';
  });

  protected readonly nameError = computed(() => (this.name().trim() ? null : 'A stack needs a name.'));
  protected readonly fileError = computed(() => {
    const text = this.content();
    if (!text.trim()) return 'The compose file is empty.';
    if (new Blob([text]).size > MAX_FILE_BYTES) return 'The compose file is over 1 MiB.';
    return null;
  });
  protected readonly envError = computed(() => stackEnvError(this.env()));

  protected readonly watch = new DeployWatch(this.api, async () => {
    const wanted = this.name().trim().toLowerCase();
    const stacks = await this.api.list(this.ctx.envId());
    return stacks.find((s) => !s.External && s.Name === wanted)?.Id ?? null;
  });

  constructor() {
    void this.readSwarm();
    inject(DestroyRef).onDestroy(() => void this.watch.stop());
  }

  private async readSwarm(): Promise<void> {
    try {
      const { body } = await this.engine.info<{
        Swarm?: { ControlAvailable?: boolean; Cluster?: { ID?: string } };
      }>(this.ctx.envId());
      this.swarmId.set(body.Swarm?.ControlAvailable ? (body.Swarm.Cluster?.ID ?? '') : '');
    } catch {
      this.swarmId.set(this.ctx.snapshot()?.Swarm ? null : '');
    }
  }

  protected async upload(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    if (file.size > MAX_FILE_BYTES) {
      this.error.set(`${file.name} is over 1 MiB.`);
      return;
    }
    this.error.set(null);
    this.content.set(await file.text());
    if (!this.name().trim())
      this.name.set(file.name.replace(/\.(ya?ml)$/i, '').replace(/[^a-z0-9_-]/gi, '-'));
  }

  protected async submit(event: Event): Promise<void> {
    event.preventDefault();
    this.submitted.set(true);
    if (this.nameError() || this.fileError() || this.envError() || this.busy()) return;
    const swarmId = this.swarmId();
    if (swarmId === null) {
      this.error.set('The engine did not say whether it is a Swarm manager; try again when it answers.');
      return;
    }
    this.error.set(null);
    this.busy.set(true);
    this.watch.start();
    try {
      const stack = await this.api.create(this.ctx.envId(), {
        name: this.name().trim(),
        content: this.content(),
        env: stackEnv(this.env()),
        ...(swarmId ? { swarmId } : {}),
      });
      await this.watch.stop();
      await this.router.navigate(['..', stack.Id], { relativeTo: this.route });
    } catch (error) {
      await this.watch.stop();
      this.error.set(`Could not deploy the stack: ${errorMessage(error)}`);
    } finally {
      this.busy.set(false);
    }
  }
}
