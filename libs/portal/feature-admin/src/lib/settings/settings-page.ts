import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import { AdminApi, SessionStore, type Settings, errorMessage } from '@capstan/portal-data-access';
import {
  Alert,
  FormControlDirective,
  FormField,
  PageHeader,
  Spinner,
  ToastService,
} from '@capstan/portal-ui';

type TwoFactorPolicy = Settings['TwoFactorPolicy'];

interface Label {
  name: string;
  value: string;
}

/** Portainer's session lifetimes, plus a free value when the server holds another one. */
const SESSION_TIMEOUTS = [
  { value: '1h', label: '1 hour' },
  { value: '4h', label: '4 hours' },
  { value: '8h', label: '8 hours' },
  { value: '24h', label: '24 hours' },
  { value: '168h', label: '1 week' },
  { value: '720h', label: '1 month' },
  { value: '8760h', label: '1 year' },
];

/** Go-style durations the server accepts, e.g. 8h, 90m, 1h30m. */
const DURATION = /^(\d+h)?(\d+m)?(\d+s)?$/;

export interface SettingsErrors {
  timeout: string | null;
  passwordLength: string | null;
  retention: string | null;
  labels: string | null;
}

export function validateSettings(
  timeout: string,
  passwordLength: number,
  retention: number,
  labels: readonly Label[],
): SettingsErrors {
  return {
    timeout: timeout && DURATION.test(timeout) ? null : 'Use a duration such as 8h or 90m.',
    passwordLength:
      Number.isInteger(passwordLength) && passwordLength >= 1 && passwordLength <= 128
        ? null
        : 'Between 1 and 128 characters.',
    retention: Number.isInteger(retention) && retention >= 1 ? null : 'At least 1 day.',
    labels: labels.some((l) => l.name.trim() === '') ? 'Every hidden label needs a name.' : null,
  };
}

export interface SnapshotErrors {
  interval: string | null;
  concurrency: string | null;
  deadline: string | null;
}

/** The environment snapshot settings, checked like the server does (durations, 1–64 at once). */
export function validateSnapshots(interval: string, concurrency: number, deadline: string): SnapshotErrors {
  return {
    interval: interval && DURATION.test(interval) ? null : 'Use a duration such as 5m or 30s (10s to 24h).',
    concurrency:
      Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 64 ? null : 'Between 1 and 64.',
    deadline: deadline && DURATION.test(deadline) ? null : 'Use a duration such as 10s (1s to 5m).',
  };
}

