import { ChangeDetectionStrategy, Component, input } from '@angular/core';

/** What a page shows when it has nothing to list: a title, an explanation, optional projected actions. */
@Component({
  selector: 'cap-empty-state',
  template: `
    <div class="icon" aria-hidden="true">{{ icon() }}</div>
    <h2>{{ title() }}</h2>
    <p class="muted">{{ message() }}</p>
    <ng-content />
  `,
  host: { 'data-testid': 'empty-state' },
  styles: `
    :host {
      display: grid;
      justify-items: center;
      text-align: center;
      gap: 0.5rem;
      padding: 2.5rem 1rem;
      border: 1px dashed var(--border);
      border-radius: var(--radius-lg);
      background: var(--surface);
    }
    .icon {
      font-size: 2rem;
      line-height: 1;
    }
    h2 {
      margin: 0;
      font-size: 1.15rem;
    }
    p {
      margin: 0;
      max-width: 36rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EmptyState {
  readonly title = input.required<string>();
  readonly message = input<string>('');
  readonly icon = input<string>('◌');
}
