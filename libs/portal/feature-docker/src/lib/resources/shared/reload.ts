import { effect, untracked } from '@angular/core';

import type { EnvironmentContext } from '../../shell/environment-context';

/** Runs `load` now and whenever the page's environment changes (call from a constructor). */
export function reloadOnEnvironment(ctx: EnvironmentContext, load: () => Promise<void>): void {
  effect(() => {
    if (ctx.envId()) untracked(() => void load());
  });
}
