import { ChangeDetectionStrategy, Component, input, output, signal } from '@angular/core';

import { FormControlDirective, FormField } from '../form/form-field';

/** A TOTP code field: six digits from an app, or a recovery code; the phone's keyboard offers the code. */
@Component({
  selector: 'cap-totp-code-field',
  imports: [FormField, FormControlDirective],
  template: `
    <cap-form-field [label]="label()" [hint]="hint()" [required]="true" [error]="error()">
      <input
        capControl
        class="input code"
        name="one-time-code"
        autocomplete="one-time-code"
        autocapitalize="none"
        spellcheck="false"
        maxlength="32"
        [attr.inputmode]="recovery() ? 'text' : 'numeric'"
        [attr.data-testid]="testId()"
        [value]="value()"
        (input)="changed.emit($any($event.target).value)"
      />
    </cap-form-field>
  `,
  styles: `
    .code {
      font-family: var(--font-mono, monospace);
      letter-spacing: 0.15em;
      max-width: 16rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TotpCodeField {
  readonly value = input('');
  readonly label = input('Code from your authenticator app');
  readonly hint = input('');
  readonly error = input<string | null>(null);
  readonly recovery = input(false);
  readonly testId = input('totp-code');
  readonly changed = output<string>();
}

/** The QR code of a new TOTP secret, with the secret itself for apps that cannot scan. */
@Component({
  selector: 'cap-totp-qr',
  template: `
    <figure class="qr">
      <img
        [src]="qrCode()"
        width="200"
        height="200"
        alt="QR code for your authenticator app"
        data-testid="totp-qr"
      />
      <figcaption>
        Scan it with an authenticator app, or type this key:
        <code data-testid="totp-secret">{{ grouped(secret()) }}</code>
      </figcaption>
    </figure>
  `,
  styles: `
    .qr {
      display: flex;
      flex-wrap: wrap;
      gap: 1rem;
      align-items: center;
      margin: 0 0 1rem;
    }
    img {
      background: #fff;
      padding: 0.4rem;
      border-radius: var(--radius);
      max-width: 100%;
      height: auto;
    }
    figcaption {
      flex: 1 1 12rem;
    }
    code {
      display: block;
      margin-top: 0.4rem;
      overflow-wrap: anywhere;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TotpQr {
  readonly qrCode = input.required<string>();
  readonly secret = input.required<string>();

  protected grouped(secret: string): string {
    return secret.replace(/(.{4})/g, '$1 ').trim();
  }
}

/** Recovery codes, shown once: a list to copy or download. */
@Component({
  selector: 'cap-recovery-codes',
  template: `
    <p>
      Keep these recovery codes somewhere safe. Each one signs you in once if you lose your phone. They will
      not be shown again.
    </p>
    <ol class="codes" data-testid="totp-recovery-codes">
      @for (code of codes(); track code) {
        <li>
          <code>{{ code }}</code>
        </li>
      }
    </ol>
    <div class="row">
      <button type="button" class="btn btn-sm" data-testid="totp-recovery-copy" (click)="copy()">
        {{ copied() ? 'Copied' : 'Copy' }}
      </button>
      <a class="btn btn-sm" download="capstan-recovery-codes.txt" [href]="download()">Download</a>
    </div>
  `,
  styles: `
    .codes {
      columns: 2 10rem;
      padding-left: 1.5rem;
    }
    .row {
      display: flex;
      gap: 0.5rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RecoveryCodes {
  readonly codes = input.required<readonly string[]>();
  protected readonly copied = signal(false);

  protected download(): string {
    return `data:text/plain;charset=utf-8,${encodeURIComponent(this.codes().join('\n') + '\n')}`;
  }

  protected async copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.codes().join('\n'));
      this.copied.set(true);
    } catch {
      this.copied.set(false);
    }
  }
}
