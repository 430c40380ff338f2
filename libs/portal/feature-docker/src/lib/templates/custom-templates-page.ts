import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { Permission, renderTemplate } from '@capstan/contracts-api';
import {
  LoadState,
  STACK_SWARM,
  SessionStore,
  TemplatesApi,
  ThemeService,
  customTemplateStackType,
  errorMessage,
  type CustomTemplate,
} from '@capstan/portal-data-access';
import {
  CellDef,
  DataTable,
  FormControlDirective,
  FormDialog,
  FormField,
  ListPage,
  ToastService,
  YamlEditor,
  confirmedAction,
  type TableColumn,
} from '@capstan/portal-ui';

import { reloadOnEnvironment } from '../resources/shared/reload';
import { EnvironmentContext } from '../shell/environment-context';
import { StackDeployLogCard } from '../stacks/deploy-log';
import { TemplateDeploy } from './template-deploy';
import { TemplatesTabs } from './templates-tabs';
import { templateSlug } from './template-forms';

/**
 * Custom templates (`/api/custom_templates`): list, create and edit (own page), delete, and deploy as a stack with
 * its `{{ variables }}` filled from a form — rendered by contracts' `renderTemplate`, the server's renderer, so the
 * preview is what is deployed.
 */
@Component({
  selector: 'cap-custom-templates-page',
  imports: [
    CellDef,
    DataTable,
    FormControlDirective,
    FormDialog,
    FormField,
    ListPage,
    RouterLink,
    StackDeployLogCard,
    TemplatesTabs,
    YamlEditor,
  ],
  template: `
    <cap-list-page
      title="Custom templates"
      [subtitle]="subtitle"
      [error]="state.error()"
      searchLabel="Search custom templates"
      searchPlaceholder="Search by title or description (press /)"
      searchTestId="custom-templates-search"
      [(query)]="query"
      refreshTestId="custom-templates-refresh"
      (refresh)="load()"
    >
      <a listActions class="btn btn-primary" routerLink="new" data-testid="custom-template-create"
        >+ Add template</a
      >
      <cap-templates-tabs listNotices />
    </cap-list-page>

    <cap-data-table
      caption="Custom templates"
      [columns]="columns"
      [rows]="filtered()"
      [loading]="state.loading()"
      [rowTestId]="rowTestId"
      [pageSize]="25"
      emptyMessage="No custom templates yet."
    >
      <ng-template capCell="Title" [capCellOf]="filtered()" let-row>
        <strong class="title">{{ row.Title }}</strong>
        @if (row.Description) {
          <span class="muted desc">{{ row.Description }}</span>
        }
      </ng-template>
      <ng-template capCell="actions" [capCellOf]="filtered()" let-row>
        @if (deployable(row)) {
          <button
            type="button"
            class="btn-link"
            [attr.data-testid]="'custom-template-deploy-' + slug(row.Title)"
            (click)="open(row)"
          >
            Deploy
          </button>
        }
        @if (mayEdit(row)) {
          <a
            class="btn-link"
            [routerLink]="[row.Id]"
            [attr.data-testid]="'custom-template-edit-' + slug(row.Title)"
            >Edit</a
          >
          <button
            type="button"
            class="btn-link danger"
            [attr.data-testid]="'custom-template-delete-' + slug(row.Title)"
            (click)="remove(row)"
          >
            Delete
          </button>
        }
      </ng-template>
    </cap-data-table>

    @if (deploy.dialog.open() && deploy.chosen(); as t) {
      <cap-form-dialog
        [title]="'Deploy ' + t.Title"
        formId="ct-deploy-form"
        testId="ct-deploy-dialog"
        submitTestId="ct-deploy-submit"
        size="wide"
        label="Deploy the stack"
        busyLabel="Deploying…"
        [busy]="deploy.dialog.busy()"
        [error]="deploy.dialog.error()"
        (submitted)="submit()"
        (closed)="deploy.close()"
      >
        @if (t.Note) {
          <p class="muted">{{ t.Note }}</p>
        }
        <cap-form-field
          label="Stack name"
          [required]="true"
          [error]="deploy.dialog.submitted() ? deploy.nameError() : null"
        >
          <input
            capControl
            class="input mono"
            autocomplete="off"
            data-testid="ct-deploy-name"
            [value]="deploy.name()"
            (input)="deploy.name.set($any($event.target).value)"
          />
        </cap-form-field>
        @for (v of t.Variables; track v.name) {
          <cap-form-field
            [label]="v.label || v.name"
            [hint]="v.description"
            [error]="deploy.dialog.submitted() ? problemOf(v.name) : null"
          >
            @if (v.select?.length) {
              <select
                capControl
                class="input"
                [attr.data-testid]="'ct-deploy-var-' + v.name"
                [value]="deploy.valueOf(v.name) ?? v.defaultValue"
                (change)="deploy.setValue(v.name, $any($event.target).value)"
              >
                @for (c of v.select; track c.value) {
                  <option [value]="c.value">{{ c.label || c.value }}</option>
                }
              </select>
            } @else {
              <input
                capControl
                class="input mono"
                autocomplete="off"
                [attr.placeholder]="v.defaultValue"
                [attr.data-testid]="'ct-deploy-var-' + v.name"
                [value]="deploy.valueOf(v.name) ?? ''"
                (input)="deploy.setValue(v.name, $any($event.target).value)"
              />
            }
          </cap-form-field>
        }
        <details class="preview">
          <summary data-testid="ct-deploy-preview-toggle">The compose file that will be deployed</summary>
          <cap-yaml-editor
            testId="ct-deploy-preview"
            label="Rendered compose file"
            [readOnly]="true"
            [dark]="dark()"
            [value]="rendered().content"
          />
        </details>
        @if (deploy.dialog.busy() || deploy.watch.log()) {
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
    .title {
      margin-right: 0.5rem;
      overflow-wrap: anywhere;
    }
    .desc {
      font-size: 0.85rem;
      overflow-wrap: anywhere;
    }
    .preview {
      margin-bottom: 1rem;
    }
    .preview summary {
      cursor: pointer;
      margin-bottom: 0.5rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CustomTemplatesPage {
  protected readonly ctx = inject(EnvironmentContext);
  private readonly api = inject(TemplatesApi);
  private readonly session = inject(SessionStore);
  private readonly router = inject(Router);
  private readonly toasts = inject(ToastService);
  private readonly theme = inject(ThemeService);
  private readonly confirmed = confirmedAction();
  protected readonly P = Permission;
  protected readonly slug = templateSlug;
  protected readonly dark = computed(() => this.theme.effective() === 'dark');
  protected readonly subtitle = 'Your own compose files with {{ variables }}, deployed as stacks.';

  protected readonly columns: TableColumn<CustomTemplate>[] = [
    { key: 'Title', label: 'Title', sortable: true },
    {
      key: 'Type',
      label: 'Type',
      sortable: true,
      value: (t) => (customTemplateStackType(t) === STACK_SWARM ? 'Swarm stack' : 'Compose stack'),
    },
    { key: 'Variables', label: 'Variables', secondary: true, value: (t) => t.Variables.length },
    { key: 'actions', label: 'Actions' },
  ];
  protected readonly rowTestId = (t: CustomTemplate): string =>
    `custom-template-row-${templateSlug(t.Title)}`;

  protected readonly templates = signal<CustomTemplate[]>([]);
  protected readonly state = new LoadState();
  protected readonly query = signal('');
  protected readonly filtered = computed(() => {
    const q = this.query().trim().toLowerCase();
    const list = this.templates();
    return q
      ? list.filter((t) => t.Title.toLowerCase().includes(q) || t.Description.toLowerCase().includes(q))
      : list;
  });

  protected readonly deploy = new TemplateDeploy<CustomTemplate>();
  private readonly file = signal('');
  protected readonly rendered = computed(() =>
    renderTemplate(this.file(), this.deploy.chosen()?.Variables ?? [], this.deploy.values()),
  );

  constructor() {
    reloadOnEnvironment(this.ctx, () => this.load());
  }

  async load(): Promise<void> {
    await this.state.run('the custom templates', async () => {
      const [list] = await Promise.all([this.api.customTemplates(), this.deploy.readTarget()]);
      this.templates.set(list);
    });
  }

  /** A Swarm template deploys on a Swarm manager, a compose one anywhere else; creating stacks is needed. */
  protected deployable(t: CustomTemplate): boolean {
    if (!this.ctx.canAct(Permission.ResourcesCreate)) return false;
    return (customTemplateStackType(t) === STACK_SWARM) === !!this.deploy.swarmId();
  }

  protected mayEdit(t: CustomTemplate): boolean {
    return this.session.isAdmin() || t.CreatedByUserId === this.session.user()?.Id;
  }

  protected problemOf(name: string): string | null {
    return this.rendered().problems.find((p) => p.variable === name)?.problem ?? null;
  }

  protected async open(t: CustomTemplate): Promise<void> {
    try {
      const file = await this.api.customTemplateFile(t.Id);
      this.deploy.open(t, templateSlug(t.Title), {}, () => this.file.set(file));
    } catch (error) {
      this.toasts.error(`Could not read ${t.Title}: ${errorMessage(error)}`);
    }
  }

  protected async submit(): Promise<void> {
    const t = this.deploy.chosen();
    if (!t) return;
    await this.deploy.dialog.submit(
      () => !!this.deploy.nameError() || this.rendered().problems.length > 0,
      async () => {
        const stack = await this.deploy.createStack({ content: this.rendered().content, env: [] });
        this.toasts.success(`Stack ${stack.Name} deployed from ${t.Title}`);
        this.deploy.dialog.close();
        await this.router.navigate(['/environments', this.ctx.envId(), 'docker', 'stacks', stack.Id]);
      },
    );
  }

  protected remove(t: CustomTemplate): Promise<void> {
    return this.confirmed({
      title: 'Delete custom template',
      message: `Delete the template ${t.Title}? Stacks deployed from it stay.`,
      confirmLabel: 'Delete',
      run: () => this.api.deleteCustomTemplate(t.Id),
      done: `Template ${t.Title} deleted`,
      then: () => this.load(),
      failed: (error) => `Could not delete ${t.Title}: ${errorMessage(error)}`,
    });
  }
}
