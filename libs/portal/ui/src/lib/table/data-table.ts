import { NgTemplateOutlet } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  Directive,
  ElementRef,
  TemplateRef,
  afterNextRender,
  afterRenderEffect,
  computed,
  contentChildren,
  inject,
  input,
  linkedSignal,
  model,
  output,
  signal,
  viewChild,
} from '@angular/core';

import type { Selection } from '../list/selection';

export interface TableColumn<T> {
  readonly key: string;
  readonly label: string;
  readonly sortable?: boolean;
  /** Display value (when no `capCell` template) and sort key. Defaults to `row[key]`. */
  readonly value?: (row: T) => string | number | boolean | null | undefined;
  /** Hidden on narrow screens (≤ 768 px). */
  readonly secondary?: boolean;
  /** The direction of the first click on this column (`desc` for dates: newest first). Default `asc`. */
  readonly firstDir?: SortDir;
  /** Column width (CSS length); a virtual table lays out by these (columns without one share the rest). */
  readonly width?: string;
}

export type SortDir = 'asc' | 'desc';

export interface SortState {
  readonly key: string | null;
  readonly dir: SortDir;
}

/** The sort after a click on `col`: the same column flips, another starts at its `firstDir`. */
export function nextSort<T>(current: SortState, col: TableColumn<T>): SortState {
  if (current.key === col.key) return { key: col.key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { key: col.key, dir: col.firstDir ?? 'asc' };
}

/**
 * `rows` in the order a DataTable shows them: by the `key` column's value (`compareCells`), then `tieBreak`, the
 * whole reversed for `desc`. For a page that needs the order itself (shift-click ranges, counts), with `sorted`.
 */
export function sortRows<T>(
  rows: readonly T[],
  columns: readonly TableColumn<T>[],
  sort: SortState,
  tieBreak?: ((a: T, b: T) => number) | null,
): T[] {
  const copy = [...rows];
  const col = sort.key === null ? undefined : columns.find((c) => c.key === sort.key);
  if (!col) return copy;
  const dir = sort.dir === 'asc' ? 1 : -1;
  return copy.sort(
    (a, b) => (compareCells(cellValue(col, a), cellValue(col, b)) || (tieBreak?.(a, b) ?? 0)) * dir,
  );
}

function cellValue<T>(col: TableColumn<T>, row: T): Cell {
  if (col.value) return col.value(row);
  return (row as Record<string, Cell>)[col.key];
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

/** Rows rendered above and below the visible ones in virtual mode, and the step the window moves by. */
const VIRTUAL_BUFFER = 12;
const VIRTUAL_STEP = 6;

/**
 * A sortable, paged table. Client mode (default) sorts and pages `rows` itself; server mode (set
 * `totalCount`) shows `rows` as the current page and asks for others through `pageChange`. Virtual mode (set
 * `rowHeight`) shows every row in a scrolling box and renders only those in view (thousands of rows stay
 * smooth); the window is computed here from the box's scroll position, no scrolling library.
 *
 * With a `selection` (and `rowKey`) the first column holds checkboxes: select all shown, shift-click for a
 * range. `sortKey`/`sortDir` are two-way bindable; with `sorted` the rows come in that order already (the page
 * sorts them with `sortRows`) and the table only shows and changes the sort.
 */
@Component({
  selector: 'cap-data-table',
  imports: [NgTemplateOutlet],
  template: `
    <div
      #wrap
      class="table-wrap"
      [class.virtual]="virtual()"
      [attr.data-testid]="viewportTestId()"
      [style.--row-height.px]="rowHeight()"
      [style.--table-min-width]="minWidth()"
    >
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
            @if (selection(); as sel) {
              <th scope="col" class="check" [style.width]="'2.75rem'">
                <input
                  type="checkbox"
                  [attr.aria-label]="selectAllLabel()"
                  [attr.data-testid]="selectAllTestId()"
                  [checked]="allSelected()"
                  [indeterminate]="someSelected() && !allSelected()"
                  (change)="selectAll($any($event.target).checked)"
                />
              </th>
            }
            @for (col of columns(); track col.key) {
              <th
                scope="col"
                [class.secondary]="col.secondary"
                [style.width]="col.width ?? null"
                [attr.aria-sort]="
                  sortKey() === col.key ? (sortDir() === 'asc' ? 'ascending' : 'descending') : null
                "
              >
                @if (col.sortable && !serverMode()) {
                  <button
                    type="button"
                    class="sort"
                    [attr.data-testid]="'sort-' + col.key"
                    (click)="toggleSort(col.key)"
                  >
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
          @if (padTop() > 0) {
            <tr class="spacer" aria-hidden="true">
              <td [attr.colspan]="columnCount()" [style.height.px]="padTop()"></td>
            </tr>
          }
          @for (row of pageRows(); track trackRow($index, row)) {
            <tr
              class="row"
              [class.selected]="isSelected(row)"
              [attr.data-testid]="rowTestId()?.(row) ?? null"
            >
              @if (selection()) {
                <td class="check" data-label="Select">
                  <input
                    type="checkbox"
                    [attr.aria-label]="selectLabel()(row)"
                    [attr.data-testid]="selectTestId()?.(row) ?? null"
                    [checked]="isSelected(row)"
                    (click)="onCheck(row, $event)"
                  />
                </td>
              }
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
              <td class="empty" [attr.colspan]="columnCount()" [attr.data-testid]="emptyTestId()">
                {{ loading() ? 'Loading…' : emptyMessage() }}
              </td>
            </tr>
          }
          @if (padBottom() > 0) {
            <tr class="spacer" aria-hidden="true">
              <td [attr.colspan]="columnCount()" [style.height.px]="padBottom()"></td>
            </tr>
          }
        </tbody>
      </table>
    </div>
    @if (total() > 0 && !virtual()) {
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
    .check input {
      width: 1.05rem;
      height: 1.05rem;
      margin: 0;
      vertical-align: middle;
    }
    tr.selected {
      background: var(--accent-soft);
    }
    .spacer td {
      padding: 0;
      border: 0;
    }
    /* Virtual: a box that scrolls both ways, header kept in view, rows of one height, cells on one line. */
    .virtual {
      max-height: max(18rem, calc(100vh - 22rem));
      overflow: auto;
    }
    .virtual .table {
      table-layout: fixed;
      min-width: var(--table-min-width, 0);
    }
    .virtual thead th {
      position: sticky;
      top: 0;
      z-index: 1;
    }
    .virtual tr.row {
      height: var(--row-height);
    }
    .virtual tr.row td {
      padding-top: 0;
      padding-bottom: 0;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
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
      .virtual .table {
        min-width: 0;
      }
      .virtual {
        max-height: max(18rem, calc(100vh - 24rem));
      }
    }
    /* Phones: rows stack (global rule); a stacked row is as tall as its lines, measured while scrolling. */
    @media (max-width: 600px) {
      .virtual tr.row {
        height: auto;
      }
      .virtual tr.row td {
        white-space: normal;
      }
      /* The header is a row of sort buttons here: the columns' widths do not apply. */
      .virtual th {
        width: auto !important;
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
  /** The sorted column (null: the rows' own order) and direction; two-way bindable. */
  readonly sortKey = model<string | null>(null);
  readonly sortDir = model<SortDir>('asc');
  /** The rows come sorted by `sortKey`/`sortDir` already (see `sortRows`). */
  readonly sorted = input(false);
  /** Orders rows the sorted column finds equal. */
  readonly tieBreak = input<((a: T, b: T) => number) | null>(null);
  /** Virtual mode: the row height in px (phones' stacked rows are measured). No pager. */
  readonly rowHeight = input<number | null>(null);
  /** `data-testid` of the table's box (in virtual mode the element that scrolls). */
  readonly viewportTestId = input<string | null>(null);
  /** Minimum width of the table on wide screens (CSS length): narrower boxes scroll sideways. */
  readonly minWidth = input<string | null>(null);
  /** Row identity: tracks rendered rows, and the keys the `selection` holds. */
  readonly rowKey = input<((row: T) => unknown) | null>(null);
  /** Row checkboxes and "select all shown" in the header, over `rowKey`s. */
  readonly selection = input<Selection<unknown> | null>(null);
  readonly selectTestId = input<((row: T) => string) | null>(null);
  readonly selectLabel = input<(row: T) => string>(() => 'Select row');
  readonly selectAllTestId = input<string | null>(null);
  readonly selectAllLabel = input('Select all shown rows');

  protected readonly pageSizes = [10, 25, 50, 100];
  private readonly cells = contentChildren(CellDef);
  readonly currentPageSize = linkedSignal(() => this.pageSize());
  readonly page = signal(0);

  protected readonly serverMode = computed(() => this.totalCount() !== null);
  protected readonly virtual = computed(() => this.rowHeight() !== null && !this.serverMode());
  protected readonly total = computed(() => this.totalCount() ?? this.rows().length);
  protected readonly pageCount = computed(() =>
    Math.max(1, Math.ceil(this.total() / this.currentPageSize())),
  );
  protected readonly columnCount = computed(() => this.columns().length + (this.selection() ? 1 : 0));

  protected readonly sortedRows = computed(() => {
    if (this.serverMode() || this.sorted()) return this.rows();
    return sortRows(
      this.rows(),
      this.columns(),
      { key: this.sortKey(), dir: this.sortDir() },
      this.tieBreak(),
    );
  });

  // Virtual window: which rows the scroll position shows, plus a buffer, moved in steps of VIRTUAL_STEP rows.
  private readonly wrap = viewChild.required<ElementRef<HTMLElement>>('wrap');
  private readonly scrollTop = signal(0);
  private readonly boxHeight = signal(0);
  /** The rendered rows' mean height when it differs from `rowHeight` (stacked rows on phones). */
  private readonly measured = signal<number | null>(null);
  private readonly itemHeight = computed(() => this.measured() ?? this.rowHeight() ?? 1);
  private readonly range = computed(() => {
    const count = this.sortedRows().length;
    if (!this.virtual()) return { first: 0, last: count };
    const h = this.itemHeight();
    const box = this.boxHeight() || (typeof window === 'undefined' ? 800 : window.innerHeight);
    const top = Math.floor(this.scrollTop() / h);
    const first = Math.max(0, Math.floor((top - VIRTUAL_BUFFER) / VIRTUAL_STEP) * VIRTUAL_STEP);
    const last = Math.min(count, Math.ceil((top + box / h + VIRTUAL_BUFFER) / VIRTUAL_STEP) * VIRTUAL_STEP);
    return { first: Math.min(first, count), last: Math.max(last, Math.min(first, count)) };
  });
  protected readonly padTop = computed(() => (this.virtual() ? this.range().first * this.itemHeight() : 0));
  protected readonly padBottom = computed(() =>
    this.virtual() ? (this.sortedRows().length - this.range().last) * this.itemHeight() : 0,
  );

  readonly pageRows = computed(() => {
    if (this.serverMode()) return this.rows();
    if (this.virtual()) {
      const { first, last } = this.range();
      return this.sortedRows().slice(first, last);
    }
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

  private readonly shownKeys = computed(() => {
    const key = this.rowKey();
    return key ? this.sortedRows().map(key) : [];
  });
  protected readonly allSelected = computed(() => this.selection()?.allOf(this.shownKeys()) ?? false);
  protected readonly someSelected = computed(() => {
    const sel = this.selection();
    return !!sel && sel.size() > 0 && this.shownKeys().some((k) => sel.has(k));
  });
  /** The last row checked by a click: the other end of a shift-click range. */
  private anchor: unknown = null;

  constructor() {
    const destroyRef = inject(DestroyRef);
    afterNextRender(() => {
      if (!this.virtual()) return;
      const box = this.wrap().nativeElement;
      const onScroll = () => {
        this.scrollTop.set(box.scrollTop);
        this.boxHeight.set(box.clientHeight);
      };
      onScroll();
      box.addEventListener('scroll', onScroll, { passive: true });
      const resize = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(onScroll);
      resize?.observe(box);
      destroyRef.onDestroy(() => {
        box.removeEventListener('scroll', onScroll);
        resize?.disconnect();
      });
    });
    // Stacked rows (phones) are taller than `rowHeight`: measure what was rendered and size the window by it.
    afterRenderEffect({
      earlyRead: () => {
        this.pageRows();
        if (!this.virtual()) return null;
        const rows = this.wrap().nativeElement.querySelectorAll<HTMLElement>('tbody tr.row');
        let sum = 0;
        for (const r of Array.from(rows)) sum += r.offsetHeight;
        return rows.length && sum ? sum / rows.length : null;
      },
      write: (mean) => {
        const height = mean();
        if (height === null) return;
        // Only a real change (10 %): rows of a few different heights must not move the window back and forth.
        const current = this.itemHeight();
        if (Math.abs(height - current) > current * 0.1)
          this.measured.set(Math.abs(height - (this.rowHeight() ?? 0)) > 1 ? height : null);
      },
    });
  }

  toggleSort(key: string): void {
    const col = this.columns().find((c) => c.key === key);
    if (!col) return;
    const next = nextSort({ key: this.sortKey(), dir: this.sortDir() }, col);
    this.sortKey.set(next.key);
    this.sortDir.set(next.dir);
    this.page.set(0);
    this.anchor = null;
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

  protected trackRow(index: number, row: T): unknown {
    const key = this.rowKey();
    return key ? key(row) : index;
  }

  protected isSelected(row: T): boolean {
    const sel = this.selection();
    const key = this.rowKey();
    return !!sel && !!key && sel.has(key(row));
  }

  protected selectAll(checked: boolean): void {
    this.selection()?.setAll(this.shownKeys(), checked);
    this.anchor = null;
  }

  /** A row checkbox click: toggles it; with Shift, sets the rows from the last click to this one the same way. */
  protected onCheck(row: T, event: MouseEvent): void {
    const sel = this.selection();
    const rowKey = this.rowKey();
    if (!sel || !rowKey) return;
    const checked = (event.target as HTMLInputElement).checked;
    const key = rowKey(row);
    const keys = this.shownKeys();
    const from = event.shiftKey && this.anchor !== null ? keys.indexOf(this.anchor) : -1;
    if (from >= 0) {
      const to = keys.indexOf(key);
      sel.setMany(keys.slice(Math.min(from, to), Math.max(from, to) + 1), checked);
    } else sel.toggle(key, checked);
    this.anchor = key;
  }

  protected cellTemplate(key: string): TemplateRef<CellContext<T>> | null {
    return (
      (this.cells().find((c) => c.key() === key)?.template as TemplateRef<CellContext<T>> | undefined) ?? null
    );
  }

  protected display(col: TableColumn<T>, row: T): string {
    const value = cellValue(col, row);
    return value === null || value === undefined ? '' : String(value);
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
