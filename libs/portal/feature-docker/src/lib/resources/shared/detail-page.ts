import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { ActivatedRoute, Router } from '@angular/router';
import { errorMessage } from '@capstan/portal-data-access';
import { confirmedAction } from '@capstan/portal-ui';

export interface Removal {
  /** The confirmation's title and question. */
  title: string;
  message: string;
  /** How the resource is named in the failure toast. */
  name: string;
  /** The success toast. */
  done: string;
  /** Where to go after the removal, relative to the page's route (the list). */
  back: string;
  remove: () => Promise<unknown>;
}

/**
 * A detail page's Remove: asks (danger), removes, toasts and goes back to the list; a failure is toasted
 * and the page stays. Call in an injection context (a field initializer).
 */
export function removeAndLeave(): (removal: Removal) => Promise<void> {
  const act = confirmedAction();
  const router = inject(Router);
  const route = inject(ActivatedRoute);
  return (r) =>
    act({
      title: r.title,
      message: r.message,
      confirmLabel: 'Remove',
      run: r.remove,
      done: r.done,
      then: () => router.navigate([r.back], { relativeTo: route }),
      failed: (error) => `Could not remove ${r.name}: ${errorMessage(error)}`,
    });
}

/** A detail card's `name=value` lines (options, labels), or `—` when there are none. */
@Component({
  selector: 'cap-pair-lines',
  template: `
    @for (p of pairs(); track p[0]) {
      <div class="mono" [class.small]="small()">{{ p[0] }}={{ p[1] }}</div>
    } @empty {
      —
    }
  `,
  styles: `
    :host {
      display: contents;
    }
    .small {
      font-size: 0.8rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PairLines {
  readonly map = input<Record<string, string> | null | undefined>(undefined);
  readonly small = input(false);
  protected readonly pairs = computed(() => Object.entries(this.map() ?? {}));
}
