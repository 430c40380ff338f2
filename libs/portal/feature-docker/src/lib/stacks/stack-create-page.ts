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
  type Stack,
} from '@capstan/portal-data-access';
import { Alert, FormControlDirective, FormField, PageHeader, YamlEditor } from '@capstan/portal-ui';

import { KeyValueEditor } from '../resources/shared/key-value-editor';
import { EnvironmentContext } from '../shell/environment-context';
import { StackDeployLogCard } from './deploy-log';
import { watchNewStack, watched } from './deploy-watch';
import { stackTarget } from './swarm-target';
import { StackGitForm, emptyGitForm, gitFormErrors, toGitSource, type GitFormValue } from './stack-git-form';

/** Where the compose file comes from (Portainer's build methods). */
export type StackSource = 'editor' | 'upload' | 'git';

const SOURCES: readonly { value: StackSource; label: string }[] = [
  { value: 'editor', label: 'Web editor' },
  { value: 'upload', label: 'Upload' },
  { value: 'git', label: 'Repository' },
];

/** Largest compose file the server takes (its limit, 1 MiB). */
const MAX_FILE_BYTES = 1024 * 1024;

const EXAMPLE = `services:
  web:
    image: nginx:alpine
`;

/**
 * A new stack: name, the compose file from the web editor, an uploaded file (sent as is, multipart) or a git
 * repository (with credentials and auto-update), env vars. A Swarm manager gets a Swarm stack (its cluster id from
 * `/info`), any other engine a compose stack. While it deploys, compose's output arrives over the progress
 * WebSocket below; a failure shows compose's message.
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
    StackGitForm,
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
        <div class="sources" role="radiogroup" aria-label="Where the compose file comes from">
          @for (src of sources; track src.value) {
            <label class="source" [class.active]="source() === src.value">
              <input
                type="radio"
                name="stack-source"
                class="sr-only"
                [attr.data-testid]="'stack-source-' + src.value"
                [checked]="source() === src.value"
                (change)="source.set(src.value)"
              />
              {{ src.label }}
            </label>
          }
        </div>
        @switch (source()) {
          @case ('editor') {
            <cap-yaml-editor testId="stack-editor" label="Compose file" [dark]="dark()" [(value)]="content" />
          }
          @case ('upload') {
            <div class="upload-box">
              <label class="btn upload">
                Choose a compose file
                <input
                  type="file"
                  class="sr-only"
                  accept=".yml,.yaml,text/yaml,application/x-yaml"
                  data-testid="stack-upload"
                  (change)="upload($event)"
                />
              </label>
              @if (file(); as f) {
                <span class="mono" data-testid="stack-upload-name">{{ f.name }}</span>
                <span class="muted">{{ sizeText(f.size) }}</span>
              } @else {
                <span class="muted">The file is sent as it is; compose reads it on the server.</span>
              }
            </div>
          }
          @case ('git') {
            <cap-stack-git-form [(value)]="git" [showErrors]="submitted()" />
          }
        }
        @if (submitted() && fileError(); as e) {
          <p class="field-error" role="alert" data-testid="stack-file-error">{{ e }}</p>
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
    .sources {
      display: inline-flex;
      flex-wrap: wrap;
      border: 1px solid var(--border);
      border-radius: 6px;
      overflow: hidden;
      margin-bottom: 0.75rem;
    }
    .source {
      padding: 0.4rem 0.9rem;
      cursor: pointer;
      border-right: 1px solid var(--border);
    }
    .source:last-child {
      border-right: 0;
    }
    .source.active {
      background: var(--accent);
      color: var(--accent-contrast);
    }
    .source:focus-within,
    .upload:focus-within {
      outline: 2px solid var(--accent);
      outline-offset: -2px;
    }
    .field-error {
      color: var(--danger-text, #b42318);
    }
    .upload-box {
      display: flex;
      flex-wrap: wrap;
      gap: 0.75rem;
      align-items: center;
      overflow-wrap: anywhere;
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

  protected readonly sources = SOURCES;
  protected readonly source = signal<StackSource>('editor');
  protected readonly name = signal('');
  protected readonly content = signal(EXAMPLE);
  protected readonly file = signal<File | null>(null);
  protected readonly git = signal<GitFormValue>(emptyGitForm());
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
    switch (this.source()) {
      case 'editor': {
        const text = this.content();
        if (!text.trim()) return 'The compose file is empty.';
        if (new Blob([text]).size > MAX_FILE_BYTES) return 'The compose file is over 1 MiB.';
        return null;
      }
      case 'upload': {
        const f = this.file();
        if (!f) return 'Choose a compose file to upload.';
        if (f.size === 0) return `${f.name} is empty.`;
        if (f.size > MAX_FILE_BYTES) return `${f.name} is over 1 MiB.`;
        return null;
      }
      case 'git':
        return Object.keys(gitFormErrors(this.git())).length ? 'Check the repository fields above.' : null;
    }
  });
  protected readonly envError = computed(() => stackEnvError(this.env()));

  protected readonly watch = watchNewStack(this.api, this.ctx.envId, this.name);

  constructor() {
    void this.readSwarm();
    inject(DestroyRef).onDestroy(() => this.watch.dispose());
  }

  private async readSwarm(): Promise<void> {
    this.swarmId.set(await stackTarget(this.engine, this.ctx));
  }

  protected upload(event: Event): void {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0] ?? null;
    input.value = '';
    if (!file) return;
    this.file.set(file);
    if (!this.name().trim())
      this.name.set(
        file.name
          .replace(/\.(ya?ml)$/i, '')
          .replace(/[^a-z0-9_-]/gi, '-')
          .toLowerCase(),
      );
  }

  protected sizeText(bytes: number): string {
    return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
  }

  /** The create request for the chosen source. */
  private send(swarmId: string): Promise<Stack> {
    const base = {
      name: this.name().trim(),
      env: stackEnv(this.env()),
      ...(swarmId ? { swarmId } : {}),
    };
    const envId = this.ctx.envId();
    switch (this.source()) {
      case 'editor':
        return this.api.create(envId, { ...base, content: this.content() });
      case 'upload':
        return this.api.createFromFile(envId, { ...base, file: this.file() as File });
      case 'git':
        return this.api.createFromRepository(envId, { ...base, git: toGitSource(this.git()) });
    }
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
    try {
      const stack = await watched(this.watch, () => this.send(swarmId));
      await this.router.navigate(['..', stack.Id], { relativeTo: this.route });
    } catch (error) {
      this.error.set(`Could not deploy the stack: ${errorMessage(error)}`);
    } finally {
      this.busy.set(false);
    }
  }
}
