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
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { CustomTemplateType, TEMPLATE_VARIABLE_NAME, type TemplateVariable } from '@capstan/contracts-api';
import {
  STACK_SWARM,
  TemplatesApi,
  ThemeService,
  customTemplateStackType,
  errorMessage,
} from '@capstan/portal-data-access';
import {
  Alert,
  FormControlDirective,
  FormField,
  PageHeader,
  ToastService,
  YamlEditor,
} from '@capstan/portal-ui';

import { EnvironmentContext } from '../shell/environment-context';

const EXAMPLE = `services:
  app:
    image: {{ image }}
    restart: unless-stopped
`;

/** Largest template file the server takes (512 KiB). */
const MAX_TEMPLATE_BYTES = 512 * 1024;

interface VariableRow {
  name: string;
  label: string;
  defaultValue: string;
  description: string;
  /** Allowed values, comma separated ('' = free text). */
  choices: string;
}

function toRow(v: TemplateVariable): VariableRow {
  return {
    name: v.name,
    label: v.label,
    defaultValue: v.defaultValue,
    description: v.description,
    choices: (v.select ?? []).map((c) => c.value).join(', '),
  };
}

export function toVariable(r: VariableRow): TemplateVariable {
  const choices = r.choices
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  return {
    name: r.name.trim(),
    label: r.label.trim() || r.name.trim(),
    defaultValue: r.defaultValue,
    description: r.description.trim(),
    ...(choices.length ? { select: choices.map((value) => ({ value })) } : {}),
  };
}

/** The inputs of a variable row, in order (`ct-var-<testId>-<i>`). */
const VAR_FIELDS: readonly {
  key: keyof VariableRow;
  label: string;
  testId: string;
  mono?: boolean;
  wide?: boolean;
}[] = [
  { key: 'name', label: 'Name', testId: 'name', mono: true },
  { key: 'label', label: 'Label', testId: 'label' },
  { key: 'defaultValue', label: 'Default', testId: 'default', mono: true },
  { key: 'choices', label: 'Choices (comma separated)', testId: 'choices', mono: true },
  { key: 'description', label: 'Description', testId: 'description', wide: true },
];

/** What is wrong with the variable rows (null when valid), the server's rules. */
export function variablesError(rows: readonly VariableRow[]): string | null {
  const seen = new Set<string>();
  for (const [i, r] of rows.entries()) {
    const name = r.name.trim();
    if (!TEMPLATE_VARIABLE_NAME.test(name))
      return `Variable ${i + 1}: a name of letters, digits and "_", not starting with a digit.`;
    if (seen.has(name)) return `${name} is given twice.`;
    seen.add(name);
    const v = toVariable(r);
    if (v.select && v.defaultValue && !v.select.some((c) => c.value === v.defaultValue))
      return `${name}: the default must be one of the choices.`;
  }
  return null;
}

/**
 * Create or edit a custom template: title, description, note, logo, compose or Swarm, the file in the YAML editor
 * with `{{ name }}` variables, and the variables (label, default, description, choices).
 */
