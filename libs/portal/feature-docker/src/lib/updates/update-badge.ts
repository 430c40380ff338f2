import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { UpdateStatus } from '@capstan/portal-data-access';

const LABELS: Record<UpdateStatus, string> = {
  updated: 'up to date',
  outdated: 'update available',
  unknown: 'unknown',
};

/** A container's, service's or stack's image update status (`image_status` routes), with the reason as title. */
@Component({
  selector: 'cap-update-badge',
  template: `
    @if (status(); as s) {
      <span
        class="upd"
        [class]="'upd upd-' + s"
        [attr.title]="message() || null"
        [attr.data-testid]="testId() || null"
        >{{ label() }}</span
      >
    }
  `,
  styles: `
    .upd {
      display: inline-block;
      padding: 0 0.4rem;
      border-radius: 0.6rem;
      font-size: 0.75rem;
      line-height: 1.3rem;
      white-space: nowrap;
      border: 1px solid currentColor;
    }
    .upd-updated {
      color: var(--success);
    }
    .upd-outdated {
      color: var(--warning);
      font-weight: 600;
    }
    .upd-unknown {
      color: var(--text-muted);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UpdateBadge {
  readonly status = input<UpdateStatus | undefined>(undefined);
  readonly message = input('');
  readonly testId = input('');
  protected readonly label = computed(() => {
    const s = this.status();
    return s ? LABELS[s] : '';
  });
}
