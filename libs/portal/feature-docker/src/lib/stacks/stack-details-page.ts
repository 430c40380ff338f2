import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import {
  ContainersApi,
  DialogForm,
  STACK_ACTIVE,
  STACK_SWARM,
  StacksApi,
  SwarmApi,
  ThemeService,
  errorMessage,
  stackAutoUpdate,
  stackEnv,
  stackEnvError,
  stackGit,
  type KeyValue,
  type Stack,
  type StackVersions,
} from '@capstan/portal-data-access';
import {
  Alert,
  CopyText,
  FormDialog,
  PageHeader,
  RelativeTime,
  Spinner,
  ToastService,
  YamlDiff,
  YamlEditor,
  confirmedAction,
} from '@capstan/portal-ui';

import { KeyValueEditor } from '../resources/shared/key-value-editor';
import { EnvironmentContext } from '../shell/environment-context';
import { StackDeployLogCard } from './deploy-log';
import { DeployWatch } from './deploy-watch';
import { StackGitForm, emptyGitForm, gitFormErrors, gitFormOf, toGitSettings } from './stack-git-form';
import { canManageStack, stackStatusLabel, stackTypeLabel } from './stack-labels';

/** A change waiting for its diff to be confirmed: an update with the edited file, or a rollback. */
interface PendingChange {
  title: string;
  before: string;
  after: string;
  beforeLabel: string;
  afterLabel: string;
  confirmLabel: string;
  run: () => Promise<void>;
}

/** What runs for a stack: its compose containers or its Swarm services. */
interface StackMember {
  id: string;
  name: string;
  image: string;
  state: string;
  link: (string | number)[];
}

const COMPOSE_PROJECT = 'com.docker.compose.project';
const STACK_NAMESPACE = 'com.docker.stack.namespace';

/**
 * One stack: what runs (containers or services), its file in the editor with Update (prune, pull) after a diff of
 * the deployed file against the edited one, the stored versions (view one, compare, roll back), a git stack's
 * source (repository, reference, commit) with Pull and redeploy, its webhook URL to copy, the deploy log (live over
 * the progress WebSocket while a deploy runs), stop/start and delete.
 */
