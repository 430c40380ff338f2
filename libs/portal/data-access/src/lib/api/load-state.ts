import { signal } from '@angular/core';

import { errorMessage } from './api-error';

/**
 * The loading flag and load error of a page that reads from the API (a list, one resource): `run(what, work)`
 * sets `loading` while `work` runs; a failure shows as `Could not load <what>: <reason>`, a success clears it.
 */
export class LoadState {
  readonly loading = signal(true);
  readonly error = signal<string | null>(null);

  async run(what: string, work: () => Promise<void>): Promise<void> {
    this.loading.set(true);
    try {
      await work();
      this.error.set(null);
    } catch (error) {
      this.error.set(`Could not load ${what}: ${errorMessage(error)}`);
    } finally {
      this.loading.set(false);
    }
  }
}
