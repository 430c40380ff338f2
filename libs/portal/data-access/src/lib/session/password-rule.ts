import { type Signal, inject, signal } from '@angular/core';

import { AuthApi } from '../services/auth-api.service';

/** Portainer's default when the public settings cannot be read. */
export const DEFAULT_MIN_PASSWORD_LENGTH = 12;

/**
 * The instance's password rule (minimum length, from the public settings) as a signal, for forms that state it
 * before the user saves. Starts at Portainer's default and follows the setting once read. Call in an
 * injection context (a component's field or constructor).
 */
export function passwordMinLength(): Signal<number> {
  const length = signal(DEFAULT_MIN_PASSWORD_LENGTH);
  inject(AuthApi)
    .publicSettings()
    .then((s) => {
      if (s.RequiredPasswordLength > 0) length.set(s.RequiredPasswordLength);
    })
    .catch(() => undefined);
  return length.asReadonly();
}
