import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import {
  ApiError,
  SessionStore,
  UsersApi,
  errorMessage,
  passwordMinLength,
} from '@capstan/portal-data-access';
import { Alert, FormControlDirective, FormField, ToastService } from '@capstan/portal-ui';

/** Change one's own password (`PUT /api/users/{id}/passwd`). */
@Component({
  selector: 'cap-password-card',
  imports: [Alert, FormField, FormControlDirective],
  template: `
    <section class="card" aria-labelledby="pw-title">
      <h2 id="pw-title">Change password</h2>
      @if (error(); as message) {
        <cap-alert kind="error">{{ message }}</cap-alert>
      }
      <form novalidate (submit)="submit($event)">
        <cap-form-field label="Current password" [required]="true" [error]="shown().current">
          <input
            capControl
            class="input"
            type="password"
            autocomplete="current-password"
            data-testid="account-current-password"
            [value]="current()"
            (input)="current.set($any($event.target).value)"
          />
        </cap-form-field>
        <cap-form-field
          label="New password"
          [required]="true"
          [hint]="'At least ' + minLength() + ' characters.'"
          [error]="shown().next"
        >
          <input
            capControl
            class="input"
            type="password"
            autocomplete="new-password"
            data-testid="account-new-password"
            [value]="next()"
            (input)="next.set($any($event.target).value)"
          />
        </cap-form-field>
        <cap-form-field label="Confirm new password" [required]="true" [error]="shown().confirm">
          <input
            capControl
            class="input"
            type="password"
            autocomplete="new-password"
            data-testid="account-confirm-password"
            [value]="confirm()"
            (input)="confirm.set($any($event.target).value)"
          />
        </cap-form-field>
        <div class="form-actions">
          <button
            type="submit"
            class="btn btn-primary"
            data-testid="account-password-save"
            [disabled]="busy()"
          >
            {{ busy() ? 'Saving…' : 'Update password' }}
          </button>
        </div>
      </form>
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PasswordCard {
  private readonly session = inject(SessionStore);
  private readonly usersApi = inject(UsersApi);
  private readonly toasts = inject(ToastService);

  protected readonly current = signal('');
  protected readonly next = signal('');
  protected readonly confirm = signal('');
  protected readonly minLength = passwordMinLength();
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  private readonly submitted = signal(false);

  protected readonly errors = computed(() => ({
    current: this.current() ? null : 'Enter your current password.',
    next: this.next().length >= this.minLength() ? null : `At least ${this.minLength()} characters.`,
    confirm: this.confirm() === this.next() ? null : 'The passwords do not match.',
  }));
  protected readonly shown = computed(() =>
    this.submitted() ? this.errors() : { current: null, next: null, confirm: null },
  );

  protected async submit(event: Event): Promise<void> {
    event.preventDefault();
    this.submitted.set(true);
    const user = this.session.user();
    if (!user || Object.values(this.errors()).some((e) => e !== null) || this.busy()) return;
    this.busy.set(true);
    this.error.set(null);
    try {
      await this.usersApi.changePassword(user.Id, this.current(), this.next());
      this.current.set('');
      this.next.set('');
      this.confirm.set('');
      this.submitted.set(false);
      this.toasts.success('Password updated');
    } catch (error) {
      this.error.set(
        error instanceof ApiError && (error.status === 403 || error.status === 422)
          ? 'The current password is wrong.'
          : errorMessage(error),
      );
    } finally {
      this.busy.set(false);
    }
  }
}
