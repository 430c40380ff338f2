import { ChangeDetectionStrategy, Component, input, model } from '@angular/core';

/** A volume or bind mount as a create form edits it (container volumes, service mounts). */
export interface MountRowValue {
  /** `volume`: a named volume; `bind`: a host path. */
  type: 'volume' | 'bind';
  source: string;
  target: string;
  readOnly: boolean;
}

/**
 * A create form's section: a borderless fieldset, its bold legend and muted hint (as the key/value editor and the
 * ownership choice draw theirs), and its error line. Shared by the mount rows and the Add service dialog.
 */
export const FORM_SECTION_STYLES = `
  fieldset {
    border: 0;
    padding: 0;
    margin: 0 0 1rem;
    min-width: 0;
  }
  legend {
    font-weight: 600;
    font-size: 0.9rem;
    margin-bottom: 0.3rem;
  }
  .hint {
    margin: 0 0 0.5rem;
    color: var(--text-muted);
    font-size: 0.85rem;
  }
  .error {
    margin: 0.3rem 0 0;
    color: var(--danger-text);
    font-size: 0.85rem;
  }
`;

/**
 * The create forms' row layout (`.item` a row, `.cell` a labelled control with its `.caption` above, `.remove` at
 * the end): a filled box keeps saying what it holds, and the cells of a line stretch to its tallest (a select as
 * tall as an input). Shared by the mount rows and the Add service dialog's port rows.
 */
export const FORM_ROW_STYLES = `
  .item {
    display: grid;
    gap: 0.4rem;
    margin-bottom: 0.6rem;
  }
  .cell {
    display: grid;
    grid-template-rows: auto 1fr;
    gap: 0.1rem;
    min-width: 0;
  }
  .caption {
    color: var(--text-muted);
    font-size: 0.78rem;
  }
  .item .remove {
    align-self: end;
  }
`;

/**
 * Editable mount rows (type, source → target, read-only) with an add button: the container create page's volumes
 * and binds, the Add service dialog's mounts. `testId` prefixes the ids of its controls (`<testId>-source-0`,
 * `<testId>-add`…). Problems: `error` for the set (shown under it, and describing the fields in `badFields`), or
 * `rowErrors` for a row's own (shown under that row).
 */
