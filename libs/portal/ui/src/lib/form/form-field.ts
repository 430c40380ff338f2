import { ChangeDetectionStrategy, Component, Directive, computed, inject, input } from '@angular/core';

let nextId = 0;

/**
 * A labelled form control. Put `capControl` on the projected input/select: it gets the id the label
 * points to, `aria-invalid` when there is an error, and `aria-describedby` naming the hint and error.
 */
@Component({
  selector: 'cap-form-field',
  template: `
    <label class="label" [attr.for]="controlId">
      {{ label() }}
      @if (required()) {
        <span class="required" aria-hidden="true">*</span>
      }
    </label>
    <ng-content />
    @if (hint()) {
      <p class="hint muted" [id]="hintId">{{ hint() }}</p>
    }
    @if (error()) {
      <p class="error" [id]="errorId" [attr.data-testid]="errorTestId()">{{ error() }}</p>
    }
  `,
  styles: `
    :host {
      display: grid;
      gap: 0.3rem;
      margin-bottom: 1rem;
    }
    .label {
      font-weight: 600;
      font-size: 0.9rem;
    }
    .required {
      color: var(--danger);
      margin-left: 0.15rem;
    }
    .hint,
    .error {
      margin: 0;
      font-size: 0.85rem;
    }
    .error {
      color: var(--danger-text);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class FormField {
  readonly label = input.required<string>();
  readonly hint = input<string>('');
  /** The message to show; empty or null means valid. */
  readonly error = input<string | null | undefined>(null);
  readonly required = input(false);
  readonly errorTestId = input<string | null>(null);

  readonly controlId = `cap-field-${nextId++}`;
  readonly hintId = `${this.controlId}-hint`;
  readonly errorId = `${this.controlId}-error`;

  readonly describedBy = computed(() => {
    const ids = [this.hint() ? this.hintId : '', this.error() ? this.errorId : ''].filter(Boolean);
    return ids.length ? ids.join(' ') : null;
  });
}

/** Marks the control of a `cap-form-field`; see FormField. */
@Directive({
  selector: '[capControl]',
  host: {
    '[id]': 'field.controlId',
    '[attr.aria-invalid]': 'field.error() ? "true" : null',
    '[attr.aria-describedby]': 'field.describedBy()',
    '[attr.aria-required]': 'field.required() ? "true" : null',
  },
})
export class FormControlDirective {
  protected readonly field = inject(FormField);
}
