import { ChangeDetectionStrategy, Component, input, signal } from '@angular/core';

/**
 * A value to copy (a webhook URL, a token): shown in a monospace box that wraps on phones, with a Copy button
 * that says "Copied" for two seconds (or "Select and copy" when the browser refuses the clipboard).
 */
@Component({
  selector: 'cap-copy-text',
  template: `
    <div class="copy">
      <code class="mono value" [attr.data-testid]="testId()">{{ value() }}</code>
      <button type="button" class="btn btn-sm" [attr.data-testid]="testId() + '-copy'" (click)="copy()">
        {{ state() }}
      </button>
    </div>
  `,
  styles: `
    .copy {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      align-items: center;
    }
    .value {
      flex: 1 1 16rem;
      min-width: 0;
      overflow-wrap: anywhere;
      padding: 0.35rem 0.5rem;
      border: 1px solid var(--border);
      border-radius: 6px;
      background: var(--surface-2, transparent);
      user-select: all;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CopyText {
  readonly value = input.required<string>();
  readonly testId = input('copy-text');
  protected readonly state = signal('Copy');
  private timer: ReturnType<typeof setTimeout> | null = null;

  protected async copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.value());
      this.state.set('Copied');
    } catch {
      this.state.set('Select and copy');
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.state.set('Copy'), 2000);
  }
}
