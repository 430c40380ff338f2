import { Inject, Injectable } from '@nestjs/common';
import passport from 'passport';
import { AuthenticationMethod } from '@capstan/contracts-api';
import { ServiceUnavailableError } from '@capstan/server-core';
import {
  SIGN_IN_STRATEGIES,
  type SignedInUser,
  type SignInCredentials,
  type SignInStrategy,
} from './sign-in-strategy';

/** What `passport.authenticate()` returns (typed for Express; called here without one). */
type PassportMiddleware = (req: object, res: object, next: (err?: unknown) => void) => void;

/** The outcome of a sign-in attempt: the user, or a refusal; `context` names the strategy for the auth log. */
export type SignInOutcome =
  | { readonly ok: true; readonly user: SignedInUser; readonly context: string }
  | { readonly ok: false; readonly context: string; readonly reason?: string };

/**
 * Picks the sign-in strategy the settings select (`AuthenticationMethod`: 1 internal, 2 LDAP, 3 OAuth) and runs it
 * through passport. Adding a method adds a strategy, not a branch here.
 */
@Injectable()
export class SignInStrategies {
  private readonly byMethod: ReadonlyMap<AuthenticationMethod, SignInStrategy>;

  constructor(@Inject(SIGN_IN_STRATEGIES) strategies: readonly SignInStrategy[]) {
    this.byMethod = new Map(strategies.map((s) => [s.method, s]));
  }

  /** The strategy of a method; a method without one (LDAP or OAuth before they exist) is a 503, never a fallback. */
  /**
   * The auth-log context of a method, without refusing one that has no strategy (a session still ends after the
   * administrator switched to a method this server cannot serve).
   */
  contextOf(method: AuthenticationMethod): string {
    return this.byMethod.get(method)?.context ?? AuthenticationMethod[method] ?? String(method);
  }

  select(method: AuthenticationMethod): SignInStrategy {
    const strategy = this.byMethod.get(method);
    if (!strategy)
      throw new ServiceUnavailableError(
        'Sign-in method not available',
        `Authentication method ${method} (${AuthenticationMethod[method] ?? 'unknown'}) has no strategy on this server`,
      );
    return strategy;
  }

  /** Runs the strategy through passport (no session: Capstan issues its own JWT). */
  signIn(strategy: SignInStrategy, credentials: SignInCredentials | object): Promise<SignInOutcome> {
    return new Promise((resolve, reject) => {
      const done = (err: unknown, user: SignedInUser | false | undefined, info?: unknown): void => {
        if (err) reject(err instanceof Error ? err : new Error(`sign-in strategy ${strategy.name} failed`));
        else if (user) resolve({ ok: true, user, context: strategy.context });
        else {
          // A strategy's fail({message}) says why, for the authentication log.
          const message = (info as { message?: unknown } | undefined)?.message;
          resolve({
            ok: false,
            context: strategy.context,
            ...(typeof message === 'string' ? { reason: message } : {}),
          });
        }
      };
      // Strategies read the validated body (so `Username` works as `username`), never the raw request.
      const req = { body: { ...credentials }, query: {} };
      const middleware = passport.authenticate(strategy.name, { session: false }, done) as PassportMiddleware;
      middleware(req, {}, (e) => done(e, false));
    });
  }
}
