import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { REGISTRY_TYPES, RegistriesApi, type RegistryPing, errorMessage } from '@capstan/portal-data-access';
import {
  Alert,
  FormControlDirective,
  FormField,
  PageHeader,
  Spinner,
  ToastService,
} from '@capstan/portal-ui';

import {
  TYPE_SETTINGS,
  blankForm,
  formOf,
  registryBody,
  validateRegistry,
  withType,
  type RegistryFormValue,
} from './registry-form';

/** Add or edit a registry: the fields its type needs, "Test connection" (a real login), save. */
@Component({
  selector: 'cap-registry-form-page',
  imports: [Alert, FormField, FormControlDirective, PageHeader, Spinner, RouterLink],
  template: `
    <cap-page-header
      [title]="editId() ? 'Registry ' + form().name : 'Add a registry'"
      [subtitle]="settings().hint"
    />
    @if (loadError(); as message) {
      <cap-alert kind="error">{{ message }}</cap-alert>
    } @else if (!loaded()) {
      <cap-spinner label="Loading the registry" />
    } @else {
      <form novalidate class="card registry-form" (submit)="save($event)" data-testid="registry-form">
        @if (formError(); as message) {
          <cap-alert kind="error">{{ message }}</cap-alert>
        }
        <div class="grid-2">
          <cap-form-field label="Type" [error]="shown().type">
            <select
              capControl
              class="input"
              name="type"
              data-testid="registry-type"
              [disabled]="!!editId()"
              (change)="setType(+$any($event.target).value)"
            >
              @for (t of types; track t.id) {
                <option [value]="t.id" [selected]="form().type === t.id">{{ t.label }}</option>
              }
            </select>
          </cap-form-field>
          <cap-form-field label="Name" [required]="true" [error]="shown().name">
            <input
              capControl
              class="input"
              name="name"
              autocomplete="off"
              data-testid="registry-name"
              [value]="form().name"
              (input)="patch({ name: $any($event.target).value })"
            />
          </cap-form-field>
          @if (!settings().fixedUrl) {
            <cap-form-field label="Registry address" [required]="true" [error]="shown().url">
              <input
                capControl
                class="input"
                name="url"
                autocomplete="off"
                placeholder="registry.example.com:5000"
                data-testid="registry-url"
                [value]="form().url"
                (input)="patch({ url: $any($event.target).value })"
              />
            </cap-form-field>
          }
          @if (form().type === 5) {
            <cap-form-field label="Base URL" [required]="true" [error]="shown().baseUrl">
              <input
                capControl
                class="input"
                name="baseUrl"
                placeholder="https://proget.example.com"
                data-testid="registry-base-url"
                [value]="form().baseUrl"
                (input)="patch({ baseUrl: $any($event.target).value })"
              />
            </cap-form-field>
          }
          @if (form().type === 7) {
            <cap-form-field label="Region" [required]="true" [error]="shown().ecrRegion">
              <input
                capControl
                class="input"
                name="ecrRegion"
                placeholder="eu-west-1"
                data-testid="registry-ecr-region"
                [value]="form().ecrRegion"
                (input)="patch({ ecrRegion: $any($event.target).value })"
              />
            </cap-form-field>
          }
          @if (form().type === 4) {
            <cap-form-field label="GitLab address" [required]="true" [error]="shown().gitlabInstance">
              <input
                capControl
                class="input"
                name="gitlabInstance"
                data-testid="registry-gitlab-instance"
                [value]="form().gitlabInstance"
                (input)="patch({ gitlabInstance: $any($event.target).value })"
              />
            </cap-form-field>
          }
        </div>
        @if (!settings().alwaysAuth) {
          <label class="check">
            <input
              type="checkbox"
              name="authentication"
              data-testid="registry-authentication"
              [checked]="form().authentication"
              (change)="patch({ authentication: $any($event.target).checked })"
            />
            The registry needs a login
          </label>
        }
        @if (needsLogin()) {
          <div class="grid-2">
            <cap-form-field [label]="settings().usernameLabel" [required]="true" [error]="shown().username">
              <input
                capControl
                class="input"
                name="username"
                autocomplete="off"
                data-testid="registry-username"
                [value]="form().username"
                (input)="patch({ username: $any($event.target).value })"
              />
            </cap-form-field>
            <cap-form-field
              [label]="settings().passwordLabel"
              [required]="!editId()"
              [hint]="
                editId() ? 'Leave empty to keep the stored one.' : 'Stored encrypted; never shown again.'
              "
              [error]="shown().password"
            >
              <input
                capControl
                class="input"
                type="password"
                name="password"
                autocomplete="new-password"
                data-testid="registry-password"
                [value]="form().password"
                (input)="patch({ password: $any($event.target).value })"
              />
            </cap-form-field>
          </div>
        }
        @if (settings().organisation) {
          <label class="check">
            <input
              type="checkbox"
              name="useOrganisation"
              data-testid="registry-use-organisation"
              [checked]="form().useOrganisation"
              (change)="patch({ useOrganisation: $any($event.target).checked })"
            />
            Use an organisation
          </label>
          @if (form().useOrganisation) {
            <cap-form-field label="Organisation" [required]="true" [error]="shown().organisation">
              <input
                capControl
                class="input"
                name="organisation"
                data-testid="registry-organisation"
                [value]="form().organisation"
                (input)="patch({ organisation: $any($event.target).value })"
              />
            </cap-form-field>
          }
        }
        @if (ping(); as p) {
          <div data-testid="registry-ping-result" aria-live="polite">
            <cap-alert [kind]="p.Ok ? 'success' : 'error'">
              {{
                p.Ok ? 'Connected: the registry accepted the login.' : 'The registry answered: ' + p.Message
              }}
            </cap-alert>
          </div>
        }
        <div class="actions">
          <a class="btn" routerLink="/admin/registries">Cancel</a>
          <button type="button" class="btn" data-testid="registry-test" [disabled]="busy()" (click)="test()">
            {{ testing() ? 'Testing…' : 'Test connection' }}
          </button>
          <button type="submit" class="btn btn-primary" data-testid="registry-save" [disabled]="busy()">
            {{ saving() ? 'Saving…' : editId() ? 'Save' : 'Add registry' }}
          </button>
        </div>
      </form>
    }
  `,
  styles: `
    .registry-form {
      display: grid;
      gap: 0.75rem;
      max-width: 56rem;
    }
    .check {
      display: flex;
      gap: 0.5rem;
      align-items: center;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      justify-content: flex-end;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RegistryFormPage {
  private readonly api = inject(RegistriesApi);
  private readonly router = inject(Router);
  private readonly toasts = inject(ToastService);

  protected readonly types = REGISTRY_TYPES;
  protected readonly editId = signal<number | null>(null);
  protected readonly form = signal<RegistryFormValue>(blankForm());
  protected readonly loaded = signal(false);
  protected readonly loadError = signal<string | null>(null);
  protected readonly formError = signal<string | null>(null);
  protected readonly ping = signal<RegistryPing | null>(null);
  protected readonly saving = signal(false);
  protected readonly testing = signal(false);
  protected readonly busy = computed(() => this.saving() || this.testing());
  private readonly submitted = signal(false);

  protected readonly settings = computed(() => TYPE_SETTINGS[this.form().type] ?? TYPE_SETTINGS[3]);
  protected readonly needsLogin = computed(() => this.settings().alwaysAuth || this.form().authentication);
  protected readonly errors = computed(() => validateRegistry(this.form(), this.editId() !== null));
  protected readonly shown = computed(() => (this.submitted() ? this.errors() : {}));

  constructor() {
    const raw = inject(ActivatedRoute).snapshot.paramMap.get('id');
    const id = raw === null ? null : Number(raw);
    if (id === null) {
      this.loaded.set(true);
      return;
    }
    if (!Number.isInteger(id) || id <= 0) {
      this.loadError.set('Not a registry id.');
      return;
    }
    this.editId.set(id);
    this.api
      .get(id)
      .then((r) => {
        this.form.set(formOf(r));
        this.loaded.set(true);
      })
      .catch((e: unknown) => this.loadError.set(`Could not load the registry: ${errorMessage(e)}`));
  }

  protected patch(change: Partial<RegistryFormValue>): void {
    this.form.update((f) => ({ ...f, ...change }));
    this.ping.set(null);
  }

  protected setType(type: number): void {
    this.form.update((f) => withType(f, type));
    this.ping.set(null);
  }

  protected async test(): Promise<void> {
    this.submitted.set(true);
    if (Object.keys(this.errors()).length > 0) return;
    this.testing.set(true);
    this.formError.set(null);
    try {
      this.ping.set(await this.api.ping(registryBody(this.form()), this.editId() ?? undefined));
    } catch (e) {
      this.formError.set(errorMessage(e));
    } finally {
      this.testing.set(false);
    }
  }

  protected async save(event: Event): Promise<void> {
    event.preventDefault();
    this.submitted.set(true);
    if (this.busy() || Object.keys(this.errors()).length > 0) return;
    this.saving.set(true);
    this.formError.set(null);
    const body = registryBody(this.form());
    try {
      const id = this.editId();
      if (id === null) await this.api.create(body);
      else await this.api.update(id, body);
      this.toasts.success(`Registry ${body.Name} saved`);
      await this.router.navigateByUrl('/admin/registries');
    } catch (e) {
      this.formError.set(errorMessage(e));
    } finally {
      this.saving.set(false);
    }
  }
}
