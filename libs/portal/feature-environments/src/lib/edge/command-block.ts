import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { ToastService } from '@capstan/portal-ui';

/** A command (or key) to copy: monospace, wrapping on phones, a Copy button. */
@Component({
  selector: 'cap-command-block',
  template: `
    <div class="block">
      <div class="head">
        <span class="title">{{ title() }}</span>
        <button type="button" class="btn btn-sm" [attr.data-testid]="testId() + '-copy'" (click)="copy()">
          {{ copied() ? 'Copied' : 'Copy' }}
        </button>
      </div>
      <pre class="mono" [attr.data-testid]="testId()">{{ text() }}</pre>
    </div>
  `,
  styles: `
    .block {
      border: 1px solid var(--border);
      border-radius: 6px;
      background: var(--surface-2, var(--surface));
      margin-bottom: 1rem;
      max-width: 100%;
    }
    .head {
      display: flex;
      justify-content: space-between;
      align-items: center;
      gap: 0.5rem;
      padding: 0.4rem 0.6rem;
      border-bottom: 1px solid var(--border);
    }
    .title {
      font-weight: 600;
      font-size: 0.9rem;
    }
    pre {
      margin: 0;
      padding: 0.6rem;
      white-space: pre-wrap;
      word-break: break-all;
      font-size: 0.85rem;
      color: var(--text);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CommandBlock {
  private readonly toasts = inject(ToastService);
  readonly title = input.required<string>();
  readonly text = input.required<string>();
  readonly testId = input('command');
  protected readonly copied = signal(false);

  protected async copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.text());
      this.copied.set(true);
    } catch {
      this.toasts.error('Copying is not allowed here; select the text and copy it by hand.');
    }
  }
}
