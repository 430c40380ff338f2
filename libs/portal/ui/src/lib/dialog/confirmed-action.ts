import { inject } from '@angular/core';

import { ToastService } from '../toast/toast.service';
import { ConfirmService } from './confirm.service';

export interface ConfirmedAction {
  /** The confirmation (always `danger`). */
  title: string;
  message: string;
  confirmLabel: string;
  /** What the user confirmed (a removal, a delete). */
  run: () => Promise<unknown>;
  /** The success toast. */
  done: string;
  /** Then (reload the list, leave the page); a failure here is toasted like one of `run`. */
  then: () => Promise<unknown>;
  /** The failure toast, from the error. */
  failed: (error: unknown) => string;
}

/**
 * A destructive action behind a confirmation: asks, runs, toasts the success and goes on with `then`, or
 * toasts the failure. Call in an injection context (a field initializer).
 */
export function confirmedAction(): (action: ConfirmedAction) => Promise<void> {
  const confirm = inject(ConfirmService);
  const toasts = inject(ToastService);
  return async (a) => {
    const ok = await confirm.ask({
      title: a.title,
      message: a.message,
      confirmLabel: a.confirmLabel,
      danger: true,
    });
    if (!ok) return;
    try {
      await a.run();
      toasts.success(a.done);
      await a.then();
    } catch (error) {
      toasts.error(a.failed(error));
    }
  };
}
