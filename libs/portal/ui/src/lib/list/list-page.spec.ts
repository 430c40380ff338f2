import { Component, computed, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { describe, expect, it } from 'vitest';

import { ListPage } from './list-page';
import { Selection } from './selection';

@Component({
  imports: [ListPage],
  template: `
    <cap-list-page
      title="Things"
      subtitle="All of them."
      [error]="error()"
      searchLabel="Search things"
      searchPlaceholder="Search (press /)"
      searchTestId="thing-search"
      [(query)]="query"
      refreshTestId="thing-refresh"
      (refresh)="refreshes = refreshes + 1"
      [selection]="selectable() ? selection : null"
      [selectableKeys]="shownIds()"
      selectAllTestId="thing-select-all"
    >
      <button listActions type="button" data-testid="thing-create">+ Add</button>
      <p listNotices data-testid="thing-notice">Two nodes did not answer.</p>
      <select listFilters data-testid="thing-filter"></select>
      <button listBulk type="button" data-testid="thing-delete">Delete ({{ selection.size() }})</button>
      <ul data-testid="thing-list">
        @for (id of shownIds(); track id) {
          <li>{{ id }}</li>
        }
      </ul>
    </cap-list-page>
  `,
})
class Host {
  readonly error = signal<string | null>(null);
  readonly query = signal('');
  readonly selectable = signal(true);
  readonly selection = new Selection<number>();
  readonly shownIds = computed(() => [1, 2, 3].filter((id) => String(id).includes(this.query())));
  refreshes = 0;
}

function setup() {
  const fixture = TestBed.createComponent(Host);
  fixture.detectChanges();
  const el = fixture.nativeElement as HTMLElement;
  const byId = <T extends HTMLElement>(id: string) => el.querySelector<T>(`[data-testid="${id}"]`);
  return { fixture, host: fixture.componentInstance, el, byId };
}

describe('ListPage', () => {
  it('lays out the title row, notices, toolbar and list in that order', () => {
    const { el, byId } = setup();
    expect(el.querySelector('h1')?.textContent).toBe('Things');
    const order = [
      'thing-create',
      'thing-refresh',
      'thing-notice',
      'thing-search',
      'thing-filter',
      'thing-list',
    ].map((id) => byId(id));
    expect(order.every(Boolean)).toBe(true);
    for (let i = 1; i < order.length; i++)
      expect(
        order[i - 1]!.compareDocumentPosition(order[i]!) & Node.DOCUMENT_POSITION_FOLLOWING,
      ).toBeTruthy();
    expect(byId('thing-search')?.getAttribute('aria-keyshortcuts')).toBe('/');
    expect(byId('thing-search')?.closest('label')?.textContent).toContain('Search things');
  });

  it('binds the search both ways, emits refresh and shows the error', () => {
    const { fixture, host, byId, el } = setup();
    const search = byId<HTMLInputElement>('thing-search')!;
    search.value = '2';
    search.dispatchEvent(new Event('input'));
    fixture.detectChanges();
    expect(host.query()).toBe('2');
    expect(byId('thing-list')?.textContent?.trim()).toBe('2');
    host.query.set('');
    fixture.detectChanges();
    expect(search.value).toBe('');
    byId('thing-refresh')!.click();
    expect(host.refreshes).toBe(1);
    expect(el.querySelector('[data-testid="alert-error"]')).toBeNull();
    host.error.set('Could not load things');
    fixture.detectChanges();
    expect(el.querySelector('[data-testid="alert-error"]')?.textContent).toContain('Could not load things');
  });

  it('selects all the shown rows, and the bulk actions see the selection', () => {
    const { fixture, host, byId } = setup();
    const all = byId<HTMLInputElement>('thing-select-all')!;
    expect(all.checked).toBe(false);
    all.click();
    fixture.detectChanges();
    expect([...host.selection.selected()]).toEqual([1, 2, 3]);
    expect(all.checked).toBe(true);
    expect(byId('thing-delete')?.textContent).toContain('Delete (3)');
    host.selection.toggle(2, false);
    fixture.detectChanges();
    expect(all.checked).toBe(false);
    all.click();
    fixture.detectChanges();
    expect(host.selection.size()).toBe(3);
    all.click();
    fixture.detectChanges();
    expect(host.selection.size()).toBe(0);
  });

  it('has no select-all nor bulk slot without a selection', () => {
    const { fixture, host, byId } = setup();
    host.selectable.set(false);
    fixture.detectChanges();
    expect(byId('thing-select-all')).toBeNull();
    expect(byId('thing-delete')).toBeNull();
  });
});

describe('Selection', () => {
  it('toggles, selects all of a set of keys, retains what is still listed', () => {
    const s = new Selection<string>();
    expect(s.allOf([])).toBe(false);
    s.toggle('a', true);
    s.toggle('b', true);
    expect(s.has('a')).toBe(true);
    expect(s.allOf(['a', 'b'])).toBe(true);
    expect(s.allOf(['a', 'b', 'c'])).toBe(false);
    s.toggle('a', false);
    expect([...s.selected()]).toEqual(['b']);
    s.setAll(['a', 'b', 'c'], true);
    s.retain(['a', 'c', 'd']);
    expect([...s.selected()]).toEqual(['a', 'c']);
    s.setMany(['b', 'd'], true);
    s.setMany(['a', 'd'], false);
    expect([...s.selected()]).toEqual(['c', 'b']);
    s.setAll(['a'], false);
    expect(s.size()).toBe(0);
  });
});
