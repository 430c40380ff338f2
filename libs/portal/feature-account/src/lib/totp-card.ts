import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { SessionStore, type TotpEnrolment, UsersApi, errorMessage } from '@capstan/portal-data-access';
import {
  Alert,
  FormControlDirective,
  FormField,
  RecoveryCodes,
  ToastService,
  TotpCodeField,
  TotpQr,
} from '@capstan/portal-ui';

type Stage = 'idle' | 'enrolling' | 'codes' | 'disabling';

/**
 * Two-factor sign-in (TOTP) of one's own account: enrol with a QR code and a first code, see the recovery codes
 * once, turn it off with the password and a code.
 */
@Component({
  selector: 'cap-totp-card',
  imports: [Alert, FormField, FormControlDirective, RecoveryCodes, TotpCodeField, TotpQr],
  template: `
    <section class="card" aria-labelledby="totp-title" data-testid="totp-card">
      <h2 id="totp-title">Two-factor sign-in</h2>
      @if (error(); as message) {
        <cap-alert kind="error">{{ message }}</cap-alert>
      }
      @switch (stage()) {
        @case ('enrolling') {
          @if (enrolment(); as e) {
            <cap-totp-qr [qrCode]="e.qrCode" [secret]="e.secret" />
            <form novalidate (submit)="confirm($event)">
              <cap-totp-code-field
                label="Code shown by the app"
                testId="totp-confirm-code"
                [value]="code()"
                (changed)="code.set($event)"
              />
              <div class="form-actions">
                <button type="button" class="btn" (click)="reset()">Cancel</button>
                <button type="submit" class="btn btn-primary" data-testid="totp-confirm" [disabled]="busy()">
                  {{ busy() ? 'Checking…' : 'Turn on' }}
                </button>
              </div>
            </form>
          }
        }
        @case ('codes') {
          <cap-alert kind="success">Two-factor sign-in is on.</cap-alert>
          <cap-recovery-codes [codes]="recoveryCodes()" />
          <div class="form-actions">
            <button type="button" class="btn btn-primary" data-testid="totp-codes-done" (click)="reset()">
              I have saved them
            </button>
          </div>
        }
        @case ('disabling') {
          <form novalidate (submit)="disable($event)">
            <cap-form-field label="Current password" [required]="true">
              <input
                capControl
                class="input"
                type="password"
                autocomplete="current-password"
                data-testid="totp-disable-password"
                [value]="password()"
                (input)="password.set($any($event.target).value)"
              />
            </cap-form-field>
            <cap-totp-code-field
              hint="Or one of your recovery codes."
              testId="totp-disable-code"
              [recovery]="true"
              [value]="code()"
              (changed)="code.set($event)"
            />
            <div class="form-actions">
              <button type="button" class="btn" (click)="reset()">Cancel</button>
              <button
                type="submit"
                class="btn btn-danger"
                data-testid="totp-disable-confirm"
                [disabled]="busy()"
              >
                {{ busy() ? 'Turning off…' : 'Turn off' }}
              </button>
            </div>
          </form>
        }
        @default {
          @if (enabled()) {
            <p data-testid="totp-status">
              On. {{ codesLeft() }} recovery code{{ codesLeft() === 1 ? '' : 's' }} left.
            </p>
            <button type="button" class="btn" data-testid="totp-disable" (click)="stage.set('disabling')">
              Turn off…
            </button>
          } @else {
            <p class="muted" data-testid="totp-status">
              Off. With it on, signing in asks for a code from an authenticator app after your password.
            </p>
            <button
              type="button"
              class="btn btn-primary"
              data-testid="totp-enable"
              [disabled]="busy()"
              (click)="begin()"
            >
              Set up…
            </button>
          }
        }
      }
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TotpCard {
  private readonly session = inject(SessionStore);
  private readonly usersApi = inject(UsersApi);
  private readonly toasts = inject(ToastService);

  protected readonly stage = signal<Stage>('idle');
  protected readonly enabled = signal(false);
  protected readonly codesLeft = signal(0);
  protected readonly enrolment = signal<TotpEnrolment | null>(null);
  protected readonly recoveryCodes = signal<string[]>([]);
  protected readonly code = signal('');
  protected readonly password = signal('');
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);

  constructor() {
    void this.load();
  }

  protected async begin(): Promise<void> {
    await this.run(async (id) => {
      this.enrolment.set(await this.usersApi.beginTotp(id));
      this.stage.set('enrolling');
    });
  }

  protected async confirm(event: Event): Promise<void> {
    event.preventDefault();
    await this.run(async (id) => {
      this.recoveryCodes.set(await this.usersApi.confirmTotp(id, this.code().trim()));
      this.enrolment.set(null);
      this.stage.set('codes');
      await this.load();
    });
  }

  protected async disable(event: Event): Promise<void> {
    event.preventDefault();
    await this.run(async (id) => {
      await this.usersApi.disableTotp(id, this.password(), this.code().trim());
      this.toasts.success('Two-factor sign-in turned off');
      this.reset();
      await this.load();
    });
  }

  protected reset(): void {
    this.stage.set('idle');
    this.enrolment.set(null);
    this.recoveryCodes.set([]);
    this.code.set('');
    this.password.set('');
    this.error.set(null);
  }

  private async run(step: (userId: number) => Promise<void>): Promise<void> {
    const user = this.session.user();
    if (!user || this.busy()) return;
    this.busy.set(true);
    this.error.set(null);
    try {
      await step(user.Id);
    } catch (error) {
      this.error.set(errorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }

  private async load(): Promise<void> {
    const user = this.session.user();
    if (!user) return;
    try {
      const status = await this.usersApi.totpStatus(user.Id);
      this.enabled.set(status.enabled);
      this.codesLeft.set(status.recoveryCodesLeft);
    } catch (error) {
      this.error.set(errorMessage(error));
    }
  }
}
