import { ChangeDetectionStrategy, Component, input, model } from '@angular/core';
import type { KeyValue } from '@capstan/portal-data-access';

/**
 * Editable `name = value` rows (driver options, labels, environment variables) with an add button. `testId`
 * prefixes the ids of its controls; `error` is the set's problem, `rowErrors` a row's own, shown under it.
 */
@Component({
  selector: 'cap-key-value-editor',
  template: `
    <fieldset class="kv">
      <legend>{{ legend() }}</legend>
      @for (pair of pairs(); track $index; let i = $index) {
        <div class="row">
          <label class="sr-only" [attr.for]="testId() + '-key-' + i">{{ keyLabel() }} {{ i + 1 }}</label>
          <input
            class="input mono"
            autocomplete="off"
            [id]="testId() + '-key-' + i"
            [placeholder]="keyHint() ?? keyLabel()"
            [attr.data-testid]="testId() + '-key-' + i"
            [value]="pair.key"
            (input)="set(i, 'key', $any($event.target).value)"
          />
          <label class="sr-only" [attr.for]="testId() + '-value-' + i">Value {{ i + 1 }}</label>
          <input
            class="input mono"
            autocomplete="off"
            placeholder="value"
            [id]="testId() + '-value-' + i"
            [attr.data-testid]="testId() + '-value-' + i"
            [value]="pair.value"
            (input)="set(i, 'value', $any($event.target).value)"
          />
          <button
            type="button"
            class="icon-btn"
            [attr.aria-label]="'Remove ' + (pair.key || 'row ' + (i + 1))"
            [attr.data-testid]="testId() + '-remove-' + i"
            (click)="remove(i)"
          >
            ×
          </button>
        </div>
        @if (rowErrors()[i]; as rowError) {
          <p class="error" role="alert" [attr.data-testid]="testId() + '-error-' + i">{{ rowError }}</p>
        }
      }
      <button type="button" class="btn btn-sm" [attr.data-testid]="testId() + '-add'" (click)="add()">
        + {{ addLabel() }}
      </button>
      @if (error()) {
        <p class="error" role="alert">{{ error() }}</p>
      }
    </fieldset>
  `,
  styles: `
    .kv {
      border: 0;
      padding: 0;
      margin: 0 0 1rem;
      display: grid;
      gap: 0.4rem;
      justify-items: start;
    }
    legend {
      font-weight: 600;
      font-size: 0.9rem;
      margin-bottom: 0.3rem;
    }
    .row {
      display: grid;
      grid-template-columns: minmax(0, 1fr) minmax(0, 1fr) auto;
      gap: 0.4rem;
      width: 100%;
    }
    .error {
      margin: 0;
      color: var(--danger-text);
      font-size: 0.85rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class KeyValueEditor {
  readonly pairs = model.required<KeyValue[]>();
  readonly legend = input.required<string>();
  readonly testId = input.required<string>();
  readonly keyLabel = input('name');
  /** The key box's placeholder; the key label when not given. */
  readonly keyHint = input<string | undefined>(undefined);
  readonly addLabel = input('Add');
  readonly error = input<string | null | undefined>(null);
  readonly rowErrors = input<readonly (string | null | undefined)[]>([]);

  protected set(index: number, field: 'key' | 'value', value: string): void {
    this.pairs.update((list) => list.map((p, i) => (i === index ? { ...p, [field]: value } : p)));
  }

  protected add(): void {
    this.pairs.update((list) => [...list, { key: '', value: '' }]);
  }

  protected remove(index: number): void {
    this.pairs.update((list) => list.filter((_, i) => i !== index));
  }
}
