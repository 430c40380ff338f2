import { ChangeDetectionStrategy, Component, input } from '@angular/core';

/** A card with compose's output of a stack's deploy (`data-testid="stack-deploy-log"`), announced as it grows. */
@Component({
  selector: 'cap-stack-deploy-log',
  template: `
    <section class="card" aria-live="polite">
      <h2>{{ title() }}</h2>
      <pre class="log" data-testid="stack-deploy-log">{{ log() || empty() }}</pre>
    </section>
  `,
  styles: `
    h2 {
      font-size: 1rem;
      margin-bottom: 0.75rem;
    }
    .log {
      max-height: 18rem;
      overflow: auto;
      white-space: pre-wrap;
      overflow-wrap: anywhere;
      font-size: 0.8rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class StackDeployLogCard {
  readonly title = input.required<string>();
  readonly log = input.required<string>();
  readonly empty = input('No deploy output.');
}
