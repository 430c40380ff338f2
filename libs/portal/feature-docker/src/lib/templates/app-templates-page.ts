import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import { AppTemplateType, Permission } from '@capstan/contracts-api';
import {
  ContainersApi,
  DockerEnvironmentApi,
  ImagesApi,
  LoadState,
  SessionStore,
  TemplatesApi,
  isStackTemplate,
  type AppTemplate,
} from '@capstan/portal-data-access';
import { FormControlDirective, FormDialog, FormField, ListPage, ToastService } from '@capstan/portal-ui';

import { createContainer } from '../containers/create/create-flow';
import { reloadOnEnvironment } from '../resources/shared/reload';
import { EnvironmentContext } from '../shell/environment-context';
import { StackDeployLogCard } from '../stacks/deploy-log';
import { TemplateDeploy } from './template-deploy';
import { TemplatesTabs } from './templates-tabs';
import {
  appTemplateKind,
  filterTemplates,
  missingTemplateEnv,
  templateCategories,
  templateContainerForm,
  templateEnv,
  templateEnvFields,
  templateSlug,
} from './template-forms';

/**
 * App templates (`GET /api/templates`, Portainer's v3 file): a gallery with search and categories. Deploy opens a
 * dialog with the template's fields: a container template becomes a container (image pulled when missing, ports,
 * env, restart policy), a stack template a stack (its compose file, env), followed over the progress WebSocket.
 */