@Component({
  selector: 'cap-mount-rows',
  template: `
    <fieldset [attr.aria-describedby]="hint() ? testId() + 's-hint' : null">
      <legend>{{ legend() }}</legend>
      @if (hint()) {
        <p class="hint" [id]="testId() + 's-hint'">{{ hint() }}</p>
      }
      @if (volumeNames().length > 0) {
        <datalist [id]="testId() + '-volume-names'">
          @for (v of volumeNames(); track v) {
            <option [value]="v"></option>
          }
        </datalist>
      }
      @for (m of rows(); track $index; let i = $index) {
        <div class="item mount">
          <label class="cell type">
            <span class="caption" aria-hidden="true">Type</span>
            <select
              class="input"
              [attr.aria-label]="'Type of ' + itemLabel() + ' ' + (i + 1)"
              [attr.data-testid]="testId() + '-type-' + i"
              [value]="m.type"
              (change)="set(i, 'type', $any($event.target).value)"
            >
              <option>volume</option>
              <option>bind</option>
            </select>
          </label>
          <label class="cell source">
            <span class="caption" aria-hidden="true">Source</span>
            <input
              class="input mono"
              autocomplete="off"
              [attr.list]="
                m.type === 'volume' && volumeNames().length > 0 ? testId() + '-volume-names' : null
              "
              [placeholder]="m.type === 'bind' ? '/host/path' : 'volume name'"
              [attr.aria-label]="'Source of ' + itemLabel() + ' ' + (i + 1)"
              [attr.aria-invalid]="bad(i, 'source') ? 'true' : null"
              [attr.aria-describedby]="bad(i, 'source') ? errorId(i) : null"
              [attr.data-testid]="testId() + '-source-' + i"
              [value]="m.source"
              (input)="set(i, 'source', $any($event.target).value)"
            />
          </label>
          <label class="cell target">
            <span class="caption" aria-hidden="true">Target</span>
            <input
              class="input mono"
              autocomplete="off"
              [placeholder]="targetHint()"
              [attr.aria-label]="'Target of ' + itemLabel() + ' ' + (i + 1)"
              [attr.aria-invalid]="bad(i, 'target') ? 'true' : null"
              [attr.aria-describedby]="bad(i, 'target') ? errorId(i) : null"
              [attr.data-testid]="testId() + '-target-' + i"
              [value]="m.target"
              (input)="set(i, 'target', $any($event.target).value)"
            />
          </label>
          <label class="check ro">
            <input
              type="checkbox"
              [attr.data-testid]="testId() + '-readonly-' + i"
              [checked]="m.readOnly"
              (change)="set(i, 'readOnly', $any($event.target).checked)"
            />
            read-only
          </label>
          <button
            type="button"
            class="icon-btn remove"
            [attr.aria-label]="'Remove ' + itemLabel() + ' ' + (i + 1)"
            [attr.data-testid]="testId() + '-remove-' + i"
            (click)="remove(i)"
          >
            ×
          </button>
        </div>
        @if (rowErrors()[i]; as rowError) {
          <p class="error" role="alert" [id]="testId() + '-error-' + i">{{ rowError }}</p>
        }
      }
      <button type="button" class="btn btn-sm" [attr.data-testid]="testId() + '-add'" (click)="add()">
        + {{ addLabel() }}
      </button>
      @if (error(); as message) {
        <p class="error" [id]="testId() + 's-error'" role="alert">{{ message }}</p>
      }
    </fieldset>
  `,
  styles: [
    FORM_SECTION_STYLES,
    FORM_ROW_STYLES,
    `
      .error {
        margin-bottom: 0.6rem;
      }
      .check {
        display: flex;
        gap: 0.5rem;
        align-self: end;
        margin: 0;
        min-height: 2.25rem;
        align-items: center;
        white-space: nowrap;
      }
      /* Two lines while narrow: type and read-only, then source → target; one line from 50rem. */
      .mount {
        grid-template-columns: minmax(0, 1fr) minmax(0, 1fr) auto;
        grid-template-areas: 'type ro remove' 'source target remove';
      }
      @media (min-width: 50rem) {
        .mount {
          grid-template-columns: 7rem minmax(0, 1.3fr) minmax(0, 1fr) auto auto;
          grid-template-areas: 'type source target ro remove';
        }
      }
      .type {
        grid-area: type;
      }
      .ro {
        grid-area: ro;
      }
      .source {
        grid-area: source;
      }
      .target {
        grid-area: target;
      }
      .remove {
        grid-area: remove;
      }
    `,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MountRows {
  readonly rows = model.required<MountRowValue[]>();
  readonly legend = input.required<string>();
  readonly testId = input.required<string>();
  readonly hint = input('');
  /** How a row is named to assistive technology: "Remove mount 2". */
  readonly itemLabel = input('mount');
  readonly addLabel = input('Mount');
  readonly targetHint = input('/data');
  /** Volume names offered for a volume's source. */
  readonly volumeNames = input<readonly string[]>([]);
  readonly error = input<string | null | undefined>(null);
  readonly rowErrors = input<readonly (string | null | undefined)[]>([]);
  /** Per row, the fields the set's `error` is about (marked invalid). */
  readonly badFields = input<readonly (readonly string[] | undefined)[]>([]);

  protected bad(i: number, field: 'source' | 'target'): boolean {
    return this.badFields()[i]?.includes(field) ?? false;
  }

  protected errorId(i: number): string {
    return this.error() ? `${this.testId()}s-error` : `${this.testId()}-error-${i}`;
  }

  protected set<K extends keyof MountRowValue>(index: number, field: K, value: MountRowValue[K]): void {
    this.rows.update((list) => list.map((m, i) => (i === index ? { ...m, [field]: value } : m)));
  }

  protected add(): void {
    this.rows.update((list) => [...list, { type: 'volume', source: '', target: '', readOnly: false }]);
  }

  protected remove(index: number): void {
    this.rows.update((list) => list.filter((_, i) => i !== index));
  }
}
