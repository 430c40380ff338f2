import { ChangeDetectionStrategy, Component, computed, input, model, output } from '@angular/core';

import { Alert } from '../alert/alert';
import { SearchShortcut } from '../form/search-shortcut';
import { PageHeader } from '../layout/page-header';
import type { Selection } from './selection';

/**
 * The shell every list page shares: the title row with the page's actions (and Refresh), notices, the error
 * alert, a toolbar with the search box (`/` focuses it), the page's filters and — when rows can be selected —
 * "Select all" and the bulk actions. The list itself (usually a `cap-data-table`) and the page's dialogs follow the
 * element in the page's template (or go in the default slot).
 *
 * Slots: `[listActions]` (title row, before Refresh), `[listNotices]` (under the title), `[listFilters]` (toolbar,
 * after the search box), `[listBulk]` (toolbar end, shown with a selection), default (under the toolbar).
 */
@Component({
  selector: 'cap-list-page',
  imports: [Alert, PageHeader, SearchShortcut],
  template: `
    <cap-page-header [title]="title()" [subtitle]="subtitle()">
      <ng-content select="[listActions]" />
      @if (refreshTestId(); as testId) {
        <button type="button" class="btn btn-ghost" [attr.data-testid]="testId" (click)="refresh.emit()">
          ↻ Refresh
        </button>
      }
    </cap-page-header>
    <ng-content select="[listNotices]" />
    @if (error(); as message) {
      <cap-alert kind="error">{{ message }}</cap-alert>
    }
    <div class="toolbar">
      @if (searchLabel()) {
        <label class="grow">
          <span class="sr-only">{{ searchLabel() }}</span>
          <input
            class="input"
            type="search"
            [placeholder]="searchPlaceholder()"
            capSearchShortcut
            [attr.data-testid]="searchTestId()"
            [value]="query()"
            (input)="query.set($any($event.target).value)"
          />
        </label>
      }
      <ng-content select="[listFilters]" />
      @if (selection(); as sel) {
        <label class="check">
          <input
            type="checkbox"
            [attr.data-testid]="selectAllTestId()"
            [checked]="allSelected()"
            [disabled]="selectableKeys().length === 0"
            (change)="sel.setAll(selectableKeys(), $any($event.target).checked)"
          />
          Select all
        </label>
        <span class="bulk"><ng-content select="[listBulk]" /></span>
      }
    </div>
    <ng-content />
  `,
  styles: `
    :host {
      display: block;
    }
    /* A page without search, filters or selection (projection leaves only comments behind). */
    .toolbar:empty {
      display: none;
    }
    .grow {
      flex: 1 1 16rem;
      max-width: 28rem;
    }
    .check {
      display: inline-flex;
      gap: 0.4rem;
      align-items: center;
      min-height: 2.25rem;
    }
    .bulk {
      display: inline-flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      margin-left: auto;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ListPage<K = unknown> {
  readonly title = input.required<string>();
  readonly subtitle = input('');
  /** The load error, shown as an error alert; null when none. */
  readonly error = input<string | null>(null);
  /** The search box's accessible name ("Search users"); no search box without it. */
  readonly searchLabel = input('');
  readonly searchTestId = input<string | null>(null);
  readonly searchPlaceholder = input('Search (press /)');
  readonly query = model('');
  /** `data-testid` of the Refresh button; no button without it. */
  readonly refreshTestId = input<string | null>(null);
  readonly refresh = output();
  /** Row selection: adds "Select all" (over `selectableKeys`) and the `[listBulk]` slot to the toolbar. */
  readonly selection = input<Selection<K> | null>(null);
  /** The keys "Select all" selects: usually those of the rows the search leaves. */
  readonly selectableKeys = input<readonly K[]>([]);
  readonly selectAllTestId = input<string | null>(null);

  protected readonly allSelected = computed(() => this.selection()?.allOf(this.selectableKeys()) ?? false);
}
