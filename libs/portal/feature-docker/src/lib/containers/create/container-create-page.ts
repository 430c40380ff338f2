import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import {
  ContainersApi,
  ImagesApi,
  NetworksApi,
  VolumesApi,
  DockerEnvironmentApi,
  SessionStore,
  TeamsApi,
  UsersApi,
  errorMessage,
} from '@capstan/portal-data-access';
import { Alert, FormControlDirective, FormField, PageHeader, ToastService } from '@capstan/portal-ui';

import type { ContainerInspect, Ownership } from '../../shared/docker-models';
import { KeyValueEditor } from '../../resources/shared/key-value-editor';
import { MountRows } from '../../resources/shared/mount-rows';
import { EnvironmentContext } from '../../shell/environment-context';
import {
  type ContainerForm,
  type PortRow,
  type RestartPolicy,
  emptyForm,
  formFromInspect,
  mergeEnv,
  parseEnvFile,
  validateForm,
} from './container-form';
import { createContainer, recreateContainer } from './create-flow';

/**
 * Create a container (`containers/new`), duplicate one (`?from=<id>`) or edit it by recreating
 * (`?from=<id>&recreate=1`): image (pulled if missing), command, ports, volumes and binds, env (with .env
 * paste), labels, restart policy, network and static IP, CPU/memory limits, capabilities, privileged,
 * ownership. The engine's error text is shown as is.
 */
