import { describe, expect, it } from 'vitest';
import { AuthenticationMethod } from '@capstan/contracts-api';
import type { UsersService } from '@capstan/server-users';
import { InternalStrategy } from './internal.strategy';
import { SignInStrategies } from './sign-in-strategies';

const alice = { id: 2, username: 'alice', role: 2, tokenVersion: 3 };

/** The users facade as far as sign-in needs it: one account, password "correct horse". */
const users = {
  verifyCredentials: (username: string, password: string) =>
    Promise.resolve(username === 'alice' && password === 'correct horse' ? alice : undefined),
} as unknown as UsersService;

describe('InternalStrategy', () => {
  const internal = new InternalStrategy(users);
  const strategies = new SignInStrategies([internal]);

  it('is the strategy of AuthenticationMethod.Internal, logged as "internal"', () => {
    expect(strategies.select(AuthenticationMethod.Internal)).toBe(internal);
    expect(internal.context).toBe('internal');
  });

  it('signs in with the right password, through passport', async () => {
    await expect(
      strategies.signIn(internal, { username: 'alice', password: 'correct horse' }),
    ).resolves.toEqual({ ok: true, user: alice, context: 'internal' });
  });

  it('refuses a wrong password, an unknown user and empty credentials', async () => {
    for (const credentials of [
      { username: 'alice', password: 'wrong' },
      { username: 'mallory', password: 'correct horse' },
    ])
      await expect(strategies.signIn(internal, credentials)).resolves.toEqual({
        ok: false,
        context: 'internal',
      });
    // passport-local says why for empty fields; the auth log keeps it.
    await expect(strategies.signIn(internal, { username: '', password: '' })).resolves.toEqual({
      ok: false,
      context: 'internal',
      reason: 'Missing credentials',
    });
  });
});
