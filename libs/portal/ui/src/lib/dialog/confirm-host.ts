import { ChangeDetectionStrategy, Component, inject } from '@angular/core';

import { ConfirmService } from './confirm.service';
import { Dialog } from './dialog';

/** Shows the pending confirmation of `ConfirmService`. Place once, in the root. */
@Component({
  selector: 'cap-confirm-host',
  imports: [Dialog],
  template: `
    @if (confirm.pending(); as pending) {
      <cap-dialog [title]="pending.title" testId="confirm-dialog" (closed)="confirm.answer(false)">
        <p>{{ pending.message }}</p>
        <div dialog-actions>
          <button type="button" class="btn" data-testid="confirm-cancel" (click)="confirm.answer(false)">
            Cancel
          </button>
          <button
            type="button"
            class="btn"
            [class.btn-danger]="pending.danger"
            [class.btn-primary]="!pending.danger"
            data-testid="confirm-ok"
            (click)="confirm.answer(true)"
          >
            {{ pending.confirmLabel ?? 'Confirm' }}
          </button>
        </div>
      </cap-dialog>
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ConfirmHost {
  protected readonly confirm = inject(ConfirmService);
}
