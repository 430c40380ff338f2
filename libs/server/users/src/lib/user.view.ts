import type { UserRole } from '@capstan/contracts-api';

/**
 * A user as everything outside the users store sees it (other modules, the controllers): plain data, never the
 * password hash. Passwords are checked inside this lib (`verifyCredentials`, `verifyPassword`).
 */
export interface UserView {
  readonly id: number;
  readonly username: string;
  readonly role: UserRole;
  /** Bumped when the password changes: tokens carrying an older version are refused. */
  readonly tokenVersion: number;
  /** Unix seconds of the last password change (Portainer's TokenIssueAt). */
  readonly tokenIssueAt: number;
  readonly theme: string;
  readonly useCache: boolean;
}
