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
import { RouterLink } from '@angular/router';
import {
  type Environment,
  type EnvironmentGroup,
  type EnvironmentRole,
  type EnvironmentTag,
  EnvironmentsApi,
  type SecuritySettings,
  environmentTypeLabel,
  errorMessage,
} from '@capstan/portal-data-access';
import { Alert, FormControlDirective, FormField, PageHeader, Spinner } from '@capstan/portal-ui';

import { AccessEditor, type AccessPolicies } from '../shared/access-editor';
import { AccessCandidates, PageWork } from '../shared/page-work';
import { TagPicker } from '../shared/tag-picker';

type Tab = 'general' | 'security' | 'access';

/** What each security toggle lets regular users (non-administrators) do on this environment. */
export const SECURITY_FIELDS: readonly { key: keyof SecuritySettings; label: string }[] = [
  { key: 'allowBindMountsForRegularUsers', label: 'Bind-mount host paths into containers' },
  { key: 'allowPrivilegedModeForRegularUsers', label: 'Run privileged containers' },
  { key: 'allowHostNamespaceForRegularUsers', label: "Use the host's PID namespace" },
  { key: 'allowDeviceMappingForRegularUsers', label: 'Map host devices' },
  { key: 'allowContainerCapabilitiesForRegularUsers', label: 'Add or drop kernel capabilities' },
  { key: 'allowSysctlSettingForRegularUsers', label: 'Set sysctls' },
  { key: 'allowVolumeBrowserForRegularUsers', label: 'Browse volume contents' },
  { key: 'allowStackManagementForRegularUsers', label: 'Deploy and manage stacks' },
  { key: 'enableHostManagementFeatures', label: 'Host management features (administrators)' },
];

