import { NgTemplateOutlet } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  Directive,
  TemplateRef,
  computed,
  contentChildren,
  inject,
  input,
  linkedSignal,
  output,
  signal,
} from '@angular/core';

export interface TableColumn<T> {
  readonly key: string;
  readonly label: string;
  readonly sortable?: boolean;
  /** Display value (when no `capCell` template) and sort key. Defaults to `row[key]`. */
  readonly value?: (row: T) => string | number | boolean | null | undefined;
  /** Hidden on narrow screens (≤ 768 px). */
  readonly secondary?: boolean;
}

export interface CellContext<T> {
  $implicit: T;
}

/**
 * `<ng-template capCell="key" [capCellOf]="rows" let-row>` renders the cells of one column;
 * `capCellOf` (the same rows the table gets) only types `row` in the template.
 */
@Directive({ selector: 'ng-template[capCell]' })
export class CellDef<T = unknown> {
  // The microsyntax-style names read as one phrase in templates: capCell="key" [capCellOf]="rows".
  readonly key = input.required<string>({ alias: 'capCell' });
  readonly capCellOf = input<readonly T[]>();
  readonly template = inject<TemplateRef<CellContext<T>>>(TemplateRef);

  static ngTemplateContextGuard<T>(_dir: CellDef<T>, _ctx: unknown): _ctx is CellContext<T> {
    return true;
  }
}

export interface PageRequest {
  readonly offset: number;
  readonly limit: number;
}

type SortDir = 'asc' | 'desc';

/**
 * A sortable, paged table. Client mode (default) sorts and pages `rows` itself; server mode (set
 * `totalCount`) shows `rows` as the current page and asks for others through `pageChange`.
 */
