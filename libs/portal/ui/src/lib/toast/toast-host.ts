import { ChangeDetectionStrategy, Component, inject } from '@angular/core';

import { ToastService } from './toast.service';

/** Renders the toasts in a polite live region (errors are assertive). Place once, in the root. */
@Component({
  selector: 'cap-toast-host',
  template: `
    <div class="toasts" aria-live="polite">
      @for (toast of toasts.toasts(); track toast.id) {
        <div
          class="toast toast-{{ toast.kind }}"
          [attr.role]="toast.kind === 'error' ? 'alert' : 'status'"
          [attr.data-testid]="'toast-' + toast.kind"
        >
          <span>{{ toast.message }}</span>
          <button type="button" class="icon-btn" aria-label="Dismiss" (click)="toasts.dismiss(toast.id)">
            ×
          </button>
        </div>
      }
    </div>
  `,
  styles: `
    .toasts {
      position: fixed;
      right: 1rem;
      bottom: 1rem;
      display: grid;
      gap: 0.5rem;
      z-index: 50;
      max-width: min(28rem, calc(100vw - 2rem));
    }
    .toast {
      display: flex;
      gap: 0.75rem;
      align-items: start;
      justify-content: space-between;
      padding: 0.75rem 1rem;
      border-radius: var(--radius);
      background: var(--surface);
      color: var(--text);
      box-shadow: var(--shadow);
      border-left: 4px solid var(--info);
    }
    .toast-success {
      border-left-color: var(--success);
    }
    .toast-error {
      border-left-color: var(--danger);
    }
    .toast-warning {
      border-left-color: var(--warning);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ToastHost {
  protected readonly toasts = inject(ToastService);
}
