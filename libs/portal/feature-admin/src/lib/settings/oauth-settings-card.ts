import { ChangeDetectionStrategy, Component, effect, inject, input, signal } from '@angular/core';
import { AdminApi, type Settings, errorMessage } from '@capstan/portal-data-access';
import { FormControlDirective, FormField, ToastService } from '@capstan/portal-ui';

type OAuth = Settings['OAuthSettings'];
type Provider = NonNullable<OAuth['Provider']>;

/** What each preset fills in; the administrator adds the client id and secret (and Entra's tenant). */
export const OAUTH_PRESETS: Readonly<Record<Provider, Partial<OAuth>>> = {
  microsoft: {
    Issuer: 'https://login.microsoftonline.com/TENANT-ID/v2.0',
    AuthorizationURI: '',
    AccessTokenURI: '',
    ResourceURI: '',
    Scopes: 'openid profile email',
    UserIdentifier: 'preferred_username',
    GroupClaim: 'groups',
  },
  google: {
    Issuer: 'https://accounts.google.com',
    AuthorizationURI: '',
    AccessTokenURI: '',
    ResourceURI: '',
    Scopes: 'openid profile email',
    UserIdentifier: 'email',
    GroupClaim: '',
  },
  github: {
    Issuer: '',
    AuthorizationURI: 'https://github.com/login/oauth/authorize',
    AccessTokenURI: 'https://github.com/login/oauth/access_token',
    ResourceURI: 'https://api.github.com/user',
    Scopes: 'read:user',
    UserIdentifier: 'login',
    GroupClaim: '',
  },
  custom: {},
};

const FIELDS: readonly { key: keyof OAuth; label: string; hint?: string }[] = [
  { key: 'Issuer', label: 'Issuer URL', hint: 'OpenID Connect: endpoints are discovered from it.' },
  { key: 'AuthorizationURI', label: 'Authorization URL', hint: 'Plain OAuth 2 only.' },
  { key: 'AccessTokenURI', label: 'Access token URL', hint: 'Plain OAuth 2 only.' },
  { key: 'ResourceURI', label: 'User info URL', hint: 'Plain OAuth 2 only.' },
  { key: 'ClientID', label: 'Client ID' },
  {
    key: 'RedirectURI',
    label: 'Redirect URL',
    hint: "This portal's /login page, as registered at the provider.",
  },
  { key: 'Scopes', label: 'Scopes' },
  { key: 'UserIdentifier', label: 'User identifier claim' },
  {
    key: 'GroupClaim',
    label: 'Group claim',
    hint: 'Teams linked to these groups are kept in sync at each sign-in.',
  },
  { key: 'LogoutURI', label: 'Logout URL' },
];

/** The sign-in method and the OAuth / OpenID Connect provider, with presets. */
@Component({
  selector: 'cap-oauth-settings-card',
  imports: [FormField, FormControlDirective],
  template: `
    <form class="card" novalidate (submit)="save($event)" data-testid="oauth-settings">
      <h2>Sign-in method</h2>
      <cap-form-field label="Authentication method">
        <select
          capControl
          class="input"
          data-testid="settings-auth-method"
          (change)="method.set(+$any($event.target).value)"
        >
          <option value="1" [selected]="method() === 1">Internal (local accounts)</option>
          <option value="2" [selected]="method() === 2">LDAP / Active Directory</option>
          <option value="3" [selected]="method() === 3">OAuth / OpenID Connect</option>
        </select>
      </cap-form-field>
      @if (method() === 3) {
        <cap-form-field label="Provider">
          <select
            capControl
            class="input"
            data-testid="oauth-provider"
            (change)="preset($any($event.target).value)"
          >
            @for (p of providers; track p.value) {
              <option [value]="p.value" [selected]="form().Provider === p.value">{{ p.label }}</option>
            }
          </select>
        </cap-form-field>
        <div class="grid-2">
          @for (f of fields; track f.key) {
            <cap-form-field [label]="f.label" [hint]="f.hint ?? ''">
              <input
                capControl
                class="input"
                [attr.data-testid]="'oauth-' + f.key"
                [value]="form()[f.key] ?? ''"
                (input)="set(f.key, $any($event.target).value)"
              />
            </cap-form-field>
          }
          <cap-form-field label="Client secret" hint="Stored encrypted; leave empty to keep the current one.">
            <input
              capControl
              class="input"
              type="password"
              autocomplete="new-password"
              data-testid="oauth-ClientSecret"
              [value]="secret()"
              (input)="secret.set($any($event.target).value)"
            />
          </cap-form-field>
        </div>
        <label class="check">
          <input
            type="checkbox"
            data-testid="oauth-autocreate"
            [checked]="form().OAuthAutoCreateUsers"
            (change)="set('OAuthAutoCreateUsers', $any($event.target).checked)"
          />
          Create accounts for new users automatically
        </label>
      }
      <div class="form-actions">
        <button
          type="submit"
          class="btn btn-primary"
          data-testid="oauth-save"
          [disabled]="busy() || disabled()"
        >
          {{ busy() ? 'Saving…' : 'Save sign-in method' }}
        </button>
      </div>
    </form>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class OAuthSettingsCard {
  /** The settings as loaded by the page. */
  readonly settings = input<Settings | null>(null);
  readonly disabled = input(false);
  private readonly adminApi = inject(AdminApi);
  private readonly toasts = inject(ToastService);

  protected readonly providers: readonly { value: Provider; label: string }[] = [
    { value: 'microsoft', label: 'Microsoft Entra ID' },
    { value: 'google', label: 'Google' },
    { value: 'github', label: 'GitHub (OAuth 2)' },
    { value: 'custom', label: 'Custom' },
  ];
  protected readonly fields = FIELDS;
  protected readonly method = signal<number>(1);
  protected readonly form = signal<Partial<OAuth>>({});
  protected readonly secret = signal('');
  protected readonly busy = signal(false);
  private loadedFrom: Settings | null = null;

  constructor() {
    // Fill from the page's settings whenever it (re)loads them.
    effect(() => this.fill());
  }

  private fill(): void {
    const s = this.settings();
    if (!s || s === this.loadedFrom) return;
    this.loadedFrom = s;
    this.method.set(s.AuthenticationMethod);
    this.form.set({ ...s.OAuthSettings });
  }

  protected preset(provider: Provider): void {
    this.form.update((f) => ({ ...f, ...OAUTH_PRESETS[provider], Provider: provider }));
  }

  protected set<K extends keyof OAuth>(key: K, value: OAuth[K]): void {
    this.form.update((f) => ({ ...f, [key]: value }));
  }

  protected async save(event: Event): Promise<void> {
    event.preventDefault();
    if (this.busy()) return;
    this.busy.set(true);
    try {
      const { ClientSecret: _blank, ...rest } = this.form();
      await this.adminApi.updateSettings({
        AuthenticationMethod: this.method() as Settings['AuthenticationMethod'],
        OAuthSettings: { ...rest, ...(this.secret() ? { ClientSecret: this.secret() } : {}) },
      });
      this.secret.set('');
      this.toasts.success('Sign-in method saved');
    } catch (error) {
      this.toasts.error(`Could not save the sign-in method: ${errorMessage(error)}`);
    } finally {
      this.busy.set(false);
    }
  }
}
