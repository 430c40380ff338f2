import { Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { describe, expect, it } from 'vitest';

import { CellDef, DataTable, type PageRequest, type TableColumn } from './data-table';

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