/** Edit an environment: connection and labels, security toggles for regular users, access policies. */
@Component({
  selector: 'cap-environment-edit-page',
  imports: [AccessEditor, Alert, FormField, FormControlDirective, PageHeader, RouterLink, Spinner, TagPicker],
  template: `
    <cap-page-header [title]="env()?.Name ?? 'Environment'" [subtitle]="subtitle()">
      <a class="btn" routerLink="/environments">‹ Environments</a>
    </cap-page-header>

    @if (loadError(); as message) {
      <cap-alert kind="error">{{ message }}</cap-alert>
    } @else if (env(); as e) {
      <div class="tabs" role="tablist" aria-label="Environment settings">
        @for (t of tabs; track t.id) {
          <button
            type="button"
            role="tab"
            class="tab"
            [id]="'tab-' + t.id"
            [attr.aria-selected]="tab() === t.id"
            [attr.aria-controls]="'panel-' + t.id"
            [attr.data-testid]="'edit-tab-' + t.id"
            (click)="tab.set(t.id)"
          >
            {{ t.label }}
          </button>
        }
      </div>

      <div class="card" role="tabpanel" [id]="'panel-' + tab()" [attr.aria-labelledby]="'tab-' + tab()">
        @switch (tab()) {
          @case ('general') {
            <form id="edit-form" novalidate (submit)="saveGeneral($event)">
              <cap-form-field
                label="Name"
                [required]="true"
                [error]="submitted() && !name().trim() ? 'Enter a name.' : null"
              >
                <input
                  capControl
                  class="input"
                  data-testid="edit-name"
                  [value]="name()"
                  (input)="name.set($any($event.target).value)"
                />
              </cap-form-field>
              <cap-form-field
                label="URL"
                [required]="true"
                [error]="submitted() && !url().trim() ? 'Enter the URL.' : null"
              >
                <input
                  capControl
                  class="input mono"
                  data-testid="edit-url"
                  [value]="url()"
                  (input)="url.set($any($event.target).value)"
                />
              </cap-form-field>
              <cap-form-field label="Group">
                <select
                  capControl
                  class="input"
                  data-testid="edit-group"
                  (change)="groupId.set(+$any($event.target).value)"
                >
                  @for (g of groups(); track g.Id) {
                    <option [value]="g.Id" [selected]="groupId() === g.Id">{{ g.Name }}</option>
                  }
                </select>
              </cap-form-field>
              <cap-tag-picker
                [tags]="tags()"
                [selected]="tagIds()"
                (selectedChange)="tagIds.set($event)"
                (created)="tags.set([...tags(), $event])"
              />
              <cap-form-field label="Public IP or host name" hint="Used for the links to published ports.">
                <input
                  capControl
                  class="input"
                  data-testid="edit-public-url"
                  [value]="publicUrl()"
                  (input)="publicUrl.set($any($event.target).value)"
                />
              </cap-form-field>
              <div class="form-actions">
                <button type="submit" class="btn btn-primary" data-testid="edit-save" [disabled]="busy()">
                  {{ busy() ? 'Saving…' : 'Save' }}
                </button>
              </div>
            </form>
          }
          @case ('security') {
            <p class="muted">
              What regular users may do on this environment. Administrators may do everything.
            </p>
            <ul class="toggles">
              @for (f of securityFields; track f.key) {
                <li>
                  <label>
                    <input
                      type="checkbox"
                      [attr.data-testid]="'security-' + f.key"
                      [checked]="security()[f.key]"
                      (change)="setSecurity(f.key, $any($event.target).checked)"
                    />
                    {{ f.label }}
                  </label>
                </li>
              }
            </ul>
            <div class="form-actions">
              <button
                type="button"
                class="btn btn-primary"
                data-testid="security-save"
                [disabled]="busy()"
                (click)="saveSecurity()"
              >
                {{ busy() ? 'Saving…' : 'Save security settings' }}
              </button>
            </div>
          }
          @case ('access') {
            <p class="muted">
              Users and teams with a role here see {{ e.Name }}; policies on its group apply as well.
            </p>
            <cap-access-editor
              [users]="candidates.users()"
              [teams]="candidates.teams()"
              [roles]="roles()"
              [userPolicies]="e.UserAccessPolicies"
              [teamPolicies]="e.TeamAccessPolicies"
              [busy]="busy()"
              (saved)="saveAccess($event)"
            />
          }
        }
      </div>
    } @else {
      <cap-spinner label="Loading the environment" />
    }
  `,
  styles: `
    .tabs {
      display: flex;
      gap: 0.25rem;
      flex-wrap: wrap;
      border-bottom: 1px solid var(--border);
      margin-bottom: 1rem;
    }
    .tab {
      border: 0;
      border-bottom: 2px solid transparent;
      background: none;
      padding: 0.5rem 0.9rem;
      font: inherit;
      color: var(--text-muted);
      cursor: pointer;
    }
    .tab[aria-selected='true'] {
      color: var(--text);
      border-bottom-color: var(--accent);
      font-weight: 600;
    }
    .card {
      max-width: 48rem;
    }
    .toggles {
      list-style: none;
      padding: 0;
      margin: 0 0 1rem;
      display: grid;
      gap: 0.5rem;
    }
    .toggles label {
      display: flex;
      gap: 0.5rem;
      align-items: center;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EnvironmentEditPage {
  private readonly api = inject(EnvironmentsApi);
  protected readonly candidates = new AccessCandidates();
  private readonly work = new PageWork();
  protected readonly busy = this.work.busy;

  /** Route parameter (component input binding). */
  readonly id = input.required<string>();

  protected readonly tabs: readonly { id: Tab; label: string }[] = [
    { id: 'general', label: 'General' },
    { id: 'security', label: 'Security' },
    { id: 'access', label: 'Access' },
  ];
  protected readonly securityFields = SECURITY_FIELDS;
  readonly tab = signal<Tab>('general');

  protected readonly env = signal<Environment | null>(null);
  protected readonly loadError = signal<string | null>(null);
  protected readonly groups = signal<EnvironmentGroup[]>([]);
  protected readonly tags = signal<EnvironmentTag[]>([]);
  protected readonly roles = signal<EnvironmentRole[]>([]);
  protected readonly submitted = signal(false);

  protected readonly name = signal('');
  protected readonly url = signal('');
  protected readonly groupId = signal(1);
  protected readonly tagIds = signal<number[]>([]);
  protected readonly publicUrl = signal('');
  protected readonly security = signal<SecuritySettings>({} as SecuritySettings);

  private readonly envId = computed(() => Number(this.id()));
  protected readonly subtitle = computed(() => {
    const e = this.env();
    return e ? `${environmentTypeLabel(e)} · ${e.URL}` : '';
  });

  constructor() {
    effect(() => {
      const id = this.envId();
      untracked(() => void this.load(id));
    });
  }

  protected setSecurity(key: keyof SecuritySettings, on: boolean): void {
    this.security.update((s) => ({ ...s, [key]: on }));
  }

  protected async saveGeneral(event: Event): Promise<void> {
    event.preventDefault();
    this.submitted.set(true);
    if (!this.name().trim() || !this.url().trim()) return;
    await this.save('Environment saved', () =>
      this.api.update(this.envId(), {
        Name: this.name().trim(),
        URL: this.url().trim(),
        GroupID: this.groupId(),
        TagIds: this.tagIds(),
        PublicURL: this.publicUrl().trim(),
      }),
    );
  }

  protected async saveSecurity(): Promise<void> {
    await this.save('Security settings saved', () =>
      this.api.updateSecuritySettings(this.envId(), this.security()),
    );
  }

  protected async saveAccess(policies: AccessPolicies): Promise<void> {
    await this.save('Access saved', () =>
      this.api.update(this.envId(), {
        UserAccessPolicies: policies.users,
        TeamAccessPolicies: policies.teams,
      }),
    );
  }

  private save(done: string, call: () => Promise<Environment>): Promise<void> {
    return this.work.run(done, async () => this.apply(await call()));
  }

  private apply(env: Environment): void {
    this.env.set(env);
    this.name.set(env.Name);
    this.url.set(env.URL);
    this.groupId.set(env.GroupId);
    this.tagIds.set([...env.TagIds]);
    this.publicUrl.set(env.PublicURL);
    this.security.set({ ...env.SecuritySettings });
  }

  private async load(id: number): Promise<void> {
    try {
      const [env, groups, tags, roles] = await Promise.all([
        this.api.get(id),
        this.api.groups(),
        this.api.tags(),
        this.api.roles(),
      ]);
      this.groups.set(groups);
      this.tags.set(tags);
      this.roles.set(roles);
      this.apply(env);
    } catch (error) {
      this.loadError.set(`Could not load the environment: ${errorMessage(error)}`);
      return;
    }
    await this.candidates.load();
  }
}
