import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import {
  ApiError,
  AuthApi,
  SessionStore,
  errorMessage,
  passwordMinLength,
} from '@capstan/portal-data-access';
import { Alert, FormControlDirective, FormField } from '@capstan/portal-ui';

/** First run: no administrator exists yet, so the first visitor creates it and is logged in. */
@Component({
  selector: 'cap-init-page',
  imports: [Alert, FormField, FormControlDirective],
  template: `
    <div class="auth-page">
      <main class="card auth-card" id="main-content">
        <h1 class="brand-title"><span aria-hidden="true">⎈</span> Capstan</h1>
        <h2>Create the administrator account</h2>
        <p class="muted">This is a new instance. The account you create now has full control over it.</p>
        @if (error(); as message) {
          <cap-alert kind="error">{{ message }}</cap-alert>
        }
        <form novalidate (submit)="submit($event)">
          <cap-form-field label="Username" [required]="true" [error]="shown('username')">
            <input
              capControl
              class="input"
              name="username"
              autocomplete="username"
              autocapitalize="none"
              spellcheck="false"
              data-testid="init-username"
              [value]="username()"
              (input)="username.set(inputValue($event))"
              (blur)="touch('username')"
            />
          </cap-form-field>
          <cap-form-field
            label="Password"
            [required]="true"
            [hint]="'At least ' + minLength() + ' characters.'"
            [error]="shown('password')"
          >
            <input
              capControl
              class="input"
              type="password"
              name="password"
              autocomplete="new-password"
              data-testid="init-password"
              [value]="password()"
              (input)="password.set(inputValue($event))"
              (blur)="touch('password')"
            />
          </cap-form-field>
          <cap-form-field label="Confirm password" [required]="true" [error]="shown('confirm')">
            <input
              capControl
              class="input"
              type="password"
              name="confirm"
              autocomplete="new-password"
              data-testid="init-confirm"
              [value]="confirm()"
              (input)="confirm.set(inputValue($event))"
              (blur)="touch('confirm')"
            />
          </cap-form-field>
          <button type="submit" class="btn btn-primary" data-testid="init-submit" [disabled]="busy()">
            {{ busy() ? 'Creating…' : 'Create user' }}
          </button>
        </form>
      </main>
    </div>
  `,
  styles: `
    h2 {
      font-size: 1.1rem;
      margin: 1rem 0 0.25rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class InitPage {
  private readonly session = inject(SessionStore);
  private readonly authApi = inject(AuthApi);
  private readonly router = inject(Router);

  protected readonly username = signal('admin');
  protected readonly password = signal('');
  protected readonly confirm = signal('');
  protected readonly minLength = passwordMinLength();
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  private readonly touched = signal<ReadonlySet<string>>(new Set());
  private readonly submitted = signal(false);

  protected readonly errors = computed<Record<'username' | 'password' | 'confirm', string | null>>(() => ({
    username: this.username().trim() === '' ? 'Enter a username.' : null,
    password:
      this.password().length < this.minLength()
        ? `The password must be at least ${this.minLength()} characters long.`
        : null,
    confirm: this.confirm() !== this.password() ? 'The passwords do not match.' : null,
  }));
  protected readonly valid = computed(() => Object.values(this.errors()).every((e) => e === null));

  protected shown(field: 'username' | 'password' | 'confirm'): string | null {
    return this.submitted() || this.touched().has(field) ? this.errors()[field] : null;
  }

  protected touch(field: string): void {
    this.touched.update((set) => new Set([...set, field]));
  }

  protected inputValue(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  protected async submit(event: Event): Promise<void> {
    event.preventDefault();
    this.submitted.set(true);
    if (!this.valid() || this.busy()) return;
    this.busy.set(true);
    this.error.set(null);
    try {
      await this.session.initAdmin(this.username().trim(), this.password());
      await this.router.navigateByUrl('/home');
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        this.error.set('An administrator already exists. Log in instead.');
        await this.router.navigate(['/login']);
      } else {
        this.error.set(errorMessage(error));
      }
    } finally {
      this.busy.set(false);
    }
  }
}
