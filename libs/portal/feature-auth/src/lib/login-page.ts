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
  type TotpEnrolment,
  errorMessage,
} from '@capstan/portal-data-access';
import {
  Alert,
  FormControlDirective,
  FormField,
  RecoveryCodes,
  TotpCodeField,
  TotpQr,
} from '@capstan/portal-ui';

const OAUTH_PROVIDER_NAMES: Record<string, string> = {
  microsoft: 'Microsoft',
  google: 'Google',
  github: 'GitHub',
};

/** The sentence for a failed login; the server's own wording is for API clients. */
export function loginErrorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 422 && /two-factor/i.test(error.message)) return 'Invalid code';
    if (error.status === 401 && /second-step/i.test(error.message))
      return 'That took too long. Log in with your password again.';
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
  imports: [Alert, FormField, FormControlDirective, RecoveryCodes, TotpCodeField, TotpQr],
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
        @switch (stage()) {
          @case ('code') {
            <form novalidate (submit)="submitCode($event)" data-testid="login-second-step">
              <p>Enter the code from your authenticator app, or one of your recovery codes.</p>
              <cap-totp-code-field
                testId="login-code"
                [recovery]="true"
                [value]="secondCode()"
                (changed)="secondCode.set($event)"
              />
              <div class="form-actions">
                <button type="button" class="btn" (click)="restart()">Back</button>
                <button
                  type="submit"
                  class="btn btn-primary"
                  data-testid="login-code-submit"
                  [disabled]="!canSubmitCode()"
                >
                  {{ busy() ? 'Checking…' : 'Verify' }}
                </button>
              </div>
            </form>
          }
          @case ('enrol') {
            <cap-alert kind="info"
              >Your administrator requires two-factor sign-in. Set it up to continue.</cap-alert
            >
            @if (enrolment(); as e) {
              <cap-totp-qr [qrCode]="e.qrCode" [secret]="e.secret" />
              <form novalidate (submit)="submitEnrolment($event)" data-testid="login-enrol">
                <cap-totp-code-field
                  label="Code shown by the app"
                  testId="login-enrol-code"
                  [value]="secondCode()"
                  (changed)="secondCode.set($event)"
                />
                <div class="form-actions">
                  <button type="button" class="btn" (click)="restart()">Back</button>
                  <button
                    type="submit"
                    class="btn btn-primary"
                    data-testid="login-enrol-submit"
                    [disabled]="!canSubmitCode()"
                  >
                    {{ busy() ? 'Checking…' : 'Turn on and log in' }}
                  </button>
                </div>
              </form>
            }
          }
          @case ('codes') {
            <cap-recovery-codes [codes]="recoveryCodes()" />
            <div class="form-actions">
              <button
                type="button"
                class="btn btn-primary"
                data-testid="login-codes-done"
                (click)="proceed()"
              >
                I have saved them — continue
              </button>
            </div>
          }
          @default {
            <form novalidate (submit)="submit($event)">
              <cap-form-field
                label="Username"
                [required]="true"
                [hint]="
                  directory()
                    ? 'Your directory (LDAP) user name and password.'
                    : oauthUrl()
                      ? 'With single sign-on, only the initial administrator signs in with a password.'
                      : ''
                "
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
              <button
                type="submit"
                class="btn btn-primary"
                data-testid="login-submit"
                [disabled]="!canSubmit()"
              >
                {{
                  busy() ? 'Logging in…' : lockedFor() > 0 ? 'Try again in ' + lockedFor() + ' s' : 'Log in'
                }}
              </button>
            </form>
          }
        }
        @if (oauthUrl() && stage() === 'password') {
          <p>
            <a class="btn oauth" data-testid="login-oauth" [href]="oauthUrl()">{{ oauthLabel() }}</a>
          </p>
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
  /** What an OAuth provider sends back to the redirect URI (the portal's /login). */
  readonly code = input<string | undefined>();
  readonly state = input<string | undefined>();
  readonly iss = input<string | undefined>();

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
  protected readonly oauthLabel = signal('Log in with OAuth');
  /** LDAP sign-in: the same form, checked against the directory. */
  protected readonly directory = signal(false);
  protected readonly canSubmit = computed(
    () => !this.busy() && this.lockedFor() === 0 && this.username().trim() !== '' && this.password() !== '',
  );
  /** After the password: a TOTP code, the enrolment a policy requires, or the new recovery codes. */
  protected readonly stage = signal<'password' | 'code' | 'enrol' | 'codes'>('password');
  protected readonly secondCode = signal('');
  protected readonly enrolment = signal<TotpEnrolment | null>(null);
  protected readonly recoveryCodes = signal<string[]>([]);
  protected readonly canSubmitCode = computed(
    () => !this.busy() && this.lockedFor() === 0 && this.secondCode().trim() !== '',
  );
  private secondStepToken = '';
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    inject(DestroyRef).onDestroy(() => clearInterval(this.timer));
    this.authApi
      .publicSettings()
      .then((s) => {
        this.oauthUrl.set(s.AuthenticationMethod === 3 && s.OAuthLoginURI ? s.OAuthLoginURI : null);
        this.oauthLabel.set(
          `Sign in with ${OAUTH_PROVIDER_NAMES[s.OAuthProvider] ?? 'your identity provider'}`,
        );
        this.directory.set(s.AuthenticationMethod === 2);
      })
      .catch(() => undefined);
    // Back from the provider: finish the sign-in once the router has bound the query.
    queueMicrotask(() => void this.finishOAuth());
  }

  private async finishOAuth(): Promise<void> {
    const code = this.code();
    if (!code) return;
    this.busy.set(true);
    try {
      await this.session.loginOAuth(code, this.state(), this.iss());
      await this.proceed();
    } catch (error) {
      this.error.set(`Sign-in with the identity provider failed: ${errorMessage(error)}`);
    } finally {
      this.busy.set(false);
    }
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
      const step = await this.session.login(this.username().trim(), this.password());
      this.password.set('');
      if (step.step === 'done') {
        await this.proceed();
        return;
      }
      this.secondStepToken = step.token;
      this.secondCode.set('');
      if (step.step === 'enrol') this.enrolment.set(await this.authApi.beginRequiredEnrolment(step.token));
      this.stage.set(step.step);
    } catch (error) {
      this.fail(error);
      this.password.set('');
    } finally {
      this.busy.set(false);
    }
  }

  protected async submitCode(event: Event): Promise<void> {
    event.preventDefault();
    await this.step(async () => {
      await this.session.secondFactor(this.secondStepToken, this.secondCode().trim());
      await this.proceed();
    });
  }

  protected async submitEnrolment(event: Event): Promise<void> {
    event.preventDefault();
    await this.step(async () => {
      this.recoveryCodes.set(
        await this.session.confirmRequiredEnrolment(this.secondStepToken, this.secondCode().trim()),
      );
      this.enrolment.set(null);
      this.stage.set('codes');
    });
  }

  protected restart(): void {
    this.stage.set('password');
    this.secondStepToken = '';
    this.secondCode.set('');
    this.enrolment.set(null);
    this.error.set(null);
  }

  protected async proceed(): Promise<void> {
    this.recoveryCodes.set([]);
    await this.router.navigateByUrl(this.safeNext());
  }

  private async step(run: () => Promise<void>): Promise<void> {
    if (!this.canSubmitCode()) return;
    this.busy.set(true);
    this.error.set(null);
    try {
      await run();
    } catch (error) {
      this.fail(error);
      this.secondCode.set('');
      // An expired second-step token: back to the password.
      if (error instanceof ApiError && error.status === 401) this.stage.set('password');
    } finally {
      this.busy.set(false);
    }
  }

  private fail(error: unknown): void {
    this.error.set(loginErrorMessage(error));
    if (error instanceof ApiError && error.status === 429) this.lockFor(error.retryAfter ?? 60);
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