@Component({
  selector: 'cap-custom-template-edit-page',
  imports: [Alert, FormControlDirective, FormField, PageHeader, RouterLink, YamlEditor],
  template: `
    <cap-page-header [title]="editing() ? 'Edit custom template' : 'Add a custom template'">
      <a class="btn" [routerLink]="back()">Cancel</a>
    </cap-page-header>
    @if (loadError(); as e) {
      <cap-alert kind="error">{{ e }}</cap-alert>
    }
    <form novalidate data-testid="ct-form" (submit)="save($event)">
      <section class="card">
        <cap-form-field label="Title" [required]="true" [error]="submitted() ? titleError() : null">
          <input
            capControl
            class="input"
            autocomplete="off"
            data-testid="ct-title"
            [value]="title()"
            (input)="title.set($any($event.target).value)"
          />
        </cap-form-field>
        <cap-form-field
          label="Description"
          [required]="true"
          [error]="submitted() ? descriptionError() : null"
        >
          <input
            capControl
            class="input"
            autocomplete="off"
            data-testid="ct-description"
            [value]="description()"
            (input)="description.set($any($event.target).value)"
          />
        </cap-form-field>
        <div class="grid-2">
          <cap-form-field label="Note" hint="Shown when it is deployed.">
            <input
              capControl
              class="input"
              autocomplete="off"
              data-testid="ct-note"
              [value]="note()"
              (input)="note.set($any($event.target).value)"
            />
          </cap-form-field>
          <cap-form-field label="Logo URL">
            <input
              capControl
              class="input mono"
              autocomplete="off"
              inputmode="url"
              data-testid="ct-logo"
              [value]="logo()"
              (input)="logo.set($any($event.target).value)"
            />
          </cap-form-field>
        </div>
        <div class="choices" role="radiogroup" aria-label="Deployed as">
          <label class="check">
            <input
              type="radio"
              name="ct-type"
              data-testid="ct-type-compose"
              [checked]="type() === COMPOSE"
              (change)="type.set(COMPOSE)"
            />
            Compose stack
          </label>
          <label class="check">
            <input
              type="radio"
              name="ct-type"
              data-testid="ct-type-swarm"
              [checked]="type() === SWARM"
              (change)="type.set(SWARM)"
            />
            Swarm stack
          </label>
        </div>
      </section>

      <section class="card">
        <h2>Compose file</h2>
        <p class="muted small">
          Write <code>{{ '{{ name }}' }}</code> where a variable's value goes.
        </p>
        <cap-yaml-editor testId="ct-editor" label="Template file" [dark]="dark()" [(value)]="content" />
        @if (submitted() && contentError(); as e) {
          <p class="field-error" role="alert">{{ e }}</p>
        }
      </section>

      <section class="card">
        <h2>Variables</h2>
        @for (v of variables(); track $index; let i = $index) {
          <fieldset class="var" [attr.data-testid]="'ct-var-' + i">
            <legend class="sr-only">Variable {{ i + 1 }}</legend>
            @for (f of varFields; track f.key) {
              <label [class.wide]="f.wide">
                <span class="small">{{ f.label }}</span>
                <input
                  class="input"
                  autocomplete="off"
                  [class.mono]="f.mono"
                  [attr.data-testid]="'ct-var-' + f.testId + '-' + i"
                  [value]="v[f.key]"
                  (input)="setVar(i, f.key, $any($event.target).value)"
                />
              </label>
            }
            <button
              type="button"
              class="btn btn-sm"
              [attr.data-testid]="'ct-var-remove-' + i"
              [attr.aria-label]="'Remove variable ' + (v.name || i + 1)"
              (click)="removeVar(i)"
            >
              Remove
            </button>
          </fieldset>
        }
        <button type="button" class="btn btn-sm" data-testid="ct-var-add" (click)="addVar()">
          + Add variable
        </button>
        @if (submitted() && varsError(); as e) {
          <p class="field-error" role="alert" data-testid="ct-var-error">{{ e }}</p>
        }
      </section>

      @if (error(); as e) {
        <cap-alert kind="error" testId="ct-error">{{ e }}</cap-alert>
      }
      <div class="form-actions">
        <a class="btn" [routerLink]="back()">Cancel</a>
        <button type="submit" class="btn btn-primary" data-testid="ct-save" [disabled]="busy()">
          {{ busy() ? 'Saving…' : editing() ? 'Save the template' : 'Create the template' }}
        </button>
      </div>
    </form>
  `,
  styles: `
    .grid-2 {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr));
      gap: 0 1rem;
      align-items: start;
    }
    .choices {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 1.5rem;
    }
    .card h2 {
      font-size: 1rem;
      margin-bottom: 0.5rem;
    }
    .small {
      font-size: 0.85rem;
    }
    .var {
      border: 1px solid var(--border);
      border-radius: 6px;
      padding: 0.6rem;
      margin: 0 0 0.6rem;
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr));
      gap: 0.5rem;
      align-items: end;
      min-width: 0;
    }
    .var label {
      display: grid;
      gap: 0.2rem;
      min-width: 0;
    }
    .var .wide {
      grid-column: 1 / -1;
    }
    .var .btn {
      justify-self: start;
    }
    .field-error {
      color: var(--danger-text);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CustomTemplateEditPage {
  private readonly ctx = inject(EnvironmentContext);
  private readonly api = inject(TemplatesApi);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly toasts = inject(ToastService);
  private readonly theme = inject(ThemeService);
  protected readonly COMPOSE = CustomTemplateType.ComposeStack;
  protected readonly SWARM = CustomTemplateType.SwarmStack;
  protected readonly varFields = VAR_FIELDS;
  protected readonly dark = computed(() => this.theme.effective() === 'dark');

  /** The route's `:id` (router input binding); absent on `new`. */
  readonly id = input<string>();
  protected readonly editing = computed(() => Number(this.id()) || 0);
  protected readonly back = computed(() => [
    '/environments',
    this.ctx.envId(),
    'docker',
    'templates',
    'custom',
  ]);

  protected readonly title = signal('');
  protected readonly description = signal('');
  protected readonly note = signal('');
  protected readonly logo = signal('');
  protected readonly type = signal<CustomTemplateType>(CustomTemplateType.ComposeStack);
  protected readonly content = signal(EXAMPLE);
  protected readonly variables = signal<VariableRow[]>([
    { name: 'image', label: 'Image', defaultValue: 'nginx:alpine', description: '', choices: '' },
  ]);
  protected readonly submitted = signal(false);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly loadError = signal<string | null>(null);

  protected readonly titleError = computed(() => (this.title().trim() ? null : 'A title is needed.'));
  protected readonly descriptionError = computed(() =>
    this.description().trim() ? null : 'A description is needed.',
  );
  protected readonly contentError = computed(() => {
    const text = this.content();
    if (!text.trim()) return 'The file is empty.';
    if (new Blob([text]).size > MAX_TEMPLATE_BYTES) return 'The file is over 512 KiB.';
    return null;
  });
  protected readonly varsError = computed(() => variablesError(this.variables()));

  constructor() {
    effect(() => {
      const id = this.editing();
      if (id) untracked(() => void this.load(id));
    });
  }

  private async load(id: number): Promise<void> {
    try {
      const [t, file] = await Promise.all([this.api.customTemplate(id), this.api.customTemplateFile(id)]);
      this.title.set(t.Title);
      this.description.set(t.Description);
      this.note.set(t.Note);
      this.logo.set(t.Logo);
      this.type.set(customTemplateStackType(t) === STACK_SWARM ? this.SWARM : this.COMPOSE);
      this.content.set(file);
      this.variables.set(t.Variables.map(toRow));
    } catch (error) {
      this.loadError.set(`Could not load the template: ${errorMessage(error)}`);
    }
  }

  protected setVar(i: number, key: keyof VariableRow, value: string): void {
    this.variables.update((rows) => rows.map((r, j) => (j === i ? { ...r, [key]: value } : r)));
  }

  protected addVar(): void {
    this.variables.update((rows) => [
      ...rows,
      { name: '', label: '', defaultValue: '', description: '', choices: '' },
    ]);
  }

  protected removeVar(i: number): void {
    this.variables.update((rows) => rows.filter((_, j) => j !== i));
  }

  protected async save(event: Event): Promise<void> {
    event.preventDefault();
    this.submitted.set(true);
    if (
      this.titleError() ||
      this.descriptionError() ||
      this.contentError() ||
      this.varsError() ||
      this.busy()
    )
      return;
    this.busy.set(true);
    this.error.set(null);
    const form = {
      title: this.title(),
      description: this.description(),
      note: this.note(),
      logo: this.logo(),
      type: this.type(),
      content: this.content(),
      variables: this.variables().map(toVariable),
    };
    try {
      const id = this.editing();
      const saved = id
        ? await this.api.updateCustomTemplate(id, form)
        : await this.api.createCustomTemplate(form);
      this.toasts.success(`Template ${saved.Title} ${id ? 'saved' : 'created'}`);
      await this.router.navigate(this.back(), { relativeTo: this.route });
    } catch (error) {
      this.error.set(`Could not save the template: ${errorMessage(error)}`);
    } finally {
      this.busy.set(false);
    }
  }
}
