import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { Permission } from '@capstan/contracts-api';
import {
  AdminApi,
  type LdapSettings,
  type LdapTestResult,
  SessionStore,
  type Settings,
  errorMessage,
} from '@capstan/portal-data-access';
import {
  Alert,
  FormControlDirective,
  FormField,
  PageHeader,
  Spinner,
  ToastService,
} from '@capstan/portal-ui';

type TlsMode = 'none' | 'starttls' | 'ldaps';
interface UserSearch {
  BaseDN: string;
  Filter: string;
  UserNameAttribute: string;
}
interface GroupSearch {
  GroupBaseDN: string;
  GroupFilter: string;
  GroupAttribute: string;
}

/** Server presets: what the user and group searches usually look like (0 custom, 1 OpenLDAP, 2 Active Directory). */
export const LDAP_PRESETS: Record<
  number,
  { user: Omit<UserSearch, 'BaseDN'>; group: Omit<GroupSearch, 'GroupBaseDN'> }
> = {
  1: {
    user: { Filter: '(objectClass=inetOrgPerson)', UserNameAttribute: 'uid' },
    group: { GroupFilter: '(objectClass=groupOfNames)', GroupAttribute: 'member' },
  },
  2: {
    user: { Filter: '(&(objectCategory=person)(objectClass=user))', UserNameAttribute: 'sAMAccountName' },
    group: { GroupFilter: '(objectClass=group)', GroupAttribute: 'member' },
  },
};

/** Problems that keep the LDAP form from being saved, checked like the server does. */
export function validateLdap(
  urls: readonly string[],
  anonymous: boolean,
  readerDn: string,
  searches: readonly UserSearch[],
): string[] {
  const errors: string[] = [];
  if (urls.length === 0) errors.push('Give at least one server URL.');
  if (urls.some((u) => /\s/.test(u))) errors.push('A server URL cannot contain spaces.');
  if (!anonymous && readerDn.trim() === '') errors.push('Give the reader DN, or choose anonymous mode.');
  if (!searches.some((s) => s.BaseDN.trim() && s.UserNameAttribute.trim()))
    errors.push('Give at least one user search with a base DN and a user-name attribute.');
  return errors;
}

