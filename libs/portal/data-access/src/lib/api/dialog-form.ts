import { signal } from '@angular/core';
import { errorMessage } from './api-error';

/**
 * The state of a form dialog: open or not, `submitted` once the user tried (so field errors show only then),
 * `busy` while the work runs (a second submit is ignored) and the work's error. Create in a field initializer.
 */
export class DialogForm {
  readonly open = signal(false);
  readonly busy = signal(false);
  readonly error = signal<string | null>(null);
  readonly submitted = signal(false);

  /** Opens it afresh (no error, fields' errors hidden); `reset` puts the fields back to their defaults. */
  show(reset?: () => void): void {
    reset?.();
    this.error.set(null);
    this.submitted.set(false);
    this.open.set(true);
  }

  close(): void {
    this.open.set(false);
  }

  /**
   * Marks it submitted; unless busy or `invalid()`, runs `work` (busy meanwhile) and keeps it open with the
   * error's message when it throws. `work` closes it (or not) itself. Resolves true when the work succeeded.
   */
  async submit(invalid: () => boolean, work: () => Promise<void>): Promise<boolean> {
    if (this.busy()) return false;
    this.submitted.set(true);
    if (invalid()) return false;
    this.busy.set(true);
    this.error.set(null);
    try {
      await work();
      return true;
    } catch (error) {
      this.error.set(errorMessage(error));
      return false;
    } finally {
      this.busy.set(false);
    }
  }
}
