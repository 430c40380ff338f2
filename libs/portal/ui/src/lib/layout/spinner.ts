import { ChangeDetectionStrategy, Component, input } from '@angular/core';

/** A loading indicator with a text alternative for screen readers. */
@Component({
  selector: 'cap-spinner',
  template: `<span class="ring" aria-hidden="true"></span><span class="sr-only">{{ label() }}</span>`,
  host: { role: 'status', 'data-testid': 'spinner' },
  styles: `
    :host {
      display: inline-flex;
      align-items: center;
      gap: 0.5rem;
    }
    .ring {
      width: 1.25rem;
      height: 1.25rem;
      border-radius: 50%;
      border: 2px solid var(--border);
      border-top-color: var(--accent);
      animation: spin 0.8s linear infinite;
    }
    @keyframes spin {
      to {
        transform: rotate(360deg);
      }
    }
    @media (prefers-reduced-motion: reduce) {
      .ring {
        animation-duration: 2.4s;
      }
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Spinner {
  readonly label = input('Loading…');
}