/** Instance settings an administrator can change (`GET/PUT /api/settings`, partial PUT). */
@Component({
  selector: 'cap-settings-page',
  imports: [Alert, FormField, FormControlDirective, PageHeader, RouterLink, Spinner],
  template: `
    <cap-page-header
      title="Settings"
      subtitle="Authentication, audit and display settings of this instance."
    />
    @if (loadError(); as message) {
      <cap-alert kind="error">{{ message }}</cap-alert>
    } @else if (!loaded()) {
      <cap-spinner label="Loading settings" />
    } @else {
      @if (!canUpdate()) {
        <cap-alert kind="info">You can read these settings but not change them.</cap-alert>
      }
      <form novalidate (submit)="save($event)">
        <fieldset class="card" [disabled]="!canUpdate()">
          <legend class="sr-only">Authentication</legend>
          <h2>Authentication</h2>
          <div class="grid-2">
            <cap-form-field
              label="Session lifetime"
              hint="How long a login stays valid."
              [error]="shown().timeout"
            >
              <select
                capControl
                class="input"
                name="timeout"
                data-testid="settings-session-timeout"
                (change)="timeout.set($any($event.target).value)"
              >
                @for (t of timeoutChoices(); track t.value) {
                  <option [value]="t.value" [selected]="timeout() === t.value">{{ t.label }}</option>
                }
              </select>
            </cap-form-field>
            <cap-form-field
              label="Required password length"
              hint="Minimum length of local users' passwords."
              [error]="shown().passwordLength"
            >
              <input
                capControl
                class="input"
                type="number"
                min="1"
                max="128"
                name="passwordLength"
                data-testid="settings-password-length"
                [value]="passwordLength()"
                (input)="passwordLength.set($any($event.target).valueAsNumber)"
              />
            </cap-form-field>
            <cap-form-field
              label="Two-factor sign-in"
              hint="Who must sign in with a code from an authenticator app (local accounts)."
            >
              <select
                capControl
                class="input"
                name="twoFactorPolicy"
                data-testid="settings-two-factor-policy"
                (change)="twoFactorPolicy.set($any($event.target).value)"
              >
                @for (p of twoFactorChoices; track p.value) {
                  <option [value]="p.value" [selected]="twoFactorPolicy() === p.value">{{ p.label }}</option>
                }
              </select>
            </cap-form-field>
          </div>
        </fieldset>
        <fieldset class="card" [disabled]="!canUpdate()">
          <legend class="sr-only">Audit</legend>
          <h2>Audit</h2>
          <cap-form-field
            label="Log retention (days)"
            hint="Authentication and activity log entries older than this are deleted."
            [error]="shown().retention"
          >
            <input
              capControl
              class="input narrow"
              type="number"
              min="1"
              name="retention"
              data-testid="settings-retention"
              [value]="retention()"
              (input)="retention.set($any($event.target).valueAsNumber)"
            />
          </cap-form-field>
        </fieldset>
        <fieldset class="card" [disabled]="!canUpdate()">
          <legend class="sr-only">Environment snapshots</legend>
          <h2>Environment snapshots</h2>
          <div class="grid-2">
            <cap-form-field
              label="Interval"
              hint="How often every environment is snapshotted."
              [error]="shownSnapshots().interval"
            >
              <input
                capControl
                class="input"
                name="snapshotInterval"
                data-testid="settings-snapshot-interval"
                [value]="snapshotInterval()"
                (input)="snapshotInterval.set($any($event.target).value)"
              />
            </cap-form-field>
            <cap-form-field
              label="At once"
              hint="Environments snapshotted in parallel."
              [error]="shownSnapshots().concurrency"
            >
              <input
                capControl
                class="input"
                type="number"
                min="1"
                max="64"
                name="snapshotConcurrency"
                data-testid="settings-snapshot-concurrency"
                [value]="snapshotConcurrency()"
                (input)="snapshotConcurrency.set($any($event.target).valueAsNumber)"
              />
            </cap-form-field>
            <cap-form-field
              label="Deadline"
              hint="After this, an environment counts as down."
              [error]="shownSnapshots().deadline"
            >
              <input
                capControl
                class="input"
                name="snapshotTimeout"
                data-testid="settings-snapshot-timeout"
                [value]="snapshotTimeout()"
                (input)="snapshotTimeout.set($any($event.target).value)"
              />
            </cap-form-field>
          </div>
        </fieldset>
        <fieldset class="card" [disabled]="!canUpdate()">
          <legend class="sr-only">Hidden containers</legend>
          <h2>Hidden containers</h2>
          <p class="muted">Containers with one of these labels are hidden from non-administrators.</p>
          @for (label of labels(); track $index; let i = $index) {
            <div class="label-row" [attr.data-testid]="'settings-label-' + i">
              <cap-form-field label="Name">
                <input
                  capControl
                  class="input"
                  [value]="label.name"
                  (input)="setLabel(i, 'name', $any($event.target).value)"
                />
              </cap-form-field>
              <cap-form-field label="Value">
                <input
                  capControl
                  class="input"
                  [value]="label.value"
                  (input)="setLabel(i, 'value', $any($event.target).value)"
                />
              </cap-form-field>
              <button
                type="button"
                class="btn btn-sm"
                [attr.aria-label]="'Remove label ' + (label.name || i + 1)"
                (click)="removeLabel(i)"
              >
                Remove
              </button>
            </div>
          }
          @if (shown().labels; as message) {
            <p class="error">{{ message }}</p>
          }
          <button type="button" class="btn btn-sm" data-testid="settings-label-add" (click)="addLabel()">
            + Add label
          </button>
        </fieldset>
        @if (canUpdate()) {
          <div class="form-actions save">
            <button type="submit" class="btn btn-primary" data-testid="settings-save" [disabled]="busy()">
              {{ busy() ? 'Saving…' : 'Save settings' }}
            </button>
          </div>
        }
      </form>
      <p class="muted">
        The sign-in method (internal, LDAP, OAuth) is on the
        <a routerLink="/admin/authentication">Authentication</a> page.
      </p>
    }
  `,
  styles: `
    fieldset {
      margin: 0 0 1rem;
      min-width: 0;
    }
    .narrow {
      max-width: 10rem;
    }
    .label-row {
      display: grid;
      grid-template-columns: 1fr 1fr auto;
      gap: 0 0.75rem;
      align-items: center;
    }
    @media (max-width: 480px) {
      .label-row {
        grid-template-columns: 1fr;
      }
    }
    .error {
      color: var(--danger-text);
    }
    .save {
      margin-top: 1rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SettingsPage {
  private readonly adminApi = inject(AdminApi);
  private readonly session = inject(SessionStore);
  private readonly toasts = inject(ToastService);

  protected readonly canUpdate = computed(() => this.session.can(Permission.SettingsUpdate));
  protected readonly loaded = signal(false);
  protected readonly loadError = signal<string | null>(null);
  protected readonly busy = signal(false);
  private readonly submitted = signal(false);

  protected readonly timeout = signal('8h');
  protected readonly passwordLength = signal(12);
  protected readonly retention = signal(90);
  protected readonly twoFactorPolicy = signal<TwoFactorPolicy>('optional');
  /** The settings as last loaded or saved (the sign-in method card edits its part). */
  protected readonly current = signal<Settings | null>(null);
  protected readonly twoFactorChoices: readonly { value: TwoFactorPolicy; label: string }[] = [
    { value: 'optional', label: 'Optional: each user decides' },
    { value: 'administrators', label: 'Required for administrators' },
    { value: 'everyone', label: 'Required for everyone' },
  ];
  protected readonly labels = signal<Label[]>([]);
  protected readonly snapshotInterval = signal('5m');
  protected readonly snapshotConcurrency = signal(8);
  protected readonly snapshotTimeout = signal('10s');
  protected readonly snapshotErrors = computed(() =>
    validateSnapshots(this.snapshotInterval(), this.snapshotConcurrency(), this.snapshotTimeout()),
  );
  protected readonly shownSnapshots = computed<SnapshotErrors>(() =>
    this.submitted() ? this.snapshotErrors() : { interval: null, concurrency: null, deadline: null },
  );

  protected readonly timeoutChoices = computed(() => {
    const current = this.timeout();
    return SESSION_TIMEOUTS.some((t) => t.value === current)
      ? SESSION_TIMEOUTS
      : [{ value: current, label: current }, ...SESSION_TIMEOUTS];
  });
  protected readonly errors = computed(() =>
    validateSettings(this.timeout(), this.passwordLength(), this.retention(), this.labels()),
  );
  protected readonly shown = computed<SettingsErrors>(() =>
    this.submitted() ? this.errors() : { timeout: null, passwordLength: null, retention: null, labels: null },
  );

  constructor() {
    this.adminApi
      .settings()
      .then((s) => this.fill(s))
      .catch((error: unknown) => this.loadError.set(`Could not load the settings: ${errorMessage(error)}`));
  }

  protected setLabel(index: number, field: keyof Label, value: string): void {
    this.labels.update((list) => list.map((l, i) => (i === index ? { ...l, [field]: value } : l)));
  }

  protected addLabel(): void {
    this.labels.update((list) => [...list, { name: '', value: '' }]);
  }

  protected removeLabel(index: number): void {
    this.labels.update((list) => list.filter((_, i) => i !== index));
  }

  protected async save(event: Event): Promise<void> {
    event.preventDefault();
    this.submitted.set(true);
    const invalid: (string | null)[] = [
      ...Object.values<string | null>({ ...this.errors() }),
      ...Object.values<string | null>({ ...this.snapshotErrors() }),
    ];
    if (invalid.some((e) => e !== null) || this.busy()) return;
    this.busy.set(true);
    try {
      const saved = await this.adminApi.updateSettings({
        UserSessionTimeout: this.timeout(),
        InternalAuthSettings: { RequiredPasswordLength: this.passwordLength() },
        AuditLogRetentionDays: this.retention(),
        TwoFactorPolicy: this.twoFactorPolicy(),
        BlackListedLabels: this.labels().map((l) => ({ name: l.name.trim(), value: l.value.trim() })),
        SnapshotInterval: this.snapshotInterval().trim(),
        SnapshotConcurrency: this.snapshotConcurrency(),
        SnapshotTimeout: this.snapshotTimeout().trim(),
      });
      if (saved) this.fill(saved);
      this.submitted.set(false);
      this.toasts.success('Settings saved');
    } catch (error) {
      this.toasts.error(`Could not save the settings: ${errorMessage(error)}`);
    } finally {
      this.busy.set(false);
    }
  }

  private fill(s: Settings): void {
    this.current.set(s);
    this.timeout.set(s.UserSessionTimeout || '8h');
    this.passwordLength.set(s.InternalAuthSettings?.RequiredPasswordLength ?? 12);
    this.retention.set(s.AuditLogRetentionDays ?? 90);
    this.twoFactorPolicy.set(s.TwoFactorPolicy ?? 'optional');
    this.labels.set((s.BlackListedLabels ?? []).map((l) => ({ name: l.name, value: l.value })));
    this.snapshotInterval.set(s.SnapshotInterval || '5m');
    this.snapshotConcurrency.set(s.SnapshotConcurrency ?? 8);
    this.snapshotTimeout.set(s.SnapshotTimeout || '10s');
    this.loaded.set(true);
  }
}
