import { INITIAL_ADMIN_ID, type UsersService } from '@capstan/server-users';
import type { SignInResult } from './sign-in-strategy';

/**
 * The break-glass sign-in of directory and provider methods: the initial administrator (user 1) always signs in
 * with the internal password, so a directory that is down or a misconfigured provider never locks everyone out.
 * Undefined when `username` is not user 1 (the method's own sign-in decides).
 */
export async function initialAdminSignIn(
  users: UsersService,
  username: string,
  password: string,
): Promise<SignInResult | undefined> {
  const local = await users.findByUsername(username);
  if (local?.id !== INITIAL_ADMIN_ID) return undefined;
  const admin = await users.verifyCredentials(username, password);
  return admin ? { user: admin } : { refused: 'wrong password (initial administrator, internal)' };
}
