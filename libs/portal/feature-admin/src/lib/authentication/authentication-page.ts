import { ChangeDetectionStrategy, Component, computed, inject, signal, viewChild } from '@angular/core';
import { RouterLink } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import {
  AdminApi,
  type LdapSettings,
  type LdapTestResult,
  SessionStore,
  type Settings,
  type Team,
  TeamsApi,
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
import { OAuthSettingsForm } from './oauth-settings-form';

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

/** The sign-in methods, one tab each (1 internal, 2 LDAP, 3 OAuth); the tab shown when saving becomes the method. */
export const AUTH_METHODS = [
  { value: 1, key: 'internal', label: 'Internal' },
  { value: 2, key: 'ldap', label: 'LDAP / Active Directory' },
  { value: 3, key: 'oauth', label: 'OAuth / OpenID Connect' },
] as const;
type Method = (typeof AUTH_METHODS)[number]['value'];

/** The next tab for a key press (arrows wrap, Home / End), or undefined for other keys. */
export function nextTab(current: Method, key: string): Method | undefined {
  const i = AUTH_METHODS.findIndex((m) => m.value === current);
  const n = AUTH_METHODS.length;
  const to =
    key === 'ArrowRight'
      ? (i + 1) % n
      : key === 'ArrowLeft'
        ? (i + n - 1) % n
        : key === 'Home'
          ? 0
          : key === 'End'
            ? n - 1
            : -1;
  return to < 0 ? undefined : AUTH_METHODS[to].value;
}

/**
 * How users sign in: internal passwords, an LDAP / Active Directory directory (`/api/ldap/*`, `/api/upload/tls`)
 * or an OAuth / OpenID Connect provider, one tab each, saved with `/api/settings`.
 */
@Component({
  selector: 'cap-authentication-page',
  imports: [Alert, FormField, FormControlDirective, OAuthSettingsForm, PageHeader, RouterLink, Spinner],
  template: `
    <cap-page-header title="Authentication" subtitle="How users sign in to this instance." />
    @if (loadError(); as message) {
      <cap-alert kind="error">{{ message }}</cap-alert>
    } @else if (!loaded()) {
      <cap-spinner label="Loading settings" />
    } @else {
      <form novalidate (submit)="save($event)">
        <div class="tabs" role="tablist" aria-label="Authentication method">
          @for (m of methods; track m.value) {
            <button
              type="button"
              role="tab"
              class="tab"
              [id]="'auth-tab-' + m.value"
              [attr.aria-selected]="method() === m.value"
              [attr.aria-controls]="'auth-panel'"
              [attr.tabindex]="method() === m.value ? 0 : -1"
              [attr.data-testid]="'auth-method-' + m.key"
              [disabled]="!canUpdate() && method() !== m.value"
              (click)="method.set(m.value)"
              (keydown)="tabKey($event)"
            >
              {{ m.label }}
            </button>
          }
        </div>
        <div id="auth-panel" role="tabpanel" [attr.aria-labelledby]="'auth-tab-' + method()">
          @if (method() !== saved()) {
            <p class="muted" data-testid="auth-method-pending">
              Saving makes {{ methodLabel(method()) }} the sign-in method (now: {{ methodLabel(saved()) }}).
            </p>
          }
          <p class="muted">The initial administrator can always sign in with their internal password.</p>
          @if (method() === 1) {
            <section class="card" data-testid="auth-internal">
              <h2>Internal</h2>
              <p>
                Users sign in with a user name and password kept by this instance. The password length and the
                two-factor policy are in <a routerLink="/admin/settings">Settings</a>; users turn two-factor
                sign-in on under My account.
              </p>
            </section>
          }
          @if (method() === 3) {
            <cap-oauth-settings-form [settings]="current()" [teams]="teams()" [disabled]="!canUpdate()" />
          }
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
                <div class="grid-2">
                  <cap-form-field
                    label="Client certificate (PEM file)"
                    [hint]="
                      hasClientCert()
                        ? 'A client certificate is stored.'
                        : 'Only if the directory asks for one.'
                    "
                  >
                    <input
                      capControl
                      class="input"
                      type="file"
                      accept=".pem,.crt,.cer"
                      data-testid="ldap-client-cert"
                      (change)="uploadTls('cert', $event)"
                    />
                  </cap-form-field>
                  <cap-form-field label="Client key (PEM file)" hint="Stored encrypted, never shown again.">
                    <input
                      capControl
                      class="input"
                      type="file"
                      accept=".pem,.key"
                      data-testid="ldap-client-key"
                      (change)="uploadTls('key', $event)"
                    />
                  </cap-form-field>
                </div>
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
        </div>
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
    .tabs {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem;
      border-bottom: 1px solid var(--border);
      margin-bottom: 1rem;
    }
    .tab {
      background: none;
      border: 0;
      border-bottom: 2px solid transparent;
      color: inherit;
      padding: 0.5rem 0.75rem;
      cursor: pointer;
      font: inherit;
    }
    .tab[aria-selected='true'] {
      border-bottom-color: var(--accent);
      font-weight: 600;
    }
    .tab:focus-visible {
      outline: 2px solid var(--accent);
      outline-offset: -2px;
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
  private readonly teamsApi = inject(TeamsApi);
  private readonly session = inject(SessionStore);
  private readonly oauthForm = viewChild(OAuthSettingsForm);
  protected readonly methods = AUTH_METHODS;
  private readonly toasts = inject(ToastService);

  protected readonly canUpdate = computed(() => this.session.can(Permission.SettingsUpdate));
  protected readonly loaded = signal(false);
  protected readonly loadError = signal<string | null>(null);
  protected readonly busy = signal(false);
  protected readonly submitted = signal(false);

  protected readonly method = signal<Method>(1);
  /** The method in force (as last loaded or saved). */
  protected readonly saved = signal<Method>(1);
  protected readonly current = signal<Settings | null>(null);
  protected readonly teams = signal<Team[]>([]);
  protected readonly hasClientCert = signal(false);
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
    // Teams only feed the OAuth default-team choice: without them the choice is "No team".
    this.teamsApi
      .list()
      .then((t) => this.teams.set(t))
      .catch(() => this.teams.set([]));
  }

  protected methodLabel(m: Method): string {
    return AUTH_METHODS.find((x) => x.value === m)?.label ?? String(m);
  }

  protected tabKey(event: KeyboardEvent): void {
    const to = nextTab(this.method(), event.key);
    if (to === undefined || !this.canUpdate()) return;
    event.preventDefault();
    this.method.set(to);
    document.getElementById(`auth-tab-${to}`)?.focus();
  }

  protected async uploadTls(kind: 'cert' | 'key', event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    try {
      await this.adminApi.uploadLdapTls(kind, file);
      if (kind === 'cert') this.hasClientCert.set(true);
      this.toasts.success(kind === 'cert' ? 'Client certificate stored' : 'Client key stored');
    } catch (error) {
      this.toasts.error(`Could not store the file: ${errorMessage(error)}`);
    } finally {
      input.value = '';
    }
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
      const method = this.method();
      const oauth = this.oauthForm()?.value();
      const saved = await this.adminApi.updateSettings({
        AuthenticationMethod: method,
        ...(method === 2 ? { LDAPSettings: this.ldapSettings() } : {}),
        ...(method === 3 && oauth ? { OAuthSettings: oauth } : {}),
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
    const method = AUTH_METHODS.find((m) => m.value === s.AuthenticationMethod)?.value ?? 1;
    this.current.set(s);
    this.method.set(method);
    this.saved.set(method);
    this.hasClientCert.set(!!l.TLSConfig?.TLSCert);
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