@Component({
  selector: 'cap-stack-details-page',
  imports: [
    Alert,
    CopyText,
    FormDialog,
    StackDeployLogCard,
    KeyValueEditor,
    PageHeader,
    RelativeTime,
    RouterLink,
    Spinner,
    StackGitForm,
    YamlDiff,
    YamlEditor,
  ],
  template: `
    <cap-page-header [title]="stack()?.Name ?? 'Stack'" [subtitle]="subtitle()">
      <a class="btn" [routerLink]="['..']">All stacks</a>
      @if (stack(); as s) {
        @if (manage()) {
          @if (s.Status === ACTIVE) {
            <button type="button" class="btn" data-testid="stack-stop" [disabled]="busy()" (click)="stop()">
              Stop
            </button>
          } @else {
            <button type="button" class="btn" data-testid="stack-start" [disabled]="busy()" (click)="start()">
              Start
            </button>
          }
          <button type="button" class="btn btn-danger" data-testid="stack-delete" (click)="remove()">
            Delete
          </button>
        }
      }
    </cap-page-header>

    @if (error(); as e) {
      <cap-alert kind="error" testId="stack-error">{{ e }}</cap-alert>
    }
    @if (!stack() && !error()) {
      <cap-spinner label="Loading the stack…" />
    }

    @if (stack(); as s) {
      <section class="card">
        <h2>{{ isSwarm() ? 'Services' : 'Containers' }}</h2>
        <ul class="members" data-testid="stack-members">
          @for (m of members(); track m.id) {
            <li [attr.data-testid]="'stack-member-' + m.name">
              <a class="mono" [routerLink]="m.link">{{ m.name }}</a>
              <span class="muted mono">{{ m.image }}</span>
              <span class="badge" [attr.data-testid]="'stack-member-state-' + m.name">{{ m.state }}</span>
            </li>
          } @empty {
            <li class="muted">Nothing runs for this stack.</li>
          }
        </ul>
        <p class="muted small" data-testid="stack-dates">
          Created <cap-time [value]="s.CreationDate" /> by {{ s.CreatedBy || '—' }}
          @if (s.UpdateDate) {
            · updated <cap-time [value]="s.UpdateDate" /> by {{ s.UpdatedBy || '—' }}
          }
        </p>
      </section>

      @if (git(); as g) {
        <section class="card" data-testid="stack-git">
          <h2>Git repository</h2>
          <dl class="facts">
            <dt>Repository</dt>
            <dd class="mono" data-testid="stack-git-url">{{ g.URL }}</dd>
            <dt>Reference</dt>
            <dd class="mono" data-testid="stack-git-ref">{{ g.ReferenceName || 'default branch' }}</dd>
            <dt>Compose file</dt>
            <dd class="mono">{{ g.ConfigFilePath }}</dd>
            <dt>Deployed commit</dt>
            <dd class="mono" data-testid="stack-git-commit" [attr.title]="g.ConfigHash">
              {{ g.ConfigHash ? g.ConfigHash.slice(0, 12) : '—' }}
            </dd>
            @if (autoUpdate(); as a) {
              <dt>Auto-update</dt>
              <dd data-testid="stack-git-auto">
                {{ a.Interval ? 'every ' + a.Interval : '' }}{{ a.Interval && a.Webhook ? ' and ' : ''
                }}{{ a.Webhook ? 'on webhook calls' : '' }}{{ a.ForceUpdate ? ' · always redeploy' : ''
                }}{{ a.ForcePullImage ? ' · pull images' : '' }}
              </dd>
            }
          </dl>
          @if (manage()) {
            <div class="form-actions">
              <label class="check inline">
                <input
                  type="checkbox"
                  data-testid="stack-git-pull"
                  [checked]="pull()"
                  (change)="pull.set($any($event.target).checked)"
                />
                Pull the images again
              </label>
              <button type="button" class="btn" data-testid="stack-git-settings" (click)="openGitSettings()">
                Git settings…
              </button>
              <button
                type="button"
                class="btn btn-primary"
                data-testid="stack-git-redeploy"
                [disabled]="busy() || !!envError()"
                (click)="redeployGit()"
              >
                {{ busy() ? 'Deploying…' : 'Pull and redeploy' }}
              </button>
            </div>
          }
        </section>
      }

      @if (webhookUrl(); as url) {
        <section class="card" data-testid="stack-webhook">
          <h2>Webhook</h2>
          <p class="muted small">A POST to this URL pulls the repository and redeploys the stack.</p>
          <cap-copy-text testId="stack-webhook-url" [value]="url" />
        </section>
      }

      <form class="card" novalidate data-testid="stack-update-form" (submit)="update($event)">
        <h2>
          Compose file
          @if (viewing() !== null) {
            <span class="badge" data-testid="stack-viewing">version {{ viewing() }}</span>
          }
        </h2>
        <cap-yaml-editor
          testId="stack-editor"
          label="Compose file"
          [dark]="dark()"
          [readOnly]="!manage() || viewing() !== null || !!git()"
          [(value)]="content"
        />
        @if (git() && viewing() === null) {
          <p class="muted small">
            The file comes from the repository: change it there, then pull and redeploy.
          </p>
        }
        @if (viewing() !== null) {
          <div class="form-actions">
            <button type="button" class="btn" data-testid="stack-view-current" (click)="viewCurrent()">
              Back to the current file
            </button>
            @if (manage()) {
              <button
                type="button"
                class="btn btn-primary"
                data-testid="stack-rollback"
                [disabled]="busy()"
                (click)="rollback()"
              >
                Roll back to version {{ viewing() }}…
              </button>
            }
          </div>
        } @else if (manage()) {
          <cap-key-value-editor
            legend="Environment variables"
            testId="stack-env"
            keyLabel="name"
            addLabel="Add variable"
            [error]="envError()"
            [(pairs)]="env"
          />
          <div class="form-actions">
            <label class="check inline">
              <input
                type="checkbox"
                data-testid="stack-prune"
                [checked]="prune()"
                (change)="prune.set($any($event.target).checked)"
              />
              Prune services no longer in the file
            </label>
            @if (!git()) {
              <label class="check inline">
                <input
                  type="checkbox"
                  data-testid="stack-pull"
                  [checked]="pull()"
                  (change)="pull.set($any($event.target).checked)"
                />
                Pull the images again
              </label>
              <button
                type="submit"
                class="btn btn-primary"
                data-testid="stack-update"
                [disabled]="busy() || !!envError()"
              >
                {{ busy() ? 'Deploying…' : 'Review and update…' }}
              </button>
            }
          </div>
        }
      </form>

      @if (versions(); as v) {
        <section class="card">
          <h2>Versions</h2>
          <ul class="versions" data-testid="stack-versions">
            @for (n of v.Versions; track n) {
              <li>
                <button
                  type="button"
                  class="btn-link"
                  [attr.data-testid]="'stack-version-' + n"
                  [attr.aria-pressed]="viewing() === n || (viewing() === null && n === v.Current)"
                  (click)="view(n)"
                >
                  Version {{ n }}
                </button>
                @if (n === v.Current) {
                  <span class="badge">running</span>
                }
              </li>
            }
          </ul>
        </section>
      }

      <cap-stack-deploy-log [title]="busy() ? 'Deploying…' : 'Last deploy'" [log]="watch.log()" />
    }

    @if (gitDialog.open()) {
      <cap-form-dialog
        title="Git settings"
        formId="stack-git-settings-form"
        testId="stack-git-settings-dialog"
        submitTestId="stack-git-settings-save"
        size="wide"
        [busy]="gitDialog.busy()"
        [error]="gitDialog.error()"
        (submitted)="saveGitSettings()"
        (closed)="gitDialog.close()"
      >
        <cap-stack-git-form [settings]="true" [showErrors]="gitDialog.submitted()" [(value)]="gitForm" />
      </cap-form-dialog>
    }

    @if (diff.open() && pending(); as p) {
      <cap-form-dialog
        [title]="p.title"
        formId="stack-diff-form"
        testId="stack-diff-dialog"
        submitTestId="stack-diff-confirm"
        size="wide"
        [label]="p.confirmLabel"
        busyLabel="Deploying…"
        [busy]="diff.busy()"
        [error]="diff.error()"
        (submitted)="confirmChange(p)"
        (closed)="diff.close()"
      >
        <cap-yaml-diff
          testId="stack-diff"
          [before]="p.before"
          [after]="p.after"
          [beforeLabel]="p.beforeLabel"
          [afterLabel]="p.afterLabel"
          [dark]="dark()"
        />
      </cap-form-dialog>
    }
  `,
  styles: `
    .members,
    .versions {
      list-style: none;
      padding: 0;
      margin: 0;
      display: grid;
      gap: 0.4rem;
    }
    .members li {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      align-items: baseline;
      overflow-wrap: anywhere;
    }
    .versions {
      grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr));
    }
    .small {
      font-size: 0.85rem;
    }
    .facts {
      display: grid;
      grid-template-columns: max-content minmax(0, 1fr);
      gap: 0.3rem 1rem;
      margin: 0 0 0.75rem;
    }
    .facts dt {
      font-weight: 600;
    }
    .facts dd {
      margin: 0;
      overflow-wrap: anywhere;
    }
    @media (max-width: 480px) {
      .facts {
        grid-template-columns: minmax(0, 1fr);
      }
      .facts dd {
        margin-bottom: 0.4rem;
      }
    }
    .card h2 {
      font-size: 1rem;
      margin-bottom: 0.75rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class StackDetailsPage {
  protected readonly ctx = inject(EnvironmentContext);
  private readonly api = inject(StacksApi);
  private readonly containers = inject(ContainersApi);
  private readonly swarm = inject(SwarmApi);
  private readonly toasts = inject(ToastService);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly theme = inject(ThemeService);
  private readonly confirmed = confirmedAction();
  protected readonly ACTIVE = STACK_ACTIVE;
  protected readonly dark = computed(() => this.theme.effective() === 'dark');

  /** The route's `:id` (router input binding). */
  readonly id = input.required<string>();
  private readonly stackId = computed(() => Number(this.id()) || 0);
  protected readonly stack = signal<Stack | null>(null);
  protected readonly members = signal<StackMember[]>([]);
  protected readonly versions = signal<StackVersions | null>(null);
  protected readonly content = signal('');
  private readonly current = signal('');
  protected readonly env = signal<KeyValue[]>([]);
  protected readonly prune = signal(false);
  protected readonly pull = signal(false);
  protected readonly viewing = signal<number | null>(null);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly envError = computed(() => stackEnvError(this.env()));
  protected readonly isSwarm = computed(() => this.stack()?.Type === STACK_SWARM);
  protected readonly manage = computed(() => {
    const s = this.stack();
    return !!s && canManageStack(this.ctx, s);
  });
  protected readonly subtitle = computed(() => {
    const s = this.stack();
    return s ? `${stackTypeLabel(s)} stack · ${stackStatusLabel(s)}` : '';
  });
  protected readonly git = computed(() => {
    const s = this.stack();
    return s ? stackGit(s) : null;
  });
  protected readonly autoUpdate = computed(() => {
    const s = this.stack();
    return s ? stackAutoUpdate(s) : null;
  });
  protected readonly webhookUrl = computed(() => {
    const s = this.stack();
    return s ? this.api.webhookUrl(s) : null;
  });
  protected readonly diff = new DialogForm();
  protected readonly gitDialog = new DialogForm();
  protected readonly gitForm = signal(emptyGitForm());
  protected readonly pending = signal<PendingChange | null>(null);
  protected readonly watch = new DeployWatch(this.api, () => Promise.resolve(this.stackId() || null));

  constructor() {
    effect(() => {
      const id = this.stackId();
      if (id && this.ctx.envId()) untracked(() => void this.load());
    });
    inject(DestroyRef).onDestroy(() => this.watch.dispose());
  }

  async load(): Promise<void> {
    const id = this.stackId();
    try {
      const [stack, file, versions] = await Promise.all([
        this.api.get(id),
        this.api.file(id),
        this.api.versions(id).catch(() => null),
      ]);
      this.stack.set(stack);
      this.current.set(file);
      this.content.set(file);
      this.viewing.set(null);
      this.versions.set(versions);
      this.env.set((stack.Env ?? []).map((e) => ({ key: e.name, value: e.value })));
      this.error.set(null);
      await Promise.all([this.loadMembers(stack), this.watch.stop()]);
    } catch (error) {
      this.error.set(`Could not load the stack: ${errorMessage(error)}`);
    }
  }

  private async loadMembers(stack: Stack): Promise<void> {
    const envId = this.ctx.envId();
    try {
      if (stack.Type === STACK_SWARM) {
        type Service = {
          ID: string;
          Spec: {
            Name: string;
            Labels?: Record<string, string>;
            TaskTemplate?: { ContainerSpec?: { Image?: string } };
          };
          ServiceStatus?: { RunningTasks?: number; DesiredTasks?: number };
        };
        const { body } = await this.swarm.services<Service>(envId);
        this.members.set(
          body
            .filter((s) => s.Spec.Labels?.[STACK_NAMESPACE] === stack.Name)
            .map((s) => ({
              id: s.ID,
              name: s.Spec.Name,
              image: (s.Spec.TaskTemplate?.ContainerSpec?.Image ?? '').replace(/@sha256:.*$/, ''),
              state: `${s.ServiceStatus?.RunningTasks ?? 0}/${s.ServiceStatus?.DesiredTasks ?? 0} running`,
              link: ['..', '..', 'swarm', 'services', s.ID],
            })),
        );
      } else {
        type Container = {
          Id: string;
          Names: string[];
          Image: string;
          State: string;
          Labels?: Record<string, string>;
        };
        const { body } = await this.containers.list<Container>(envId);
        this.members.set(
          body
            .filter((c) => c.Labels?.[COMPOSE_PROJECT] === stack.Name)
            .map((c) => ({
              id: c.Id,
              name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
              image: c.Image,
              state: c.State,
              link: ['..', '..', 'containers', c.Id],
            })),
        );
      }
    } catch (error) {
      this.members.set([]);
      this.toasts.error(`Could not list what runs: ${errorMessage(error)}`);
    }
  }

  protected async view(version: number): Promise<void> {
    const v = this.versions();
    if (v && version === v.Current) return this.viewCurrent();
    try {
      this.content.set(await this.api.file(this.stackId(), version));
      this.viewing.set(version);
    } catch (error) {
      this.toasts.error(`Could not read version ${version}: ${errorMessage(error)}`);
    }
  }

  protected viewCurrent(): void {
    this.viewing.set(null);
    this.content.set(this.current());
  }

  /** Update: first the deployed file against the edited one; the dialog's confirm deploys. */
  protected update(event: Event): void {
    event.preventDefault();
    const stack = this.stack();
    if (!stack || this.envError() || this.busy()) return;
    const content = this.content();
    const env = stackEnv(this.env());
    const prune = this.prune();
    const pullImage = this.pull();
    this.review({
      title: `Update ${stack.Name}`,
      before: this.current(),
      after: content,
      beforeLabel: 'Deployed',
      afterLabel: 'Edited',
      confirmLabel: 'Deploy the update',
      run: () => this.deploy('updated', () => this.api.update(stack, { content, env, prune, pullImage })),
    });
  }

  /** Rollback: the deployed file against the version, then the confirm deploys that version. */
  protected rollback(): void {
    const stack = this.stack();
    const version = this.viewing();
    if (!stack || version === null || this.busy()) return;
    this.review({
      title: `Roll ${stack.Name} back to version ${version}`,
      before: this.current(),
      after: this.content(),
      beforeLabel: 'Deployed',
      afterLabel: `Version ${version}`,
      confirmLabel: `Roll back to version ${version}`,
      run: () => this.deploy(`rolled back to version ${version}`, () => this.api.rollback(stack, version)),
    });
  }

  private review(change: PendingChange): void {
    this.pending.set(change);
    this.diff.show();
  }

  protected async confirmChange(change: PendingChange): Promise<void> {
    // The deploy shows its own progress and outcome on the page: the dialog closes as it starts.
    this.diff.close();
    this.pending.set(null);
    await change.run();
  }

  protected openGitSettings(): void {
    const git = this.git();
    if (!git) return;
    this.gitDialog.show(() => this.gitForm.set(gitFormOf(git, this.autoUpdate())));
  }

  /** Saves the reference, credentials and auto-update (`POST …/git`); nothing is deployed. */
  protected async saveGitSettings(): Promise<void> {
    const stack = this.stack();
    if (!stack) return;
    await this.gitDialog.submit(
      () => Object.keys(gitFormErrors(this.gitForm(), true)).length > 0 || !!this.envError(),
      async () => {
        await this.api.updateGit(stack, toGitSettings(this.gitForm(), stackEnv(this.env()), this.prune()));
        this.gitDialog.close();
        this.toasts.success(`Git settings of ${stack.Name} saved`);
        await this.load();
      },
    );
  }

  protected redeployGit(): Promise<void> {
    const stack = this.stack();
    const git = this.git();
    if (!stack || !git || this.envError()) return Promise.resolve();
    return this.deploy('pulled and redeployed', () =>
      this.api.redeployGit(stack, {
        reference: git.ReferenceName,
        env: stackEnv(this.env()),
        prune: this.prune(),
        pullImage: this.pull(),
      }),
    );
  }

  protected start(): Promise<void> {
    const stack = this.stack();
    return stack ? this.deploy('started', () => this.api.start(stack)) : Promise.resolve();
  }

  protected stop(): Promise<void> {
    const stack = this.stack();
    return stack ? this.deploy('stopped', () => this.api.stop(stack)) : Promise.resolve();
  }

  /** Runs a change that deploys, shows compose's output meanwhile, then reloads (or shows compose's error). */
  private async deploy(done: string, run: () => Promise<unknown>): Promise<void> {
    const name = this.stack()?.Name ?? '';
    this.busy.set(true);
    this.watch.start();
    try {
      await run();
      this.toasts.success(`Stack ${name} ${done}`);
      await this.load();
    } catch (error) {
      await this.watch.stop();
      this.toasts.error(`Stack ${name}: ${errorMessage(error)}`);
    } finally {
      this.busy.set(false);
    }
  }

  protected remove(): Promise<void> {
    const stack = this.stack();
    if (!stack) return Promise.resolve();
    return this.confirmed({
      title: 'Delete stack',
      message: `Delete the stack ${stack.Name}? What runs, its record and its files are removed.`,
      confirmLabel: 'Delete',
      run: () => this.api.remove(stack),
      done: `Stack ${stack.Name} deleted`,
      then: () => this.router.navigate(['..'], { relativeTo: this.route }),
      failed: (error) => `Could not delete ${stack.Name}: ${errorMessage(error)}`,
    });
  }
}