@Component({
  selector: 'cap-app-templates-page',
  imports: [FormControlDirective, FormDialog, FormField, ListPage, StackDeployLogCard, TemplatesTabs],
  template: `
    <cap-list-page
      title="App templates"
      subtitle="Ready-made containers and stacks; deploy one with its fields."
      [error]="state.error()"
      searchLabel="Search templates"
      searchPlaceholder="Search by name, description or image (press /)"
      searchTestId="templates-search"
      [(query)]="query"
      refreshTestId="templates-refresh"
      (refresh)="load()"
    >
      <cap-templates-tabs listNotices />
      <label listFilters class="category">
        <span class="sr-only">Category</span>
        <select
          class="input"
          data-testid="templates-category"
          [value]="category()"
          (change)="category.set($any($event.target).value)"
        >
          <option value="">All categories</option>
          @for (c of categories(); track c) {
            <option [value]="c">{{ c }}</option>
          }
        </select>
      </label>
    </cap-list-page>

    @if (state.loading() && !templates().length) {
      <p class="muted">Loading the templates…</p>
    }
    <ul class="gallery" data-testid="templates-gallery">
      @for (t of shown(); track t.id ?? t.title) {
        <li class="card tpl" [attr.data-testid]="'template-card-' + slug(t.title)">
          <div class="head">
            @if (t.logo) {
              <img class="logo" [src]="t.logo" alt="" loading="lazy" referrerpolicy="no-referrer" />
            } @else {
              <span class="logo letter" aria-hidden="true">{{ t.title.slice(0, 1) }}</span>
            }
            <div class="titles">
              <h2>{{ t.title }}</h2>
              <span class="badge">{{ kind(t) }}</span>
            </div>
          </div>
          <p class="desc">{{ t.description }}</p>
          @if (t.categories?.length) {
            <p class="cats muted">{{ t.categories?.join(' · ') }}</p>
          }
          @if (ctx.canAct(P.ResourcesCreate)) {
            <button
              type="button"
              class="btn btn-primary btn-sm"
              [attr.data-testid]="'template-deploy-' + slug(t.title)"
              [attr.aria-label]="'Deploy ' + t.title"
              (click)="open(t)"
            >
              Deploy
            </button>
          }
        </li>
      } @empty {
        @if (!state.loading()) {
          <li class="muted" data-testid="templates-empty">No template matches.</li>
        }
      }
    </ul>

    @if (deploy.dialog.open() && deploy.chosen(); as t) {
      <cap-form-dialog
        [title]="'Deploy ' + t.title"
        formId="template-deploy-form"
        testId="template-deploy-dialog"
        submitTestId="template-deploy-submit"
        size="wide"
        label="Deploy"
        busyLabel="Deploying…"
        [busy]="deploy.dialog.busy()"
        [error]="deploy.dialog.error()"
        (submitted)="submit(t)"
        (closed)="deploy.close()"
      >
        @if (t.note) {
          <p class="muted note">{{ t.note }}</p>
        }
        <cap-form-field
          [label]="isStack(t) ? 'Stack name' : 'Container name'"
          [required]="true"
          [error]="deploy.dialog.submitted() ? deploy.nameError() : null"
        >
          <input
            capControl
            class="input mono"
            autocomplete="off"
            data-testid="template-name"
            [value]="deploy.name()"
            (input)="deploy.name.set($any($event.target).value)"
          />
        </cap-form-field>
        @for (f of fields(); track f.field.name) {
          <cap-form-field [label]="f.field.label || f.field.name" [hint]="f.field.description ?? ''">
            @if (f.field.select?.length) {
              <select
                capControl
                class="input"
                [attr.data-testid]="'template-env-' + f.field.name"
                [value]="deploy.valueOf(f.field.name) ?? ''"
                (change)="deploy.setValue(f.field.name, $any($event.target).value)"
              >
                @for (c of f.field.select; track c.value) {
                  <option [value]="c.value">{{ c.text }}</option>
                }
              </select>
            } @else {
              <input
                capControl
                class="input mono"
                autocomplete="off"
                [attr.data-testid]="'template-env-' + f.field.name"
                [value]="deploy.valueOf(f.field.name) ?? ''"
                (input)="deploy.setValue(f.field.name, $any($event.target).value)"
              />
            }
          </cap-form-field>
        }
        @if (!isStack(t) && t.ports?.length) {
          <fieldset class="ports">
            <legend>Published ports <span class="muted">(blank: any free host port)</span></legend>
            @for (p of t.ports; track p) {
              <label class="port">
                <span class="mono">host</span>
                <input
                  class="input mono"
                  inputmode="numeric"
                  autocomplete="off"
                  [attr.data-testid]="'template-port-' + p"
                  [attr.aria-label]="'Host port for ' + p"
                  [value]="portOf(p)"
                  (input)="setPort(p, $any($event.target).value)"
                />
                <span class="mono">→ {{ p }}</span>
              </label>
            }
          </fieldset>
        }
        @if (progress(); as line) {
          <p class="muted" data-testid="template-progress" aria-live="polite">{{ line }}</p>
        }
        @if (isStack(t) && (deploy.dialog.busy() || deploy.watch.log())) {
          <cap-stack-deploy-log
            [title]="deploy.dialog.busy() ? 'Deploying…' : 'Deploy output'"
            [log]="deploy.watch.log()"
            empty="Waiting for compose…"
          />
        }
      </cap-form-dialog>
    }
  `,
  styles: `
    .gallery {
      list-style: none;
      padding: 0;
      margin: 0;
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr));
      gap: 0.75rem;
    }
    .tpl {
      display: grid;
      gap: 0.5rem;
      align-content: start;
      margin: 0;
    }
    .tpl .btn {
      justify-self: start;
    }
    .head {
      display: flex;
      gap: 0.6rem;
      align-items: center;
      min-width: 0;
    }
    .titles {
      min-width: 0;
    }
    .titles h2 {
      font-size: 1rem;
      margin: 0 0 0.2rem;
      overflow-wrap: anywhere;
    }
    .logo {
      width: 2.5rem;
      height: 2.5rem;
      flex: none;
      object-fit: contain;
      border-radius: 6px;
    }
    .letter {
      display: grid;
      place-items: center;
      background: var(--accent-soft);
      color: var(--accent-strong);
      font-weight: 700;
      font-size: 1.2rem;
    }
    .desc,
    .cats,
    .note {
      margin: 0;
      font-size: 0.9rem;
    }
    .cats {
      font-size: 0.8rem;
    }
    .ports {
      border: 0;
      padding: 0;
      margin: 0 0 1rem;
      display: grid;
      gap: 0.4rem;
    }
    .port {
      display: flex;
      gap: 0.5rem;
      align-items: center;
      flex-wrap: wrap;
    }
    .port .input {
      width: 7rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AppTemplatesPage {
  protected readonly ctx = inject(EnvironmentContext);
  private readonly api = inject(TemplatesApi);
  private readonly containers = inject(ContainersApi);
  private readonly images = inject(ImagesApi);
  private readonly environments = inject(DockerEnvironmentApi);
  private readonly session = inject(SessionStore);
  private readonly router = inject(Router);
  private readonly toasts = inject(ToastService);
  protected readonly P = Permission;
  protected readonly slug = templateSlug;
  protected readonly kind = appTemplateKind;
  protected readonly isStack = isStackTemplate;

  protected readonly templates = signal<AppTemplate[]>([]);
  protected readonly state = new LoadState();
  protected readonly query = signal('');
  protected readonly category = signal('');
  protected readonly categories = computed(() => templateCategories(this.templates()));
  protected readonly shown = computed(() =>
    filterTemplates(this.templates(), this.query(), this.category(), !!this.deploy.swarmId()),
  );

  protected readonly deploy = new TemplateDeploy<AppTemplate>();
  protected readonly hostPorts = signal<Partial<Record<string, string>>>({});
  protected readonly progress = signal<string | null>(null);
  protected readonly fields = computed(() => {
    const t = this.deploy.chosen();
    return t ? templateEnvFields(t) : [];
  });

  constructor() {
    reloadOnEnvironment(this.ctx, () => this.load());
  }

  async load(): Promise<void> {
    await this.state.run('the templates', async () => {
      const [list] = await Promise.all([this.api.appTemplates(), this.deploy.readTarget()]);
      this.templates.set(list);
    });
  }

  protected open(t: AppTemplate): void {
    const values = Object.fromEntries(templateEnvFields(t).map((f) => [f.field.name, f.value]));
    this.deploy.open(t, t.name ?? templateSlug(t.title), values, () => {
      this.hostPorts.set({});
      this.progress.set(null);
    });
  }

  protected portOf(port: string): string {
    return this.hostPorts()[port] ?? '';
  }

  protected setPort(port: string, value: string): void {
    this.hostPorts.update((v) => ({ ...v, [port]: value.trim() }));
  }

  protected async submit(t: AppTemplate): Promise<void> {
    const missing = missingTemplateEnv(t, this.deploy.values());
    await this.deploy.dialog.submit(
      () => !!this.deploy.nameError(),
      async () => {
        if (missing.length) throw new Error(`Fill in: ${missing.join(', ')}.`);
        if (t.type === AppTemplateType.Container) await this.deployContainer(t);
        else await this.deployStack(t);
      },
    );
  }

  private async deployContainer(t: AppTemplate): Promise<void> {
    const envId = this.ctx.envId();
    const form = templateContainerForm(t, this.deploy.name(), this.deploy.values(), this.hostPorts());
    try {
      const id = await createContainer(
        {
          containers: this.containers,
          images: this.images,
          environments: this.environments,
          envId,
          me: this.session.user()?.Id,
          progress: (line) => this.progress.set(line),
        },
        form,
      );
      this.toasts.success(`Container ${form.name} created from ${t.title}`);
      this.deploy.dialog.close();
      await this.router.navigate(['/environments', envId, 'docker', 'containers', id]);
    } finally {
      this.progress.set(null);
    }
  }

  private async deployStack(t: AppTemplate): Promise<void> {
    this.progress.set('Reading the template’s compose file…');
    const content = await this.api.appTemplateFile(t).finally(() => this.progress.set(null));
    const stack = await this.deploy.createStack({
      content,
      env: templateEnv(t, this.deploy.values()),
      fromAppTemplate: true,
    });
    this.toasts.success(`Stack ${stack.Name} deployed from ${t.title}`);
    this.deploy.dialog.close();
    await this.router.navigate(['/environments', this.ctx.envId(), 'docker', 'stacks', stack.Id]);
  }
}
