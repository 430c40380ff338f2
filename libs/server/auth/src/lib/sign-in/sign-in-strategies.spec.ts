import passport from 'passport';
import { Strategy } from 'passport-strategy';
import { describe, expect, it } from 'vitest';
import { AuthenticationMethod } from '@capstan/contracts-api';
import { ServiceUnavailableError } from '@capstan/server-core';
import { SignInStrategies } from './sign-in-strategies';
import type { SignedInUser, SignInStrategy } from './sign-in-strategy';

const carol: SignedInUser = { id: 9, username: 'carol', role: 2, tokenVersion: 1 };

/** A stand-in for a directory strategy (LDAP), registered with passport as any strategy is. */
class DirectoryStrategy extends Strategy implements SignInStrategy {
  readonly method = AuthenticationMethod.Ldap;
  readonly name = 'test-directory';
  readonly context = 'ldap';
  readonly seen: unknown[] = [];

  constructor() {
    super();
    passport.use(this.name, this);
  }

  override authenticate(req: { body: { username: string; password: string } }): void {
    this.seen.push(req.body);
    if (req.body.password === 'boom') this.error(new Error('directory down'));
    else if (req.body.username === 'carol' && req.body.password === 'right') this.success(carol);
    else this.fail({ message: 'no' }, 401);
  }
}

const internal: SignInStrategy = {
  method: AuthenticationMethod.Internal,
  name: 'internal',
  context: 'internal',
};

describe('SignInStrategies', () => {
  it('selects the strategy of the configured AuthenticationMethod', () => {
    const directory = new DirectoryStrategy();
    const strategies = new SignInStrategies([internal, directory]);
    expect(strategies.select(AuthenticationMethod.Internal)).toBe(internal);
    expect(strategies.select(AuthenticationMethod.Ldap)).toBe(directory);
  });

  it('refuses a method without a strategy (503), rather than falling back to another', () => {
    const strategies = new SignInStrategies([internal]);
    expect(() => strategies.select(AuthenticationMethod.OAuth)).toThrow(ServiceUnavailableError);
    expect(() => strategies.select(AuthenticationMethod.OAuth)).toThrow('Sign-in method not available');
  });

  it("runs the strategy through passport: its user, its refusal or its error, with the strategy's context", async () => {
    const directory = new DirectoryStrategy();
    const strategies = new SignInStrategies([internal, directory]);
    await expect(strategies.signIn(directory, { username: 'carol', password: 'right' })).resolves.toEqual({
      ok: true,
      user: carol,
      context: 'ldap',
    });
    await expect(strategies.signIn(directory, { username: 'carol', password: 'wrong' })).resolves.toEqual({
      ok: false,
      context: 'ldap',
      reason: 'no',
    });
    await expect(strategies.signIn(directory, { username: 'carol', password: 'boom' })).rejects.toThrow(
      'directory down',
    );
    expect(directory.seen[0]).toEqual({ username: 'carol', password: 'right' });
  });
});
