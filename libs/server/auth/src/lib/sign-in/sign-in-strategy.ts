import type { AuthenticationMethod } from '@capstan/contracts-api';

/** What a sign-in proves: the account a session is issued for. */
export interface SignedInUser {
  readonly id: number;
  readonly username: string;
  readonly role: number;
  readonly tokenVersion: number;
  /** A cap on the session the strategy vouches for (OAuth: the provider's access token lifetime). */
  readonly sessionLifetimeMs?: number;
}

/**
 * What a strategy's own `signIn` answers: the user, or why not (a reason for the authentication log). A directory
 * or provider that fails throws instead (the caller sees a 5xx or 4xx, the log the error).
 */
export type SignInResult = { readonly user: SignedInUser } | { readonly refused: string };

/** The validated body of `POST /api/auth` (keys matched case-insensitively), which strategies read. */
export interface SignInCredentials {
  readonly username: string;
  readonly password: string;
}

/**
 * One sign-in method: a passport strategy, registered under `name` with passport, chosen when the settings'
 * `AuthenticationMethod` is `method`. `context` names it in the authentication log (Portainer's `internal`,
 * `ldap`, `oauth`). LDAP and OAuth add a class like the internal one and list it in `SIGN_IN_STRATEGIES`.
 */
export interface SignInStrategy {
  readonly method: AuthenticationMethod;
  readonly name: string;
  readonly context: string;
}

/** Injection token: every sign-in strategy the server has. */
export const SIGN_IN_STRATEGIES = Symbol('SIGN_IN_STRATEGIES');
