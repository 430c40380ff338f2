import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  inject,
  input,
  signal,
} from '@angular/core';
import { Router } from '@angular/router';
import {
  ApiError,
  AuthApi,
  SESSION_EXPIRED_MESSAGE,
  SessionStore,
  errorMessage,
} from '@capstan/portal-data-access';
import { Alert, FormControlDirective, FormField } from '@capstan/portal-ui';

/** The sentence for a failed login; the server's own wording is for API clients. */
export function loginErrorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 422 || error.status === 401) return 'Invalid username or password';
    if (error.status === 429) {
      const seconds = error.retryAfter ?? 60;
      return `Too many failed attempts. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`;
    }
  }
  return errorMessage(error);
}

@Component({
  selector: 'cap-login-page',
  imports: [Alert, FormField, FormControlDirective],
  template: `
    <div class="auth-page">
      <main class="card auth-card" id="main-content">
        <h1 class="brand-title"><span aria-hidden="true">⎈</span> Capstan</h1>
        <p class="muted">Log in to manage your container environments.</p>
        @if (expired() && !error()) {
          <cap-alert kind="warning" testId="alert-session-expired">{{ expiredMessage }}</cap-alert>
        }
        @if (error(); as message) {
          <cap-alert kind="error">{{ message }}</cap-alert>
        }
        <form novalidate (submit)="submit($event)">
          <cap-form-field
            label="Username"
            [required]="true"
            [hint]="directory() ? 'Your directory (LDAP) user name and password.' : ''"
          >
            <input
              capControl
              class="input"
              name="username"
              autocomplete="username"
              autocapitalize="none"
              spellcheck="false"
              data-testid="login-username"
              [value]="username()"
              (input)="username.set(inputValue($event))"
            />
          </cap-form-field>
          <cap-form-field label="Password" [required]="true">
            <input
              capControl
              class="input"
              type="password"
              name="password"
              autocomplete="current-password"
              data-testid="login-password"
              [value]="password()"
              (input)="password.set(inputValue($event))"
            />
          </cap-form-field>
          <button type="submit" class="btn btn-primary" data-testid="login-submit" [disabled]="!canSubmit()">
            {{ busy() ? 'Logging in…' : lockedFor() > 0 ? 'Try again in ' + lockedFor() + ' s' : 'Log in' }}
          </button>
        </form>
        @if (oauthUrl()) {
          <p><a class="btn oauth" [href]="oauthUrl()">Log in with OAuth</a></p>
        }
      </main>
    </div>
  `,
  styles: `
    .oauth {
      width: 100%;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LoginPage {
  /** Query parameters, bound by the router. */
  readonly expired = input<string | undefined>();
  readonly next = input<string | undefined>();

  private readonly session = inject(SessionStore);
  private readonly authApi = inject(AuthApi);
  private readonly router = inject(Router);
  protected readonly expiredMessage = SESSION_EXPIRED_MESSAGE;

  protected readonly username = signal('');
  protected readonly password = signal('');
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly lockedFor = signal(0);
  protected readonly oauthUrl = signal<string | null>(null);
  /** LDAP sign-in: the same form, checked against the directory. */
  protected readonly directory = signal(false);
  protected readonly canSubmit = computed(
    () => !this.busy() && this.lockedFor() === 0 && this.username().trim() !== '' && this.password() !== '',
  );
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    inject(DestroyRef).onDestroy(() => clearInterval(this.timer));
    this.authApi
      .publicSettings()
      .then((s) => {
        this.oauthUrl.set(s.AuthenticationMethod === 3 && s.OAuthLoginURI ? s.OAuthLoginURI : null);
        this.directory.set(s.AuthenticationMethod === 2);
      })
      .catch(() => undefined);
  }

  protected inputValue(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  protected async submit(event: Event): Promise<void> {
    event.preventDefault();
    if (!this.canSubmit()) return;
    this.busy.set(true);
    this.error.set(null);
    try {
      await this.session.login(this.username().trim(), this.password());
      await this.router.navigateByUrl(this.safeNext());
    } catch (error) {
      this.error.set(loginErrorMessage(error));
      this.password.set('');
      if (error instanceof ApiError && error.status === 429) this.lockFor(error.retryAfter ?? 60);
    } finally {
      this.busy.set(false);
    }
  }

  /** Only same-app paths, never an absolute URL someone put in the link. */
  private safeNext(): string {
    const next = this.next();
    return next && next.startsWith('/') && !next.startsWith('//') ? next : '/home';
  }

  private lockFor(seconds: number): void {
    clearInterval(this.timer);
    this.lockedFor.set(seconds);
    this.timer = setInterval(() => {
      const left = this.lockedFor() - 1;
      this.lockedFor.set(Math.max(0, left));
      if (left <= 0) clearInterval(this.timer);
    }, 1000);
  }
}