@Component({
  selector: 'cap-data-table',
  imports: [NgTemplateOutlet],
  template: `
    <div class="table-wrap">
      <table class="table table-hover">
        @if (caption()) {
          <caption class="sr-only">
            {{
              caption()
            }}
          </caption>
        }
        <thead>
          <tr>
            @for (col of columns(); track col.key) {
              <th
                scope="col"
                [class.secondary]="col.secondary"
                [attr.aria-sort]="
                  sortKey() === col.key ? (sortDir() === 'asc' ? 'ascending' : 'descending') : null
                "
              >
                @if (col.sortable && !serverMode()) {
                  <button type="button" class="sort" (click)="toggleSort(col.key)">
                    {{ col.label }}
                    <span aria-hidden="true">{{
                      sortKey() === col.key ? (sortDir() === 'asc' ? '▲' : '▼') : '↕'
                    }}</span>
                  </button>
                } @else {
                  {{ col.label }}
                }
              </th>
            }
          </tr>
        </thead>
        <tbody>
          @for (row of pageRows(); track $index) {
            <tr [attr.data-testid]="rowTestId()?.(row) ?? null">
              @for (col of columns(); track col.key) {
                <td [class.secondary]="col.secondary" [attr.data-label]="col.label">
                  @if (cellTemplate(col.key); as tpl) {
                    <ng-container *ngTemplateOutlet="tpl; context: { $implicit: row }" />
                  } @else {
                    {{ display(col, row) }}
                  }
                </td>
              }
            </tr>
          } @empty {
            <tr>
              <td class="empty" [attr.colspan]="columns().length" [attr.data-testid]="emptyTestId()">
                {{ loading() ? 'Loading…' : emptyMessage() }}
              </td>
            </tr>
          }
        </tbody>
      </table>
    </div>
    @if (total() > 0) {
      <nav class="pager" aria-label="Pagination">
        <span class="muted" data-testid="table-range">{{ rangeText() }}</span>
        <label class="size">
          <span>Rows</span>
          <select [value]="currentPageSize()" (change)="setPageSize($any($event.target).value)">
            @for (n of pageSizes; track n) {
              <option [value]="n" [selected]="n === currentPageSize()">{{ n }}</option>
            }
          </select>
        </label>
        <!-- Prev, page, Next stay together: on a phone the pager wraps as two rows, never a lone button. -->
        <span class="steps">
          <button
            type="button"
            class="btn btn-sm"
            [disabled]="page() === 0"
            (click)="goTo(page() - 1)"
            aria-label="Previous page"
          >
            ‹ Prev
          </button>
          <span aria-live="polite">Page {{ page() + 1 }} of {{ pageCount() }}</span>
          <button
            type="button"
            class="btn btn-sm"
            [disabled]="page() >= pageCount() - 1"
            (click)="goTo(page() + 1)"
            aria-label="Next page"
          >
            Next ›
          </button>
        </span>
      </nav>
    }
  `,
  styles: `
    :host {
      display: block;
    }
    .sort {
      all: unset;
      cursor: pointer;
      display: inline-flex;
      gap: 0.3rem;
      align-items: center;
    }
    .sort:focus-visible {
      outline: 2px solid var(--focus);
      outline-offset: 2px;
      border-radius: 2px;
    }
    .pager {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 1rem;
      align-items: center;
      justify-content: flex-end;
      padding: 0.75rem 0;
      font-size: 0.9rem;
    }
    .pager .btn {
      white-space: nowrap;
    }
    .steps {
      display: inline-flex;
      gap: 0.5rem 1rem;
      align-items: center;
      white-space: nowrap;
    }
    .size {
      display: inline-flex;
      gap: 0.4rem;
      align-items: center;
    }
    @media (max-width: 768px) {
      .secondary {
        display: none;
      }
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DataTable<T> {
  readonly columns = input.required<readonly TableColumn<T>[]>();
  readonly rows = input.required<readonly T[]>();
  readonly rowTestId = input<((row: T) => string) | null>(null);
  readonly caption = input('');
  readonly emptyMessage = input('Nothing to show.');
  /** `data-testid` of the "nothing to show" cell, e.g. `services-empty`. */
  readonly emptyTestId = input<string | null>(null);
  readonly loading = input(false);
  readonly pageSize = input(10);
  /** Server mode: the total number of rows on the server. */
  readonly totalCount = input<number | null>(null);
  readonly pageChange = output<PageRequest>();

  protected readonly pageSizes = [10, 25, 50, 100];
  private readonly cells = contentChildren(CellDef);
  protected readonly sortKey = signal<string | null>(null);
  protected readonly sortDir = signal<SortDir>('asc');
  readonly currentPageSize = linkedSignal(() => this.pageSize());
  readonly page = signal(0);

  protected readonly serverMode = computed(() => this.totalCount() !== null);
  protected readonly total = computed(() => this.totalCount() ?? this.rows().length);
  protected readonly pageCount = computed(() =>
    Math.max(1, Math.ceil(this.total() / this.currentPageSize())),
  );

  protected readonly sortedRows = computed(() => {
    const rows = [...this.rows()];
    const key = this.sortKey();
    if (!key || this.serverMode()) return rows;
    const col = this.columns().find((c) => c.key === key);
    if (!col) return rows;
    const dir = this.sortDir() === 'asc' ? 1 : -1;
    return rows.sort((a, b) => compareCells(this.value(col, a), this.value(col, b)) * dir);
  });

  readonly pageRows = computed(() => {
    if (this.serverMode()) return this.rows();
    const page = Math.min(this.page(), this.pageCount() - 1);
    const size = this.currentPageSize();
    return this.sortedRows().slice(page * size, page * size + size);
  });

  protected readonly rangeText = computed(() => {
    const page = Math.min(this.page(), this.pageCount() - 1);
    const start = page * this.currentPageSize() + 1;
    const end = Math.min(this.total(), start + this.currentPageSize() - 1);
    return `${start}–${end} of ${this.total()}`;
  });

  toggleSort(key: string): void {
    if (this.sortKey() === key) {
      this.sortDir.update((d) => (d === 'asc' ? 'desc' : 'asc'));
    } else {
      this.sortKey.set(key);
      this.sortDir.set('asc');
    }
    this.page.set(0);
  }

  goTo(page: number): void {
    const target = Math.max(0, Math.min(page, this.pageCount() - 1));
    this.page.set(target);
    if (this.serverMode())
      this.pageChange.emit({ offset: target * this.currentPageSize(), limit: this.currentPageSize() });
  }

  /** Back to the first page (e.g. after the filters changed). */
  reset(): void {
    this.page.set(0);
  }

  protected setPageSize(value: string): void {
    this.currentPageSize.set(Number(value));
    this.goTo(0);
  }

  protected cellTemplate(key: string): TemplateRef<CellContext<T>> | null {
    return (
      (this.cells().find((c) => c.key() === key)?.template as TemplateRef<CellContext<T>> | undefined) ?? null
    );
  }

  protected display(col: TableColumn<T>, row: T): string {
    const value = this.value(col, row);
    return value === null || value === undefined ? '' : String(value);
  }

  private value(col: TableColumn<T>, row: T): string | number | boolean | null | undefined {
    if (col.value) return col.value(row);
    return (row as Record<string, string | number | boolean | null | undefined>)[col.key];
  }
}

type Cell = string | number | boolean | null | undefined;

/** The order of two cell values: numbers by value, the rest as text with numbers in it ("web-2" < "web-10"); blanks last. */
export function compareCells(a: Cell, b: Cell): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true, sensitivity: 'base' });
}