/** How users sign in: internal passwords or an LDAP / Active Directory directory (`/api/settings`, `/api/ldap/*`). */
@Component({
  selector: 'cap-authentication-page',
  imports: [Alert, FormField, FormControlDirective, PageHeader, Spinner],
  template: `
    <cap-page-header title="Authentication" subtitle="How users sign in to this instance." />
    @if (loadError(); as message) {
      <cap-alert kind="error">{{ message }}</cap-alert>
    } @else if (!loaded()) {
      <cap-spinner label="Loading settings" />
    } @else {
      <form novalidate (submit)="save($event)">
        <fieldset class="card" [disabled]="!canUpdate()">
          <legend>Method</legend>
          <div class="methods" role="radiogroup" aria-label="Authentication method">
            <label
              ><input
                type="radio"
                name="method"
                data-testid="auth-method-internal"
                [checked]="method() === 1"
                (change)="method.set(1)"
              />
              Internal</label
            >
            <label
              ><input
                type="radio"
                name="method"
                data-testid="auth-method-ldap"
                [checked]="method() === 2"
                (change)="method.set(2)"
              />
              LDAP / Active Directory</label
            >
          </div>
          <p class="muted">The initial administrator can always sign in with their internal password.</p>
        </fieldset>

        @if (method() === 2) {
          <fieldset class="card" [disabled]="!canUpdate()">
            <legend>Directory server</legend>
            <div class="grid-2">
              <cap-form-field label="Server type" hint="Fills in the usual searches.">
                <select
                  capControl
                  class="input"
                  name="serverType"
                  data-testid="ldap-server-type"
                  (change)="applyPreset(+$any($event.target).value)"
                >
                  <option value="0" [selected]="serverType() === 0">Custom</option>
                  <option value="1" [selected]="serverType() === 1">OpenLDAP</option>
                  <option value="2" [selected]="serverType() === 2">Active Directory</option>
                </select>
              </cap-form-field>
              <cap-form-field label="Security">
                <select
                  capControl
                  class="input"
                  name="tls"
                  data-testid="ldap-tls"
                  (change)="tls.set($any($event.target).value)"
                >
                  <option value="none" [selected]="tls() === 'none'">None (plain LDAP)</option>
                  <option value="starttls" [selected]="tls() === 'starttls'">StartTLS</option>
                  <option value="ldaps" [selected]="tls() === 'ldaps'">LDAPS</option>
                </select>
              </cap-form-field>
            </div>
            <cap-form-field
              label="Server URLs"
              hint="One per line (host:port or ldap:// / ldaps:// URL), tried in order."
            >
              <textarea
                capControl
                class="input"
                rows="2"
                name="urls"
                data-testid="ldap-urls"
                [value]="urlsText()"
                (input)="urlsText.set($any($event.target).value)"
              ></textarea>
            </cap-form-field>
            @if (tls() !== 'none') {
              <cap-form-field
                label="CA certificate (PEM)"
                hint="The certificate authority that signs the directory's certificate."
              >
                <textarea
                  capControl
                  class="input mono"
                  rows="3"
                  name="ca"
                  data-testid="ldap-ca"
                  [value]="caCert()"
                  (input)="caCert.set($any($event.target).value)"
                ></textarea>
              </cap-form-field>
              <label class="check"
                ><input
                  type="checkbox"
                  data-testid="ldap-skip-verify"
                  [checked]="skipVerify()"
                  (change)="skipVerify.set($any($event.target).checked)"
                />
                Skip certificate verification (not for production)</label
              >
            }
            <label class="check"
              ><input
                type="checkbox"
                data-testid="ldap-anonymous"
                [checked]="anonymous()"
                (change)="anonymous.set($any($event.target).checked)"
              />
              Anonymous mode (search without a reader account)</label
            >
            @if (!anonymous()) {
              <div class="grid-2">
                <cap-form-field label="Reader DN">
                  <input
                    capControl
                    class="input"
                    name="readerDn"
                    data-testid="ldap-reader-dn"
                    [value]="readerDn()"
                    (input)="readerDn.set($any($event.target).value)"
                  />
                </cap-form-field>
                <cap-form-field
                  label="Reader password"
                  hint="Stored encrypted; leave empty to keep the current one."
                >
                  <input
                    capControl
                    class="input"
                    type="password"
                    autocomplete="new-password"
                    name="readerPassword"
                    data-testid="ldap-reader-password"
                    [value]="readerPassword()"
                    (input)="readerPassword.set($any($event.target).value)"
                  />
                </cap-form-field>
              </div>
            }
            <button
              type="button"
              class="btn btn-sm"
              data-testid="ldap-check"
              [disabled]="busy()"
              (click)="check()"
            >
              Test connection
            </button>
            @if (checkResult(); as r) {
              <p role="status" [class.ok]="r.ok" [class.error]="!r.ok" data-testid="ldap-check-result">
                {{ r.text }}
              </p>
            }
          </fieldset>

          <fieldset class="card" [disabled]="!canUpdate()">
            <legend>User search</legend>
            @for (s of userSearches(); track $index; let i = $index) {
              <div class="row3" [attr.data-testid]="'ldap-user-search-' + i">
                <cap-form-field label="Base DN"
                  ><input
                    capControl
                    class="input"
                    [value]="s.BaseDN"
                    (input)="setUserSearch(i, 'BaseDN', $any($event.target).value)"
                /></cap-form-field>
                <cap-form-field label="Filter"
                  ><input
                    capControl
                    class="input"
                    [value]="s.Filter"
                    (input)="setUserSearch(i, 'Filter', $any($event.target).value)"
                /></cap-form-field>
                <cap-form-field label="User-name attribute"
                  ><input
                    capControl
                    class="input"
                    [value]="s.UserNameAttribute"
                    (input)="setUserSearch(i, 'UserNameAttribute', $any($event.target).value)"
                /></cap-form-field>
                <button
                  type="button"
                  class="btn btn-sm"
                  [attr.aria-label]="'Remove user search ' + (i + 1)"
                  (click)="removeUserSearch(i)"
                >
                  Remove
                </button>
              </div>
            }
            <button
              type="button"
              class="btn btn-sm"
              data-testid="ldap-user-search-add"
              (click)="addUserSearch()"
            >
              + Add user search
            </button>
            <label class="check"
              ><input
                type="checkbox"
                data-testid="ldap-auto-create"
                [checked]="autoCreate()"
                (change)="autoCreate.set($any($event.target).checked)"
              />
              Create users on their first sign-in</label
            >
          </fieldset>

          <fieldset class="card" [disabled]="!canUpdate()">
            <legend>Group search and teams</legend>
            <p class="muted">
              Teams linked to a directory group (on the team's page) get and lose members at every sign-in.
            </p>
            @for (g of groupSearches(); track $index; let i = $index) {
              <div class="row3" [attr.data-testid]="'ldap-group-search-' + i">
                <cap-form-field label="Group base DN"
                  ><input
                    capControl
                    class="input"
                    [value]="g.GroupBaseDN"
                    (input)="setGroupSearch(i, 'GroupBaseDN', $any($event.target).value)"
                /></cap-form-field>
                <cap-form-field label="Group filter"
                  ><input
                    capControl
                    class="input"
                    [value]="g.GroupFilter"
                    (input)="setGroupSearch(i, 'GroupFilter', $any($event.target).value)"
                /></cap-form-field>
                <cap-form-field label="Member attribute"
                  ><input
                    capControl
                    class="input"
                    [value]="g.GroupAttribute"
                    (input)="setGroupSearch(i, 'GroupAttribute', $any($event.target).value)"
                /></cap-form-field>
                <button
                  type="button"
                  class="btn btn-sm"
                  [attr.aria-label]="'Remove group search ' + (i + 1)"
                  (click)="removeGroupSearch(i)"
                >
                  Remove
                </button>
              </div>
            }
            <button
              type="button"
              class="btn btn-sm"
              data-testid="ldap-group-search-add"
              (click)="addGroupSearch()"
            >
              + Add group search
            </button>
            <label class="check"
              ><input
                type="checkbox"
                data-testid="ldap-admin-populate"
                [checked]="adminPopulate()"
                (change)="adminPopulate.set($any($event.target).checked)"
              />
              Make members of these groups administrators</label
            >
            @if (adminPopulate()) {
              <cap-form-field label="Administrator groups" hint="Group names or DNs, comma-separated.">
                <input
                  capControl
                  class="input"
                  data-testid="ldap-admin-groups"
                  [value]="adminGroups()"
                  (input)="adminGroups.set($any($event.target).value)"
                />
              </cap-form-field>
            }
            <div class="preview">
              <cap-form-field
                label="Preview a user"
                hint="Shows the user's groups and the linked teams they would get."
              >
                <input
                  capControl
                  class="input"
                  data-testid="ldap-preview-user"
                  [value]="previewUser()"
                  (input)="previewUser.set($any($event.target).value)"
                />
              </cap-form-field>
              <button
                type="button"
                class="btn btn-sm"
                data-testid="ldap-preview"
                [disabled]="busy() || !previewUser().trim()"
                (click)="preview()"
              >
                Preview
              </button>
            </div>
            @if (previewError(); as message) {
              <p class="error" role="status">{{ message }}</p>
            }
            @if (previewResult(); as r) {
              <div data-testid="ldap-preview-result" role="status">
                <p>
                  <strong>{{ r.UserDN }}</strong> <span class="muted">via {{ r.URL }}</span>
                </p>
                <p>
                  Groups:
                  @for (g of r.Groups; track g.DN) {
                    <span class="badge" [title]="g.DN">{{ g.Name }}</span>
                  } @empty {
                    <span class="muted">none</span>
                  }
                </p>
                <p>
                  Teams:
                  @for (t of r.Teams; track t.Id) {
                    <span class="badge badge-accent">{{ t.Name }}</span>
                  } @empty {
                    <span class="muted">no linked team</span>
                  }
                </p>
              </div>
            }
          </fieldset>
        }
        @if (formErrors().length > 0 && submitted()) {
          <cap-alert kind="error">
            @for (e of formErrors(); track e) {
              <div>{{ e }}</div>
            }
          </cap-alert>
        }
        @if (canUpdate()) {
          <div class="form-actions">
            <button type="submit" class="btn btn-primary" data-testid="auth-save" [disabled]="busy()">
              {{ busy() ? 'Saving…' : 'Save' }}
            </button>
          </div>
        }
      </form>
    }
  `,
  styles: `
    fieldset {
      margin: 0 0 1rem;
      min-width: 0;
    }
    .methods {
      display: flex;
      gap: 1.5rem;
      flex-wrap: wrap;
    }
    .check {
      display: block;
      margin: 0.5rem 0;
    }
    .row3 {
      display: grid;
      grid-template-columns: 1fr 1fr 1fr auto;
      gap: 0 0.75rem;
      align-items: center;
    }
    .preview {
      display: flex;
      gap: 0.75rem;
      align-items: center;
      flex-wrap: wrap;
      margin-top: 0.75rem;
    }
    .mono {
      font-family: var(--font-mono, monospace);
    }
    .ok {
      color: var(--success-text, inherit);
    }
    .error {
      color: var(--danger-text);
    }
    .badge {
      margin-right: 0.25rem;
    }
    @media (max-width: 600px) {
      .row3 {
        grid-template-columns: 1fr;
      }
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AuthenticationPage {
  private readonly adminApi = inject(AdminApi);
  private readonly session = inject(SessionStore);
  private readonly toasts = inject(ToastService);

  protected readonly canUpdate = computed(() => this.session.can(Permission.SettingsUpdate));
  protected readonly loaded = signal(false);
  protected readonly loadError = signal<string | null>(null);
  protected readonly busy = signal(false);
  protected readonly submitted = signal(false);

  protected readonly method = signal(1);
  protected readonly serverType = signal(0);
  protected readonly tls = signal<TlsMode>('none');
  protected readonly urlsText = signal('');
  protected readonly caCert = signal('');
  protected readonly skipVerify = signal(false);
  protected readonly anonymous = signal(true);
  protected readonly readerDn = signal('');
  protected readonly readerPassword = signal('');
  protected readonly userSearches = signal<UserSearch[]>([]);
  protected readonly groupSearches = signal<GroupSearch[]>([]);
  protected readonly autoCreate = signal(true);
  protected readonly adminPopulate = signal(false);
  protected readonly adminGroups = signal('');
  protected readonly checkResult = signal<{ ok: boolean; text: string } | null>(null);
  protected readonly previewUser = signal('');
  protected readonly previewResult = signal<LdapTestResult | null>(null);
  protected readonly previewError = signal<string | null>(null);

  private readonly urls = computed(() =>
    this.urlsText()
      .split('\n')
      .map((u) => u.trim())
      .filter((u) => u !== ''),
  );
  protected readonly formErrors = computed(() =>
    this.method() === 2
      ? validateLdap(this.urls(), this.anonymous(), this.readerDn(), this.userSearches())
      : [],
  );

  constructor() {
    this.adminApi
      .settings()
      .then((s) => this.fill(s))
      .catch((error: unknown) => this.loadError.set(`Could not load the settings: ${errorMessage(error)}`));
  }

  protected applyPreset(type: number): void {
    this.serverType.set(type);
    const preset = LDAP_PRESETS[type];
    if (!preset) return;
    this.userSearches.update((list) =>
      (list.length ? list : [{ BaseDN: '', Filter: '', UserNameAttribute: '' }]).map((s) => ({
        ...s,
        ...preset.user,
      })),
    );
    this.groupSearches.update((list) =>
      (list.length ? list : [{ GroupBaseDN: '', GroupFilter: '', GroupAttribute: '' }]).map((g) => ({
        ...g,
        ...preset.group,
      })),
    );
  }

  protected setUserSearch(i: number, field: keyof UserSearch, value: string): void {
    this.userSearches.update((list) => list.map((s, j) => (j === i ? { ...s, [field]: value } : s)));
  }
  protected addUserSearch(): void {
    this.userSearches.update((list) => [
      ...list,
      {
        BaseDN: '',
        Filter: '',
        UserNameAttribute: LDAP_PRESETS[this.serverType()]?.user.UserNameAttribute ?? '',
      },
    ]);
  }
  protected removeUserSearch(i: number): void {
    this.userSearches.update((list) => list.filter((_, j) => j !== i));
  }
  protected setGroupSearch(i: number, field: keyof GroupSearch, value: string): void {
    this.groupSearches.update((list) => list.map((g, j) => (j === i ? { ...g, [field]: value } : g)));
  }
  protected addGroupSearch(): void {
    this.groupSearches.update((list) => [
      ...list,
      { GroupBaseDN: '', GroupFilter: '', GroupAttribute: 'member' },
    ]);
  }
  protected removeGroupSearch(i: number): void {
    this.groupSearches.update((list) => list.filter((_, j) => j !== i));
  }

  protected async check(): Promise<void> {
    this.busy.set(true);
    try {
      await this.adminApi.ldapCheck(this.ldapSettings());
      this.checkResult.set({ ok: true, text: 'Connected and bound.' });
    } catch (error) {
      this.checkResult.set({ ok: false, text: errorMessage(error) });
    } finally {
      this.busy.set(false);
    }
  }

  protected async preview(): Promise<void> {
    this.busy.set(true);
    this.previewError.set(null);
    this.previewResult.set(null);
    try {
      this.previewResult.set(await this.adminApi.ldapTest(this.previewUser().trim(), this.ldapSettings()));
    } catch (error) {
      this.previewError.set(errorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }

  protected async save(event: Event): Promise<void> {
    event.preventDefault();
    this.submitted.set(true);
    if (this.formErrors().length > 0 || this.busy()) return;
    this.busy.set(true);
    try {
      const saved = await this.adminApi.updateSettings({
        AuthenticationMethod: this.method() === 2 ? 2 : 1,
        ...(this.method() === 2 ? { LDAPSettings: this.ldapSettings() } : {}),
      });
      this.fill(saved);
      this.submitted.set(false);
      this.toasts.success('Authentication settings saved');
    } catch (error) {
      this.toasts.error(`Could not save: ${errorMessage(error)}`);
    } finally {
      this.busy.set(false);
    }
  }

  private ldapSettings(): LdapSettings {
    const tls = this.tls();
    return {
      ServerType: ([0, 1, 2] as const).find((t) => t === this.serverType()) ?? 0,
      AnonymousMode: this.anonymous(),
      ReaderDN: this.readerDn().trim(),
      Password: this.readerPassword(),
      URL: this.urls()[0] ?? '',
      URLs: this.urls(),
      StartTLS: tls === 'starttls',
      TLSConfig: { TLS: tls === 'ldaps', TLSSkipVerify: this.skipVerify(), TLSCACert: this.caCert() },
      SearchSettings: this.userSearches(),
      GroupSearchSettings: this.groupSearches(),
      AutoCreateUsers: this.autoCreate(),
      AdminAutoPopulate: this.adminPopulate(),
      AdminGroups: this.adminGroups()
        .split(',')
        .map((g) => g.trim())
        .filter((g) => g !== ''),
    };
  }

  private fill(s: Settings): void {
    const l = s.LDAPSettings;
    this.method.set(s.AuthenticationMethod);
    this.serverType.set(l.ServerType ?? 0);
    this.tls.set(l.TLSConfig?.TLS ? 'ldaps' : l.StartTLS ? 'starttls' : 'none');
    this.urlsText.set((l.URLs?.length ? l.URLs : l.URL ? [l.URL] : []).join('\n'));
    this.caCert.set(l.TLSConfig?.TLSCACert ?? '');
    this.skipVerify.set(l.TLSConfig?.TLSSkipVerify ?? false);
    this.anonymous.set(l.AnonymousMode);
    this.readerDn.set(l.ReaderDN ?? '');
    this.readerPassword.set('');
    this.userSearches.set((l.SearchSettings ?? []).map((x) => ({ ...x })));
    this.groupSearches.set((l.GroupSearchSettings ?? []).map((x) => ({ ...x })));
    this.autoCreate.set(l.AutoCreateUsers ?? true);
    this.adminPopulate.set(l.AdminAutoPopulate ?? false);
    this.adminGroups.set((l.AdminGroups ?? []).join(', '));
    this.loaded.set(true);
  }
}
