import { Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { describe, expect, it } from 'vitest';

import { Selection } from '../list/selection';
import {
  CellDef,
  DataTable,
  type PageRequest,
  type SortDir,
  type TableColumn,
  nextSort,
  sortRows,
} from './data-table';

interface Row {
  name: string;
  size: number;
}

const rows = (n: number): Row[] =>
  Array.from({ length: n }, (_, i) => ({ name: `item-${i + 1}`, size: (i * 7) % 5 }));

@Component({
  imports: [DataTable, CellDef],
  template: `
    <cap-data-table
      [columns]="columns"
      [rows]="rows()"
      [pageSize]="5"
      [totalCount]="total()"
      [rowTestId]="testId"
      (pageChange)="pages.push($event)"
    >
      <ng-template capCell="size" [capCellOf]="rows()" let-row
        ><b class="size">{{ row.size }} MB</b></ng-template
      >
    </cap-data-table>
  `,
})
class Host {
  columns: TableColumn<Row>[] = [
    { key: 'name', label: 'Name', sortable: true },
    { key: 'size', label: 'Size', sortable: true },
  ];
  rows = signal(rows(12));
  total = signal<number | null>(null);
  pages: PageRequest[] = [];
  testId = (r: Row) => `row-${r.name}`;
}

function setup() {
  const fixture = TestBed.createComponent(Host);
  fixture.detectChanges();
  const el = fixture.nativeElement as HTMLElement;
  const names = () =>
    Array.from(el.querySelectorAll('tbody tr td:first-child')).map((td) => td.textContent?.trim());
  const click = (text: string) => {
    const button = Array.from(el.querySelectorAll('button')).find((b) => b.textContent?.includes(text));
    if (!button) throw new Error(`no button ${text}`);
    button.click();
    fixture.detectChanges();
  };
  return { fixture, el, names, click };
}

describe('DataTable', () => {
  it('pages client-side rows and reports the range', () => {
    const { el, names, click } = setup();
    expect(names()).toEqual(['item-1', 'item-2', 'item-3', 'item-4', 'item-5']);
    expect(el.querySelector('[data-testid="table-range"]')?.textContent).toContain('1–5 of 12');
    click('Next');
    click('Next');
    expect(names()).toEqual(['item-11', 'item-12']);
    expect(el.querySelector<HTMLButtonElement>('[aria-label="Next page"]')?.disabled).toBe(true);
  });

  it('sorts by a column, toggles direction, and exposes aria-sort', () => {
    const { el, names, click } = setup();
    click('Name');
    expect(names()[0]).toBe('item-1');
    expect(names()[1]).toBe('item-2'); // natural order: item-2 before item-10
    expect(el.querySelector('th[aria-sort]')?.getAttribute('aria-sort')).toBe('ascending');
    click('Name');
    expect(names()[0]).toBe('item-12');
    expect(el.querySelector('th[aria-sort]')?.getAttribute('aria-sort')).toBe('descending');
  });

  it('renders cell templates and row test ids', () => {
    const { el } = setup();
    expect(el.querySelector('[data-testid="row-item-2"] .size')?.textContent).toBe('2 MB');
  });

  it('in server mode shows the rows as given and asks for other pages', () => {
    const { fixture, names, click } = setup();
    fixture.componentInstance.rows.set(rows(5));
    fixture.componentInstance.total.set(42);
    fixture.detectChanges();
    expect(names()).toHaveLength(5);
    click('Next');
    expect(fixture.componentInstance.pages).toEqual([{ offset: 5, limit: 5 }]);
  });

  it('shows the empty message when there are no rows', () => {
    const { fixture, el } = setup();
    fixture.componentInstance.rows.set([]);
    fixture.detectChanges();
    expect(el.querySelector('td.empty')?.textContent).toContain('Nothing to show.');
    expect(el.querySelector('nav.pager')).toBeNull();
  });
});

@Component({
  imports: [DataTable],
  template: `
    <cap-data-table
      [columns]="columns"
      [rows]="rows()"
      [rowHeight]="40"
      viewportTestId="box"
      [rowKey]="key"
      [rowTestId]="testId"
      [selection]="selection"
      [selectTestId]="selectId"
      selectAllTestId="all"
      [(sortKey)]="sortKey"
      [(sortDir)]="sortDir"
    />
  `,
})
class VirtualHost {
  columns: TableColumn<Row>[] = [
    { key: 'name', label: 'Name', sortable: true },
    { key: 'size', label: 'Size', sortable: true, firstDir: 'desc' },
  ];
  rows = signal(rows(1000));
  selection = new Selection<string>();
  sortKey = signal<string | null>(null);
  sortDir = signal<SortDir>('asc');
  key = (r: Row) => r.name;
  testId = (r: Row) => `row-${r.name}`;
  selectId = (r: Row) => `select-${r.name}`;
}

function setupVirtual() {
  const fixture = TestBed.createComponent(VirtualHost);
  fixture.detectChanges();
  const el = fixture.nativeElement as HTMLElement;
  const shown = () =>
    Array.from(el.querySelectorAll('tbody tr.row')).map((tr) => tr.getAttribute('data-testid'));
  const spacers = () =>
    Array.from(el.querySelectorAll<HTMLElement>('tbody tr.spacer td')).map((td) => td.style.height);
  const box = el.querySelector<HTMLElement>('[data-testid="box"]')!;
  const scrollTo = (top: number) => {
    Object.defineProperty(box, 'scrollTop', { value: top, configurable: true });
    Object.defineProperty(box, 'clientHeight', { value: 400, configurable: true });
    box.dispatchEvent(new Event('scroll'));
    fixture.detectChanges();
  };
  const check = (name: string, init: MouseEventInit = {}) => {
    el.querySelector<HTMLInputElement>(`[data-testid="select-${name}"]`)!.dispatchEvent(
      new MouseEvent('click', { bubbles: true, ...init }),
    );
    fixture.detectChanges();
  };
  return { fixture, el, shown, spacers, scrollTo, check, host: fixture.componentInstance };
}

describe('DataTable in virtual mode', () => {
  it('renders only the rows in view (plus a buffer) between spacers, and no pager', () => {
    const { el, shown, spacers, scrollTo } = setupVirtual();
    expect(el.querySelector('nav.pager')).toBeNull();
    scrollTo(0);
    // 400 px box / 40 px rows = 10 rows, + 12 buffer, rounded up to the window's 6-row step.
    expect(shown()).toHaveLength(24);
    expect(shown()[0]).toBe('row-item-1');
    expect(spacers()).toEqual([`${(1000 - 24) * 40}px`]);
    scrollTo(500 * 40);
    const rendered = shown();
    expect(rendered).toContain('row-item-501');
    expect(rendered).toContain('row-item-510');
    expect(rendered).not.toContain('row-item-1');
    expect(rendered.length).toBeLessThan(40);
    const first = Number(rendered[0]!.replace('row-item-', '')) - 1;
    expect(spacers()[0]).toBe(`${first * 40}px`);
  });

  it('sorts all rows (not only those in view) and reports the sort to the page', () => {
    const { el, shown, host, fixture } = setupVirtual();
    el.querySelector<HTMLButtonElement>('[data-testid="sort-size"]')!.click();
    fixture.detectChanges();
    expect(host.sortKey()).toBe('size');
    expect(host.sortDir()).toBe('desc'); // the column's first direction
    expect(shown()[0]).toBe('row-item-3'); // size 4, the first of them
  });

  it('selects rows, a shift-click range in the shown order, and all shown', () => {
    const { el, check, host, fixture } = setupVirtual();
    check('item-2');
    check('item-5', { shiftKey: true });
    expect([...host.selection.selected()]).toEqual(['item-2', 'item-3', 'item-4', 'item-5']);
    expect(el.querySelector('[data-testid="row-item-3"]')?.classList).toContain('selected');
    const all = el.querySelector<HTMLInputElement>('[data-testid="all"]')!;
    expect(all.indeterminate).toBe(true);
    all.click();
    fixture.detectChanges();
    expect(host.selection.size()).toBe(1000);
    host.rows.set(rows(3));
    fixture.detectChanges();
    expect(all.checked).toBe(true); // every shown row is selected
    all.click();
    fixture.detectChanges();
    expect(host.selection.size()).toBe(0);
  });
});

describe('sortRows / nextSort', () => {
  const columns: TableColumn<Row>[] = [
    { key: 'name', label: 'Name' },
    { key: 'size', label: 'Size', firstDir: 'desc' },
  ];

  it('orders by the column, ties by the tie-break, the whole reversed for desc', () => {
    const list = [
      { name: 'b', size: 1 },
      { name: 'a', size: 1 },
      { name: 'c', size: 0 },
    ];
    const byName = (x: Row, y: Row) => x.name.localeCompare(y.name);
    const names = (dir: SortDir) => sortRows(list, columns, { key: 'size', dir }, byName).map((r) => r.name);
    expect(names('asc')).toEqual(['c', 'a', 'b']);
    expect(names('desc')).toEqual(['b', 'a', 'c']);
    expect(sortRows(list, columns, { key: null, dir: 'asc' })).toEqual(list);
  });

  it('flips the same column and starts another at its first direction', () => {
    expect(nextSort({ key: 'name', dir: 'asc' }, columns[0])).toEqual({ key: 'name', dir: 'desc' });
    expect(nextSort({ key: 'name', dir: 'asc' }, columns[1])).toEqual({ key: 'size', dir: 'desc' });
  });
});