@Component({
  selector: 'cap-container-create-page',
  imports: [Alert, FormControlDirective, FormField, KeyValueEditor, MountRows, PageHeader, RouterLink],
  template: `
    <cap-page-header [title]="title()" [subtitle]="subtitle()">
      <a class="btn" [routerLink]="['..']">Cancel</a>
    </cap-page-header>

    @if (!ctx.canAct(perm.ResourcesCreate)) {
      <cap-alert kind="warning" testId="create-forbidden">Your role cannot create containers here.</cap-alert>
    }
    @if (loadError(); as message) {
      <cap-alert kind="error">{{ message }}</cap-alert>
    }

    <form id="container-form" novalidate (submit)="submit($event)" data-testid="container-form">
      <section class="card">
        <h2>Container</h2>
        <div class="grid-2">
          <cap-form-field label="Name" hint="Empty: the engine picks one." [error]="shown('name')">
            <input
              capControl
              class="input"
              data-testid="create-name"
              autocomplete="off"
              [value]="form().name"
              (input)="set('name', $any($event.target).value)"
            />
          </cap-form-field>
          <cap-form-field
            label="Image"
            [required]="true"
            [error]="shown('image')"
            errorTestId="create-image-error"
          >
            <input
              capControl
              class="input mono"
              data-testid="create-image"
              autocomplete="off"
              list="cap-images"
              placeholder="nginx:latest"
              [value]="form().image"
              (input)="set('image', $any($event.target).value)"
            />
            <datalist id="cap-images">
              @for (tag of imageTags(); track tag) {
                <option [value]="tag"></option>
              }
            </datalist>
          </cap-form-field>
        </div>
        <label class="check">
          <input
            type="checkbox"
            data-testid="create-pull"
            [checked]="form().pullIfMissing"
            (change)="set('pullIfMissing', $any($event.target).checked)"
          />
          Pull the image if the engine does not have it
        </label>
      </section>

      <section class="card">
        <h2>Command</h2>
        <div class="grid-2">
          <cap-form-field
            label="Command"
            hint='Shell-like: sh -c "echo hi; sleep 60". Empty: the image default.'
          >
            <input
              capControl
              class="input mono"
              data-testid="create-command"
              autocomplete="off"
              [value]="form().command"
              (input)="set('command', $any($event.target).value)"
            />
          </cap-form-field>
          <cap-form-field label="Entrypoint" hint="Empty: the image default.">
            <input
              capControl
              class="input mono"
              data-testid="create-entrypoint"
              autocomplete="off"
              [value]="form().entrypoint"
              (input)="set('entrypoint', $any($event.target).value)"
            />
          </cap-form-field>
          <cap-form-field label="Working directory">
            <input
              capControl
              class="input mono"
              data-testid="create-workdir"
              [value]="form().workingDir"
              (input)="set('workingDir', $any($event.target).value)"
            />
          </cap-form-field>
          <cap-form-field label="User" hint="name, uid or uid:gid">
            <input
              capControl
              class="input mono"
              data-testid="create-user"
              [value]="form().user"
              (input)="set('user', $any($event.target).value)"
            />
          </cap-form-field>
        </div>
        <label class="check">
          <input
            type="checkbox"
            data-testid="create-interactive"
            [checked]="form().interactive"
            (change)="set('interactive', $any($event.target).checked)"
          />
          Interactive with a TTY (-i -t)
        </label>
      </section>

      <section class="card">
        <h2>Ports</h2>
        @for (p of form().ports; track $index; let i = $index) {
          <div class="rowline">
            <input
              class="input"
              inputmode="numeric"
              placeholder="host (random)"
              [attr.aria-label]="'Host port ' + (i + 1)"
              [attr.data-testid]="'port-host-' + i"
              [value]="p.host"
              (input)="setPort(i, { host: $any($event.target).value })"
            />
            <span aria-hidden="true">→</span>
            <input
              class="input"
              inputmode="numeric"
              placeholder="container"
              [attr.aria-label]="'Container port ' + (i + 1)"
              [attr.data-testid]="'port-container-' + i"
              [value]="p.container"
              (input)="setPort(i, { container: $any($event.target).value })"
            />
            <select
              class="input narrow"
              [attr.aria-label]="'Protocol ' + (i + 1)"
              (change)="setPort(i, { protocol: $any($event.target).value })"
            >
              <option value="tcp" [selected]="p.protocol === 'tcp'">TCP</option>
              <option value="udp" [selected]="p.protocol === 'udp'">UDP</option>
            </select>
            <button
              type="button"
              class="icon-btn"
              [attr.aria-label]="'Remove port ' + (i + 1)"
              (click)="removePort(i)"
            >
              ×
            </button>
          </div>
          @if (shown('port-' + i); as e) {
            <p class="error">{{ e }}</p>
          }
        }
        <button type="button" class="btn btn-sm" data-testid="port-add" (click)="addPort()">+ Port</button>
      </section>

      <section class="card">
        <cap-mount-rows
          legend="Volumes and binds"
          testId="volume"
          itemLabel="volume"
          addLabel="Volume or bind"
          targetHint="/container/path"
          [volumeNames]="volumeNames()"
          [rows]="form().volumes"
          (rowsChange)="set('volumes', $event)"
          [rowErrors]="rowErrors('volume', form().volumes.length)"
        />
      </section>

      <section class="card">
        <cap-key-value-editor
          legend="Environment variables"
          testId="env"
          keyLabel="Variable"
          keyHint="NAME"
          addLabel="Variable"
          [pairs]="form().env"
          (pairsChange)="set('env', $event)"
          [rowErrors]="rowErrors('env', form().env.length)"
        />
        <div class="row-actions">
          <button
            type="button"
            class="btn btn-sm"
            data-testid="env-paste-toggle"
            (click)="pasteOpen.set(!pasteOpen())"
          >
            Paste .env
          </button>
        </div>
        @if (pasteOpen()) {
          <div class="paste">
            <label for="cap-env-paste" class="sr-only">.env content</label>
            <textarea
              id="cap-env-paste"
              class="input mono"
              rows="5"
              placeholder="KEY=value"
              data-testid="env-paste"
              [value]="pasteText()"
              (input)="pasteText.set($any($event.target).value)"
            ></textarea>
            <button type="button" class="btn btn-sm" data-testid="env-paste-apply" (click)="applyPaste()">
              Add these variables
            </button>
          </div>
        }
      </section>

      <section class="card">
        <cap-key-value-editor
          legend="Labels"
          testId="label"
          keyLabel="Label"
          addLabel="Label"
          [pairs]="form().labels"
          (pairsChange)="set('labels', $event)"
          [rowErrors]="rowErrors('label', form().labels.length)"
        />
      </section>

      <section class="card">
        <h2>Restart, network, resources</h2>
        <div class="grid-2">
          <cap-form-field label="Restart policy">
            <select
              capControl
              class="input"
              data-testid="create-restart"
              (change)="set('restartPolicy', $any($event.target).value)"
            >
              @for (r of restartPolicies; track r.value) {
                <option [value]="r.value" [selected]="form().restartPolicy === r.value">{{ r.label }}</option>
              }
            </select>
          </cap-form-field>
          @if (form().restartPolicy === 'on-failure') {
            <cap-form-field label="Maximum retries" [error]="shown('maxRetries')">
              <input
                capControl
                class="input"
                inputmode="numeric"
                [value]="form().maxRetries"
                (input)="set('maxRetries', $any($event.target).value)"
              />
            </cap-form-field>
          }
          <cap-form-field label="Network">
            <select
              capControl
              class="input"
              data-testid="create-network"
              (change)="set('network', $any($event.target).value)"
            >
              <option value="" [selected]="!form().network">Default (bridge)</option>
              @for (n of networks(); track n) {
                <option [value]="n" [selected]="form().network === n">{{ n }}</option>
              }
            </select>
          </cap-form-field>
          <cap-form-field label="Static IPv4" hint="User-defined networks only." [error]="shown('ipv4')">
            <input
              capControl
              class="input mono"
              data-testid="create-ipv4"
              [value]="form().ipv4"
              (input)="set('ipv4', $any($event.target).value)"
            />
          </cap-form-field>
          <cap-form-field label="CPU limit" hint="CPUs, e.g. 0.5. Empty: no limit." [error]="shown('cpus')">
            <input
              capControl
              class="input"
              inputmode="decimal"
              data-testid="create-cpus"
              [value]="form().cpus"
              (input)="set('cpus', $any($event.target).value)"
            />
          </cap-form-field>
          <cap-form-field label="Memory limit (MB)" hint="Empty: no limit." [error]="shown('memoryMb')">
            <input
              capControl
              class="input"
              inputmode="numeric"
              data-testid="create-memory"
              [value]="form().memoryMb"
              (input)="set('memoryMb', $any($event.target).value)"
            />
          </cap-form-field>
        </div>
      </section>

      <section class="card">
        <h2>Security</h2>
        <div class="grid-2">
          <cap-form-field label="Add capabilities" hint="e.g. NET_ADMIN SYS_TIME">
            <input
              capControl
              class="input mono"
              data-testid="create-cap-add"
              [value]="form().capAdd"
              (input)="set('capAdd', $any($event.target).value)"
            />
          </cap-form-field>
          <cap-form-field label="Drop capabilities" hint="e.g. MKNOD or ALL">
            <input
              capControl
              class="input mono"
              data-testid="create-cap-drop"
              [value]="form().capDrop"
              (input)="set('capDrop', $any($event.target).value)"
            />
          </cap-form-field>
        </div>
        <label class="check">
          <input
            type="checkbox"
            data-testid="create-privileged"
            [checked]="form().privileged"
            (change)="set('privileged', $any($event.target).checked)"
          />
          Privileged (full access to the host's devices)
        </label>
      </section>

      <section class="card">
        <h2>Ownership</h2>
        <div class="choices" role="radiogroup" aria-label="Who may use this container">
          @for (o of ownerships(); track o.value) {
            <label class="check">
              <input
                type="radio"
                name="ownership"
                [value]="o.value"
                [attr.data-testid]="'ownership-' + o.value"
                [checked]="form().ownership === o.value"
                (change)="set('ownership', o.value)"
              />
              <span
                ><strong>{{ o.label }}</strong> <span class="muted">{{ o.hint }}</span></span
              >
            </label>
          }
        </div>
        @if (form().ownership === 'restricted') {
          <div class="grid-2">
            <cap-form-field label="Users" [error]="shown('ownership')">
              <select
                capControl
                class="input"
                multiple
                size="5"
                data-testid="ownership-users"
                (change)="set('users', selectedValues($event))"
              >
                @for (u of users(); track u.Id) {
                  <option [value]="u.Id" [selected]="form().users.includes(u.Id)">{{ u.Username }}</option>
                }
              </select>
            </cap-form-field>
            <cap-form-field label="Teams">
              <select
                capControl
                class="input"
                multiple
                size="5"
                data-testid="ownership-teams"
                (change)="set('teams', selectedValues($event))"
              >
                @for (t of teams(); track t.Id) {
                  <option [value]="t.Id" [selected]="form().teams.includes(t.Id)">{{ t.Name }}</option>
                }
              </select>
            </cap-form-field>
          </div>
        }
      </section>

      @if (submitError(); as message) {
        <cap-alert kind="error" testId="create-error">{{ message }}</cap-alert>
      }
      @if (progress(); as line) {
        <p class="muted" role="status" data-testid="create-progress">{{ line }}</p>
      }
      <div class="form-actions">
        <label class="check inline">
          <input
            type="checkbox"
            data-testid="create-start"
            [checked]="form().startAfterCreate"
            (change)="set('startAfterCreate', $any($event.target).checked)"
          />
          Start after creation
        </label>
        <a class="btn" [routerLink]="['..']">Cancel</a>
        <button
          type="submit"
          class="btn btn-primary"
          data-testid="create-submit"
          [disabled]="busy() || !ctx.canAct(perm.ResourcesCreate)"
        >
          {{ busy() ? 'Working…' : recreating() ? 'Replace the container' : 'Create the container' }}
        </button>
      </div>
    </form>
  `,
  styles: `
    .card h2 {
      font-size: 1rem;
      margin-bottom: 0.75rem;
    }
    .rowline {
      display: flex;
      flex-wrap: wrap;
      gap: 0.4rem;
      align-items: center;
      margin-bottom: 0.4rem;
    }
    .rowline .input {
      flex: 1 1 8rem;
      width: auto;
    }
    .rowline .narrow {
      flex: 0 0 6rem;
    }
    .check {
      display: flex;
      gap: 0.5rem;
      align-items: center;
      margin: 0.4rem 0;
    }
    .check.inline {
      margin: 0;
    }
    .choices strong {
      margin-right: 0.4rem;
    }
    .choices {
      display: grid;
      gap: 0.2rem;
      margin-bottom: 0.5rem;
    }
    .paste {
      display: grid;
      gap: 0.4rem;
      margin-top: 0.5rem;
      justify-items: start;
    }
    .error {
      color: var(--danger-text);
      font-size: 0.85rem;
      margin: 0 0 0.4rem;
    }
    .form-actions {
      margin-top: 1rem;
      align-items: center;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ContainerCreatePage {
  protected readonly ctx = inject(EnvironmentContext);
  private readonly containers = inject(ContainersApi);
  private readonly images = inject(ImagesApi);
  private readonly networksApi = inject(NetworksApi);
  private readonly volumes = inject(VolumesApi);
  private readonly environments = inject(DockerEnvironmentApi);
  private readonly session = inject(SessionStore);
  private readonly usersApi = inject(UsersApi);
  private readonly teamsApi = inject(TeamsApi);
  private readonly router = inject(Router);
  private readonly toasts = inject(ToastService);
  protected readonly perm = Permission;

  /** Query parameters (component input binding). */
  readonly from = input<string | undefined>(undefined);
  readonly recreate = input<string | undefined>(undefined);

  readonly form = signal<ContainerForm>(emptyForm());
  protected readonly source = signal<ContainerInspect | null>(null);
  protected readonly loadError = signal<string | null>(null);
  protected readonly submitError = signal<string | null>(null);
  protected readonly progress = signal<string | null>(null);
  protected readonly busy = signal(false);
  private readonly submitted = signal(false);
  protected readonly pasteOpen = signal(false);
  protected readonly pasteText = signal('');
  protected readonly networks = signal<string[]>([]);
  protected readonly volumeNames = signal<string[]>([]);
  protected readonly imageTags = signal<string[]>([]);
  protected readonly users = signal<{ Id: number; Username: string }[]>([]);
  protected readonly teams = signal<{ Id: number; Name: string }[]>([]);

  protected readonly recreating = computed(() => !!this.from() && this.recreate() === '1' && !!this.source());
  protected readonly title = computed(() =>
    this.recreating()
      ? `Edit ${this.form().name}`
      : this.from()
        ? 'Duplicate a container'
        : 'Add a container',
  );
  protected readonly subtitle = computed(() =>
    this.recreating()
      ? 'Editing recreates the container: stop, rename aside, create the new one, start it, remove the old one (rolled back on failure).'
      : 'Created through the engine of this environment.',
  );
  readonly errors = computed(() => validateForm(this.form()));

  protected readonly restartPolicies: { value: RestartPolicy; label: string }[] = [
    { value: 'no', label: 'Never' },
    { value: 'always', label: 'Always' },
    { value: 'unless-stopped', label: 'Unless stopped' },
    { value: 'on-failure', label: 'On failure' },
  ];
  protected readonly ownerships = computed<{ value: Ownership; label: string; hint: string }[]>(() => {
    const all: { value: Ownership; label: string; hint: string }[] = [
      { value: 'private', label: 'Private', hint: 'only you (and administrators)' },
      { value: 'restricted', label: 'Restricted', hint: 'the users and teams you choose' },
      { value: 'public', label: 'Public', hint: 'everyone with access to this environment' },
    ];
    if (this.session.isAdmin())
      all.splice(1, 0, { value: 'administrators', label: 'Administrators', hint: 'administrators only' });
    return all;
  });

  constructor() {
    effect(() => {
      const envId = this.ctx.envId();
      const from = this.from();
      if (!envId) return;
      untracked(() => void this.load(envId, from));
    });
  }

  set<K extends keyof ContainerForm>(key: K, value: ContainerForm[K]): void {
    this.form.update((f) => ({ ...f, [key]: value }));
  }

  protected setPort(index: number, patch: Partial<PortRow>): void {
    this.set(
      'ports',
      this.form().ports.map((p, i) => (i === index ? { ...p, ...patch } : p)),
    );
  }

  protected addPort(): void {
    this.set('ports', [...this.form().ports, { host: '', container: '', protocol: 'tcp' }]);
  }

  protected removePort(index: number): void {
    this.set(
      'ports',
      this.form().ports.filter((_, i) => i !== index),
    );
  }

  protected applyPaste(): void {
    const rows = parseEnvFile(this.pasteText());
    this.set('env', mergeEnv(this.form().env, rows));
    this.pasteText.set('');
    this.pasteOpen.set(false);
  }

  protected selectedValues(event: Event): number[] {
    return Array.from((event.target as HTMLSelectElement).selectedOptions).map((o) => Number(o.value));
  }

  protected shown(field: string): string | null {
    return this.submitted() ? (this.errors()[field] ?? null) : null;
  }

  /** The shown problem of each of `count` rows whose errors are keyed `<item>-<index>`. */
  protected rowErrors(item: string, count: number): (string | null)[] {
    return Array.from({ length: count }, (_, i) => this.shown(`${item}-${i}`));
  }

  private async load(envId: number, from: string | undefined): Promise<void> {
    this.loadError.set(null);
    const lists = Promise.allSettled([
      this.networksApi
        .all<{ Name: string }>(envId)
        .then((n) => this.networks.set(n.map((x) => x.Name).sort())),
      this.volumes.names(envId).then((names) => this.volumeNames.set(names)),
      this.images
        .tags(envId)
        .then((tags) => this.imageTags.set(tags.filter((t) => t !== '<none>:<none>').sort())),
      this.usersApi.list().then((u) => this.users.set(u)),
      this.teamsApi.list().then((t) => this.teams.set(t)),
    ]);
    if (from) {
      try {
        const c = await this.containers.inspect<ContainerInspect>(envId, from);
        const image = await this.images
          .inspect<{
            Config: {
              Cmd: string[] | null;
              Entrypoint: string[] | null;
              Env: string[] | null;
              Labels: Record<string, string> | null;
            };
          }>(envId, c.Image)
          .catch(() => undefined);
        const form = formFromInspect(c, image?.Config);
        if (this.recreate() !== '1') form.name = `${form.name}-copy`;
        this.source.set(c);
        this.form.set(form);
      } catch (error) {
        this.loadError.set(`Could not read container ${from}: ${errorMessage(error)}`);
      }
    }
    await lists;
  }

  async submit(event?: Event): Promise<void> {
    event?.preventDefault();
    if (this.busy()) return;
    this.submitted.set(true);
    if (Object.keys(this.errors()).length) {
      this.submitError.set('Some fields need a look (marked above).');
      return;
    }
    this.busy.set(true);
    this.submitError.set(null);
    const deps = {
      containers: this.containers,
      images: this.images,
      environments: this.environments,
      envId: this.ctx.envId(),
      me: this.session.user()?.Id,
      progress: (line: string) => this.progress.set(line),
    };
    try {
      const source = this.source();
      const id =
        this.recreating() && source
          ? await recreateContainer(deps, source, this.form())
          : await createContainer(deps, this.form());
      this.toasts.success(this.recreating() ? 'Container replaced' : 'Container created');
      await this.router.navigate(['/environments', this.ctx.envId(), 'docker', 'containers', id]);
    } catch (error) {
      this.submitError.set(errorMessage(error));
    } finally {
      this.busy.set(false);
      this.progress.set(null);
    }
  }
}
