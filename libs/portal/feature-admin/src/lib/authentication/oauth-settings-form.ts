import { ChangeDetectionStrategy, Component, computed, effect, input, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { Settings, Team } from '@capstan/portal-data-access';
import { FormControlDirective, FormField } from '@capstan/portal-ui';

export type OAuth = Settings['OAuthSettings'];
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

/**
 * The OAuth / OpenID Connect provider of the Authentication page: presets (Entra ID, Google, GitHub, custom), the
 * client (its secret write-only: never shown, empty keeps the stored one), the group claim and the default team of
 * new users. The page saves it with the method.
 */
@Component({
  selector: 'cap-oauth-settings-form',
  imports: [FormField, FormControlDirective, RouterLink],
  template: `
    <fieldset class="card" data-testid="oauth-settings" [disabled]="disabled()">
      <legend>Identity provider</legend>
      <cap-form-field label="Provider" hint="Fills in the usual endpoints, scopes and claims.">
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
        <cap-form-field
          label="Client secret"
          hint="Stored encrypted and never shown; leave empty to keep it."
        >
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
        <cap-form-field label="Default team" hint="New users created at sign-in join it.">
          <select
            capControl
            class="input"
            data-testid="oauth-default-team"
            (change)="set('DefaultTeamID', +$any($event.target).value)"
          >
            <option value="0" [selected]="!form().DefaultTeamID">No team</option>
            @for (t of teams(); track t.Id) {
              <option [value]="t.Id" [selected]="form().DefaultTeamID === t.Id">{{ t.Name }}</option>
            }
          </select>
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
      <label class="check">
        <input
          type="checkbox"
          data-testid="oauth-sso"
          [checked]="form().SSO"
          (change)="set('SSO', $any($event.target).checked)"
        />
        Single sign-on: skip the provider's prompt when already signed in there
      </label>
      <h3 class="sub">Group claim → teams</h3>
      <p class="muted">
        Teams linked to a provider group (on the team's page) get and lose members at every sign-in, from the
        group claim. The initial administrator keeps their internal password.
      </p>
      <ul class="links" data-testid="oauth-linked-teams">
        @for (t of linkedTeams(); track t.Id) {
          <li>
            <code>{{ t.LinkedGroup?.Group }}</code> →
            <a [routerLink]="['/admin/teams', t.Id]">{{ t.Name }}</a>
          </li>
        } @empty {
          <li class="muted">No team is linked to a provider group yet.</li>
        }
      </ul>
    </fieldset>
  `,
  styles: `
    fieldset {
      margin: 0 0 1rem;
      min-width: 0;
    }
    .check {
      display: block;
      margin: 0.5rem 0;
    }
    .sub {
      font-size: 1rem;
      margin: 1rem 0 0.25rem;
    }
    .links {
      padding-left: 1.25rem;
      overflow-wrap: anywhere;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class OAuthSettingsForm {
  /** The settings as loaded (or saved) by the page. */
  readonly settings = input<Settings | null>(null);
  readonly teams = input<readonly Team[]>([]);
  readonly disabled = input(false);

  protected readonly providers: readonly { value: Provider; label: string }[] = [
    { value: 'microsoft', label: 'Microsoft Entra ID' },
    { value: 'google', label: 'Google' },
    { value: 'github', label: 'GitHub (OAuth 2)' },
    { value: 'custom', label: 'Custom' },
  ];
  protected readonly fields = FIELDS;
  /** The group claim's mapping: teams linked to a provider group. */
  protected readonly linkedTeams = computed(() =>
    this.teams().filter((t) => t.LinkedGroup?.Source === 'oauth'),
  );
  protected readonly form = signal<Partial<OAuth>>({});
  protected readonly secret = signal('');
  private loadedFrom: Settings | null = null;

  constructor() {
    // Fill from the page's settings whenever it (re)loads them.
    effect(() => this.fill());
  }

  /** What the page sends as OAuthSettings: the secret only when one was typed. */
  value(): Partial<OAuth> {
    const { ClientSecret: _blank, ...rest } = this.form();
    return { ...rest, ...(this.secret() ? { ClientSecret: this.secret() } : {}) };
  }

  private fill(): void {
    const s = this.settings();
    if (!s || s === this.loadedFrom) return;
    this.loadedFrom = s;
    this.form.set({ ...s.OAuthSettings });
    this.secret.set('');
  }

  protected preset(provider: Provider): void {
    this.form.update((f) => ({ ...f, ...OAUTH_PRESETS[provider], Provider: provider }));
  }

  protected set<K extends keyof OAuth>(key: K, value: OAuth[K]): void {
    this.form.update((f) => ({ ...f, [key]: value }));
  }
}
