import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

export type AlertKind = 'error' | 'success' | 'info' | 'warning';

/** An inline message. Errors are announced (`role="alert"`) and carry `data-testid="alert-error"`. */
@Component({
  selector: 'cap-alert',
  template: `<ng-content />`,
  host: {
    '[class]': '"alert alert-" + kind()',
    '[attr.role]': 'kind() === "error" ? "alert" : "status"',
    '[attr.data-testid]': 'resolvedTestId()',
  },
  styles: `
    :host {
      display: block;
      padding: 0.75rem 1rem;
      border-radius: var(--radius);
      border: 1px solid;
      margin: 0 0 1rem;
    }
    :host(.alert-error) {
      background: var(--danger-bg);
      border-color: var(--danger);
      color: var(--danger-text);
    }
    :host(.alert-success) {
      background: var(--success-bg);
      border-color: var(--success);
    }
    :host(.alert-info) {
      background: var(--info-bg);
      border-color: var(--info);
    }
    :host(.alert-warning) {
      background: var(--warning-bg);
      border-color: var(--warning);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Alert {
  readonly kind = input<AlertKind>('info');
  /** Defaults to `alert-<kind>`. */
  readonly testId = input<string | null>(null);
  protected readonly resolvedTestId = computed(() => this.testId() ?? `alert-${this.kind()}`);
}
